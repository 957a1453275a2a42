package images

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/molrg/molrg/pkg/datasets"
)

// synthetic returns n 2×2 gray images whose pixels encode their index,
// with emoji-like names: every third image is a skin-tone variation of the
// one before it, and images 5 and 6 are exact copies of image 4.
func synthetic(t *testing.T, n int) *datasets.Images {
	t.Helper()
	pix := make([]float32, 4*n)
	names := make([]string, n)
	base := ""
	for i := range n {
		v := float32(i) / float32(n)
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = v, -v, v/2, 0
		if i%3 == 0 {
			base = fmt.Sprintf("1f%03x", i)
			names[i] = base + ".png"
		} else {
			names[i] = fmt.Sprintf("%s-1f3f%c.png", base, 'a'+byte(i%3))
		}
	}
	copy(pix[4*5:4*6], pix[4*4:4*5])
	copy(pix[4*6:4*7], pix[4*4:4*5])
	im, err := datasets.New(n, 2, 2, 1, pix)
	if err != nil {
		t.Fatal(err)
	}
	im.Names = names
	return im
}

// Prepare drops exact copies, keeps every group of variations on one side,
// draws a held-out set that does not depend on the pool size and pools
// that extend one another.
func TestPrepareSplit(t *testing.T) {
	im := synthetic(t, 90)
	small, err := Prepare(im, 20, 12, 7)
	if err != nil {
		t.Fatal(err)
	}
	big, err := Prepare(im, 60, 12, 7)
	if err != nil {
		t.Fatal(err)
	}
	if small.Duplicates != 2 || small.Groups != 30 {
		t.Errorf("duplicates %d, groups %d; want 2 and 30", small.Duplicates, small.Groups)
	}
	if !slices.Equal(small.Held.Pix, big.Held.Pix) || small.Held.N != 12 {
		t.Error("the held-out set depends on the pool size")
	}
	if !slices.Equal(small.Pool.Pix, big.Pool.Pix[:len(small.Pool.Pix)]) {
		t.Error("the pool of 20 is not the start of the pool of 60")
	}
	heldGroups := map[string]bool{}
	for i := range big.Held.N {
		heldGroups[Group(big.Held, i)] = true
	}
	seen := map[string]bool{}
	for i := range big.Pool.N {
		if heldGroups[Group(big.Pool, i)] {
			t.Errorf("pool image %s shares its group with a held-out image", big.Pool.Names[i])
		}
		key := fmt.Sprint(big.Pool.Row(i))
		if seen[key] {
			t.Errorf("pool image %d appears twice", i)
		}
		seen[key] = true
	}
	tr, err := big.Train(5)
	if err != nil || tr.N != 5 || !slices.Equal(tr.Pix, big.Pool.Pix[:20]) {
		t.Errorf("Train(5): %v", err)
	}
	if _, err := big.Train(61); err == nil {
		t.Error("Train(61) of a pool of 60: no error")
	}
	other, _ := Prepare(im, 20, 12, 8)
	if slices.Equal(other.Held.Pix, small.Held.Pix) {
		t.Error("another seed drew the same held-out set")
	}
	for _, c := range []struct {
		pool, held int
		name       string
	}{{80, 12, "Ns"}, {10, 0, "Held"}, {10, 88, "Held"}} {
		var pe *poolError
		if _, err := Prepare(im, c.pool, c.held, 7); !errors.As(err, &pe) || pe.name != c.name {
			t.Errorf("pool %d, held %d: %v, want an error about %s", c.pool, c.held, err, c.name)
		}
	}
}

func TestGroup(t *testing.T) {
	im := &datasets.Images{N: 11, Names: []string{
		"1f9d1-1f3fb-200d-1f91d-200d-1f9d1-1f3fc.png", "1f9d1-200d-1f91d-200d-1f9d1.png", "1f46d-1f3fd.png", "1f469-1f3fe-200d-1f91d-200d-1f469-1f3fd.png", // holding hands
		"1f9b9.png", "1f9b9-200d-2642-fe0f.png", "1f9b9-1f3fc-200d-2640-fe0f.png", // supervillains
		"1f468-200d-1f373.png", "1f469-1f3ff-200d-1f373.png", // cooks
		"1f600.png", "x", "1f574-fe0f.png", "1f574-1f3fb.png", "1f48f.png", "1f9d1-1f3fb-200d-2764-fe0f-200d-1f48b-200d-1f9d1-1f3fc.png"}}
	im.N = len(im.Names)
	for _, same := range [][]int{{0, 1, 2, 3}, {4, 5, 6}, {7, 8}, {11, 12}, {13, 14}} {
		for _, i := range same[1:] {
			if Group(im, i) != Group(im, same[0]) {
				t.Errorf("%s (%q) and %s (%q) are one picture", im.Names[i], Group(im, i), im.Names[same[0]], Group(im, same[0]))
			}
		}
	}
	seen := map[string]int{}
	for _, i := range []int{0, 4, 7, 9, 10, 11, 13} {
		if j, ok := seen[Group(im, i)]; ok {
			t.Errorf("%s and %s put in one group %q", im.Names[i], im.Names[j], Group(im, i))
		}
		seen[Group(im, i)] = i
	}
	if Group(im, 10) == "x" || Group(&datasets.Images{N: 2}, 0) == Group(&datasets.Images{N: 2}, 1) {
		t.Error("images without emoji names must be their own groups")
	}
}
