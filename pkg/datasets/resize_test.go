package datasets

import (
	"math/rand/v2"
	"testing"
)

// randomImages returns n images h×w×c with uniform values in [−1, 1].
func randomImages(n, h, w, c int, seed uint64) *Images {
	rng := rand.New(rand.NewPCG(seed, 1))
	pix := make([]float32, n*h*w*c)
	for i := range pix {
		pix[i] = float32(2*rng.Float64() - 1)
	}
	return &Images{N: n, H: h, W: w, C: c, Pix: pix}
}

// bruteArea resizes by supersampling: each input pixel becomes an h×w block
// of a fine (H·h)×(W·w) grid, and output pixel (i, j) is the mean of the
// fine block of H×W cells it covers, rows [i·H, (i+1)·H), columns
// [j·W, (j+1)·W). That is exact area averaging, computed without weights.
func bruteArea(src []float32, H, W, c, h, w int) []float64 {
	out := make([]float64, h*w*c)
	for i := range h {
		for j := range w {
			for ch := range c {
				s := 0.0
				for a := i * H; a < (i+1)*H; a++ {
					for b := j * W; b < (j+1)*W; b++ {
						s += float64(src[((a/h)*W+b/w)*c+ch])
					}
				}
				out[(i*w+j)*c+ch] = s / float64(H*W)
			}
		}
	}
	return out
}

// Resize against brute-force supersampling for integer, non-integer,
// enlarging and mixed factors (tolerance 1e-6: float32 storage).
func TestResizeBruteForce(t *testing.T) {
	for _, tc := range []struct{ H, W, c, h, w int }{
		{28, 28, 1, 14, 14}, {64, 64, 3, 16, 16}, {64, 64, 3, 32, 32},
		{28, 28, 1, 20, 20}, {5, 7, 3, 3, 4}, {3, 5, 1, 5, 9}, {6, 4, 3, 4, 6},
		{7, 7, 1, 1, 1}, {1, 1, 3, 3, 2},
	} {
		im := randomImages(2, tc.H, tc.W, tc.c, uint64(tc.H*100+tc.h))
		im.Mask = randomImages(2, tc.H, tc.W, 1, 9).Pix
		for i := range im.Mask {
			im.Mask[i] = (im.Mask[i] + 1) / 2
		}
		out, err := im.Resize(tc.h, tc.w)
		if err != nil {
			t.Fatal(err)
		}
		if out.H != tc.h || out.W != tc.w || out.C != tc.c || out.N != 2 {
			t.Fatalf("%v: got %v", tc, out)
		}
		var want, wantMask []float64
		for n := range 2 {
			want = append(want, bruteArea(im.Row(n), tc.H, tc.W, tc.c, tc.h, tc.w)...)
			wantMask = append(wantMask, bruteArea(im.MaskRow(n), tc.H, tc.W, 1, tc.h, tc.w)...)
		}
		checkClose(t, "Pix", out.Pix, want, 1e-6)
		checkClose(t, "Mask", out.Mask, wantMask, 1e-6)
	}
}

// For a factor of 2 each output pixel is the plain mean of its 2×2 block,
// checked on a hand-made 4×4 image.
func TestResizeHalf(t *testing.T) {
	im := &Images{N: 1, H: 4, W: 4, C: 1, Pix: []float32{
		0.1, 0.3, -1, 1,
		0.5, 0.7, 1, -1,
		0, 0, 0.25, 0.25,
		0, 0.8, 0.25, 0.25,
	}}
	out, err := im.Resize(2, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "Pix", out.Pix, []float64{0.4, 0, 0.2, 0.25}, 1e-7)
	// 3 → 2: weights 1, ½ | ½, 1 (over 1.5 input pixels).
	im3 := &Images{N: 1, H: 1, W: 3, C: 1, Pix: []float32{0.3, -0.6, 0.9}}
	out3, err := im3.Resize(1, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "3→2", out3.Pix, []float64{(0.3 - 0.3) / 1.5, (-0.3 + 0.9) / 1.5}, 1e-7)
	if _, err := im.Resize(0, 2); err == nil {
		t.Fatal("Resize(0, 2): no error")
	}
	same, err := im.Resize(4, 4)
	if err != nil || &same.Pix[0] == &im.Pix[0] {
		t.Fatalf("Resize to the same size must copy (err %v)", err)
	}
}
