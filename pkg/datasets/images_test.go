package datasets

import (
	"math"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// labelled returns n 2×2 gray images where image i has every pixel i/n and
// label i mod k.
func labelled(n, k int) *Images {
	im := &Images{N: n, H: 2, W: 2, C: 1, Labels: make([]int, n), Names: make([]string, n), Categories: make([]string, n)}
	for i := range n {
		for range 4 {
			im.Pix = append(im.Pix, float32(i)/float32(n))
		}
		im.Labels[i] = i % k
		im.Names[i] = string(rune('a' + i%26))
		im.Categories[i] = []string{"x", "y", "z"}[i%3]
	}
	for i := range k {
		im.ClassNames = append(im.ClassNames, string(rune('A'+i)))
	}
	return im
}

// The tensor is [N, H, W, C] and holds Pix in row-major order; the matrix
// holds image i in row i; Rows are views of Pix.
func TestTensorMatrixRows(t *testing.T) {
	im := randomImages(3, 2, 4, 3, 7)
	x, err := im.Tensor()
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Shape().Dimensions; !slices.Equal(got, []int{3, 2, 4, 3}) {
		t.Fatalf("tensor shape %v, want [3 2 4 3]", got)
	}
	flat := tensors.MustCopyFlatData[float32](x)
	if !slices.Equal(flat, im.Pix) {
		t.Fatal("tensor data differs from Pix")
	}
	v := x.Value().([][][][]float32)
	if v[2][1][3][2] != im.Pix[((2*2+1)*4+3)*3+2] {
		t.Fatal("tensor [2][1][3][2] is not Pix[((2·H+1)·W+3)·C+2]")
	}
	m, err := im.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); r != 3 || c != 24 {
		t.Fatalf("matrix %d×%d, want 3×24", r, c)
	}
	rows := im.Rows()
	for i := range 3 {
		for j := range 24 {
			if m.At(i, j) != float64(im.Pix[i*24+j]) || rows[i][j] != im.Pix[i*24+j] {
				t.Fatalf("(%d, %d) differs", i, j)
			}
		}
	}
	rows[1][0] = 0.5
	if im.Pix[24] != 0.5 {
		t.Fatal("Rows must be views of Pix")
	}
}

func TestValidate(t *testing.T) {
	good := func() *Images { im := labelled(4, 2); im.Mask = make([]float32, 16); return im }
	if err := good().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		break_ func(*Images)
		want   string
	}{
		{"N", func(im *Images) { im.N = 0 }, "N = 0"},
		{"H", func(im *Images) { im.H = -1 }, "H ≥ 1"},
		{"C", func(im *Images) { im.C = 4 }, "C = 4"},
		{"Pix length", func(im *Images) { im.Pix = im.Pix[:3] }, "len(Pix) = 3"},
		{"Pix range", func(im *Images) { im.Pix[5] = 1.5 }, "Pix[5] = 1.5"},
		{"Pix NaN", func(im *Images) { im.Pix[2] = float32(math.NaN()) }, "Pix[2] = NaN"},
		{"labels length", func(im *Images) { im.Labels = im.Labels[:1] }, "len(Labels) = 1"},
		{"label range", func(im *Images) { im.Labels[3] = 2 }, "Labels[3] = 2"},
		{"label negative", func(im *Images) { im.Labels[0] = -1 }, "Labels[0] = -1"},
		{"names", func(im *Images) { im.Names = nil; im.Names = []string{"a"} }, "len(Names) = 1"},
		{"categories", func(im *Images) { im.Categories = []string{} }, "len(Categories) = 0"},
		{"mask length", func(im *Images) { im.Mask = im.Mask[:4] }, "len(Mask) = 4"},
		{"mask range", func(im *Images) { im.Mask[1] = -0.1 }, "Mask[1] = -0.1"},
		{"huge", func(im *Images) { im.N = 1 << 40 }, "over the limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := good()
			tc.break_(im)
			wantErr(t, im.Validate(), tc.want)
			_, err := im.Tensor()
			wantErr(t, err, tc.want)
		})
	}
	var nilImages *Images
	wantErr(t, nilImages.Validate(), "nil")
	_, err := New(2, 2, 2, 1, make([]float32, 7))
	wantErr(t, err, "len(Pix) = 7", "8")
	_, err = FromBytes(2, 2, 2, 1, make([]byte, 9))
	wantErr(t, err, "9 bytes", "8")
}

