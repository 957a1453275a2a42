package datasets

import "testing"

// Gray is the BT.601 luma; RGB repeats the gray value; Gray∘RGB is the
// identity; the luma of [−1, 1] values equals the [−1, 1] value of the luma
// of bytes (weights sum to 1).
func TestGrayRGB(t *testing.T) {
	bytesRGB := []byte{255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 90}
	im, err := FromBytes(1, 2, 2, 3, bytesRGB)
	if err != nil {
		t.Fatal(err)
	}
	g, err := im.Gray()
	if err != nil {
		t.Fatal(err)
	}
	if g.C != 1 || g.N != 1 || g.H != 2 || g.W != 2 {
		t.Fatalf("Gray: got %v", g)
	}
	var want []float64
	for p := range 4 {
		r, gg, b := float64(bytesRGB[3*p]), float64(bytesRGB[3*p+1]), float64(bytesRGB[3*p+2])
		want = append(want, 2*(0.299*r+0.587*gg+0.114*b)/255-1)
	}
	checkClose(t, "Gray", g.Pix, want, 1e-6)
	rgb, err := g.RGB()
	if err != nil {
		t.Fatal(err)
	}
	if rgb.C != 3 {
		t.Fatalf("RGB: C = %d", rgb.C)
	}
	for p := range 4 {
		for c := range 3 {
			if rgb.Pix[3*p+c] != g.Pix[p] {
				t.Fatalf("RGB pixel %d channel %d = %v, want %v", p, c, rgb.Pix[3*p+c], g.Pix[p])
			}
		}
	}
	back, _ := rgb.Gray()
	checkClose(t, "Gray∘RGB", back.Pix, toF64(g.Pix), 1e-6)
	// Copies, not views.
	g2, _ := g.Gray()
	rgb2, _ := rgb.RGB()
	if &g2.Pix[0] == &g.Pix[0] || &rgb2.Pix[0] == &rgb.Pix[0] {
		t.Fatal("Gray of gray / RGB of RGB must copy")
	}
}

func TestPixelBytes(t *testing.T) {
	for v := range 256 {
		x := ByteToPixel(byte(v))
		if d := float64(x) - pixelOf(byte(v)); d > 1e-7 || d < -1e-7 {
			t.Fatalf("ByteToPixel(%d) = %v, want %v", v, x, pixelOf(byte(v)))
		}
		if b := PixelToByte(x); b != byte(v) {
			t.Fatalf("PixelToByte(ByteToPixel(%d)) = %d", v, b)
		}
	}
	for _, tc := range []struct {
		x    float32
		want byte
	}{{-2, 0}, {2, 255}, {0, 128}, {-1, 0}, {1, 255}} {
		if got := PixelToByte(tc.x); got != tc.want {
			t.Fatalf("PixelToByte(%v) = %d, want %d", tc.x, got, tc.want)
		}
	}
}
