package datasets

import "testing"

// Crop and pad on a hand-made 3×4 RGB image with a mask.
func TestCenterCropPad(t *testing.T) {
	// value of channel c at (y, x): y·10 + x + c/4, scaled to [−1, 1] by /100.
	im := &Images{N: 1, H: 3, W: 4, C: 3, Mask: make([]float32, 12), Names: []string{"a"}}
	for y := range 3 {
		for x := range 4 {
			for c := range 3 {
				im.Pix = append(im.Pix, float32(float64(y*10+x)+float64(c)/4)/100)
			}
			im.Mask[y*4+x] = float32(y*4+x) / 11
		}
	}
	v := func(y, x, c int) float64 { return float64(float32(float64(y*10+x)+float64(c)/4) / 100) }
	m := func(y, x int) float64 { return float64(float32(y*4+x) / 11) }

	// Crop 3×4 → 2×2: rows ⌊1/2⌋ = 0..1, columns ⌊2/2⌋ = 1..2.
	crop, err := im.CenterCrop(2, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "crop", crop.Pix, []float64{v(0, 1, 0), v(0, 1, 1), v(0, 1, 2), v(0, 2, 0), v(0, 2, 1), v(0, 2, 2),
		v(1, 1, 0), v(1, 1, 1), v(1, 1, 2), v(1, 2, 0), v(1, 2, 1), v(1, 2, 2)}, 0)
	checkClose(t, "crop mask", crop.Mask, []float64{m(0, 1), m(0, 2), m(1, 1), m(1, 2)}, 0)
	if crop.Names[0] != "a" {
		t.Fatal("crop lost the names")
	}

	// Pad 3×4 → 4×7 with fill −1: image rows start at ⌊1/2⌋ = 0, columns at ⌊3/2⌋ = 1.
	pad, err := im.Pad(4, 7, -1)
	if err != nil {
		t.Fatal(err)
	}
	var want, wantMask []float64
	for y := range 4 {
		for x := range 7 {
			iy, ix := y, x-1
			inside := iy >= 0 && iy < 3 && ix >= 0 && ix < 4
			for c := range 3 {
				if inside {
					want = append(want, v(iy, ix, c))
				} else {
					want = append(want, -1)
				}
			}
			if inside {
				wantMask = append(wantMask, m(iy, ix))
			} else {
				wantMask = append(wantMask, 0)
			}
		}
	}
	checkClose(t, "pad", pad.Pix, want, 0)
	checkClose(t, "pad mask", pad.Mask, wantMask, 0)

	// Pad then crop back is the identity.
	back, err := pad.CenterCrop(3, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "pad∘crop", back.Pix, toF64(im.Pix), 0)
}

// MNIST 28×28 padded to 32×32 sits at rows and columns 2..29.
func TestPadMNIST(t *testing.T) {
	im := randomImages(1, 28, 28, 1, 3)
	pad, err := im.Pad(32, 32, -1)
	if err != nil {
		t.Fatal(err)
	}
	for y := range 32 {
		for x := range 32 {
			got := pad.Pix[y*32+x]
			want := float32(-1)
			if y >= 2 && y <= 29 && x >= 2 && x <= 29 {
				want = im.Pix[(y-2)*28+x-2]
			}
			if got != want {
				t.Fatalf("(%d, %d) = %v, want %v", y, x, got, want)
			}
		}
	}
}

func TestCropPadErrors(t *testing.T) {
	im := randomImages(1, 4, 4, 1, 1)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"crop larger", second(im.CenterCrop(5, 4)), "1 ≤ h ≤ 4"},
		{"crop zero", second(im.CenterCrop(0, 4)), "1 ≤ h ≤ 4"},
		{"pad smaller", second(im.Pad(3, 8, 0)), "h ≥ 4"},
		{"pad fill", second(im.Pad(8, 8, 2)), "fill = 2"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.want) })
	}
}

func second[T any](_ T, err error) error { return err }

func toF64(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}