func TestSubsetConcat(t *testing.T) {
	im := labelled(6, 3)
	im.Mask = make([]float32, 24)
	for i := range im.Mask {
		im.Mask[i] = float32(i) / 24
	}
	sub, err := im.Subset([]int{4, 1, 4})
	if err != nil {
		t.Fatal(err)
	}
	for k, i := range []int{4, 1, 4} {
		if !slices.Equal(sub.Row(k), im.Row(i)) || !slices.Equal(sub.MaskRow(k), im.MaskRow(i)) ||
			sub.Labels[k] != im.Labels[i] || sub.Names[k] != im.Names[i] || sub.Categories[k] != im.Categories[i] {
			t.Fatalf("Subset image %d differs from image %d", k, i)
		}
	}
	_, err = im.Subset([]int{0, 6})
	wantErr(t, err, "idx[1] = 6", "[0, 6)")
	_, err = im.Subset(nil)
	wantErr(t, err, "no images")

	a, _ := im.Subset([]int{0, 1})
	b, _ := im.Subset([]int{2, 3, 4, 5})
	b.Mask = nil // a part without mask counts as opaque
	all, err := Concat(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if all.N != 6 || !slices.Equal(all.Pix, im.Pix) || !slices.Equal(all.Labels, im.Labels) || !slices.Equal(all.Names, im.Names) {
		t.Fatal("Concat of the two halves differs from the whole")
	}
	if !slices.Equal(all.Mask[:8], im.Mask[:8]) || all.Mask[8] != 1 || all.Mask[23] != 1 {
		t.Fatal("Concat mask: want part a's mask then ones")
	}
	c := randomImages(1, 2, 3, 1, 1)
	_, err = Concat(a, c)
	wantErr(t, err, "part 1 is 1×2×3×1"[:0]+"part 1", "same size")
	d, _ := im.Subset([]int{0})
	d.ClassNames = []string{"other"}
	d.Labels = []int{0}
	_, err = Concat(a, d)
	wantErr(t, err, "class names")
	_, err = Concat()
	wantErr(t, err, "nothing")
}

func TestSelect(t *testing.T) {
	im := labelled(10, 4)
	sel, err := im.SelectLabels(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, l := range im.Labels {
		if l == 1 || l == 3 {
			want = append(want, i)
		}
	}
	ref, _ := im.Subset(want)
	if !slices.Equal(sel.Pix, ref.Pix) || !slices.Equal(sel.Labels, []int{1, 3, 1, 3, 1}) {
		t.Fatalf("SelectLabels(1, 3) = labels %v", sel.Labels)
	}
	if got := im.CountLabels(); !slices.Equal(got, []int{3, 3, 2, 2}) {
		t.Fatalf("CountLabels = %v, want [3 3 2 2]", got)
	}
	cats, err := im.SelectCategories("z")
	if err != nil {
		t.Fatal(err)
	}
	if cats.N != 3 || cats.Names[0] != "c" || cats.Names[2] != "i" {
		t.Fatalf("SelectCategories(z) = %v %v", cats, cats.Names)
	}
	_, err = im.SelectLabels(4)
	wantErr(t, err, "label 4", "[0, 4)")
	_, err = im.SelectLabels()
	wantErr(t, err, "no labels given")
	_, err = im.SelectCategories("w")
	wantErr(t, err, `"w"`, `["x" "y" "z"]`)
	bare := randomImages(2, 1, 1, 1, 1)
	_, err = bare.SelectLabels(0)
	wantErr(t, err, "no labels")
	_, err = bare.SelectCategories("x")
	wantErr(t, err, "no categories")
}

// Every transform of inconsistent Images returns an error instead of
// indexing out of range.
func TestTransformsRefuseBadShape(t *testing.T) {
	bad := []func() *Images{
		func() *Images { im := labelled(4, 2); im.Pix = im.Pix[:5]; return im },
		func() *Images { im := labelled(4, 2); im.Labels = im.Labels[:2]; return im },
		func() *Images { im := labelled(4, 2); im.Mask = make([]float32, 3); return im },
		func() *Images { im := labelled(4, 2); im.C = 0; return im },
		func() *Images { return nil },
	}
	ops := map[string]func(*Images) error{
		"Resize":           func(im *Images) error { return second(im.Resize(1, 1)) },
		"CenterCrop":       func(im *Images) error { return second(im.CenterCrop(1, 1)) },
		"Pad":              func(im *Images) error { return second(im.Pad(3, 3, 0)) },
		"Gray":             func(im *Images) error { return second(im.Gray()) },
		"RGB":              func(im *Images) error { return second(im.RGB()) },
		"Subset":           func(im *Images) error { return second(im.Subset([]int{0})) },
		"SelectLabels":     func(im *Images) error { return second(im.SelectLabels(0)) },
		"SelectCategories": func(im *Images) error { return second(im.SelectCategories("x")) },
		"Split":            func(im *Images) error { _, _, err := im.Split(1, 1, 1); return err },
		"Tensor":           func(im *Images) error { return second(im.Tensor()) },
		"Matrix":           func(im *Images) error { return second(im.Matrix()) },
		"Image":            func(im *Images) error { return second(im.Image(0)) },
	}
	for name, op := range ops {
		for k, b := range bad {
			if err := op(b()); err == nil {
				t.Errorf("%s of bad images %d: no error", name, k)
			}
		}
	}
}
