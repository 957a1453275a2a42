package datasets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// pngBytes encodes img as PNG.
func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// composite is the [−1, 1] value of straight colour c (0..255) with alpha a
// (0..255) over background bg (0..255), computed in float64.
func composite(c, a, bg float64) float64 {
	v := (a*c + (255-a)*bg) / 255 // 0..255
	return 2*v/255 - 1
}

// A folder of RGBA, gray+alpha, opaque RGB, paletted and 16-bit images in
// two sub-folders: colours composited over the background by hand, alpha
// kept in Mask, categories and labels from the folders (tolerance 1e-6).
func TestLoadPNGDir(t *testing.T) {
	dir := t.TempDir()
	const w, h = 3, 2
	rgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	gray := image.NewNRGBA(image.Rect(0, 0, w, h)) // gray+alpha: R = G = B
	rgb := image.NewRGBA(image.Rect(0, 0, w, h))
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.NRGBA{10, 20, 30, 255}, color.NRGBA{200, 100, 0, 64}})
	deep := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			k := uint8(y*w + x)
			rgba.SetNRGBA(x, y, color.NRGBA{40 * k, 255 - 30*k, 7 * k, 255 - 50*k})
			gray.SetNRGBA(x, y, color.NRGBA{20 * k, 20 * k, 20 * k, 255 - 40*k})
			rgb.SetRGBA(x, y, color.RGBA{k, 2 * k, 3 * k, 255})
			pal.SetColorIndex(x, y, k%2)
			deep.SetNRGBA64(x, y, color.NRGBA64{uint16(k) * 10000, 65535, 0, 65535})
		}
	}
	writeFile(t, dir, "b/rgba.png", pngBytes(t, rgba))
	writeFile(t, dir, "b/gray.png", pngBytes(t, gray))
	writeFile(t, dir, "a/rgb.png", pngBytes(t, rgb))
	writeFile(t, dir, "pal.png", pngBytes(t, pal))
	writeFile(t, dir, "a/deep.png", pngBytes(t, deep))
	writeFile(t, dir, "notes.txt", []byte("not an image"))
	writeFile(t, dir, ".hidden.png", []byte("skipped"))

	bg := color.NRGBA{0, 128, 255, 255}
	im, err := LoadPNGDir(dir, PNGOptions{Background: bg})
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"pal.png", "a/deep.png", "a/rgb.png", "b/gray.png", "b/rgba.png"}
	wantCats := []string{".", "a", "a", "b", "b"}
	if im.N != 5 || im.H != h || im.W != w || im.C != 3 || im.Mask == nil {
		t.Fatalf("got %v, want 5 images %d×%d×3 with mask", im, h, w)
	}
	for i := range wantNames {
		if im.Names[i] != wantNames[i] || im.Categories[i] != wantCats[i] || im.ClassNames[im.Labels[i]] != wantCats[i] {
			t.Fatalf("image %d: name %q category %q label %d, want %q %q", i, im.Names[i], im.Categories[i], im.Labels[i], wantNames[i], wantCats[i])
		}
	}
	bgs := [3]float64{0, 128, 255}
	var want, wantMask []float64
	add := func(c [3]float64, a float64) {
		for k := range 3 {
			want = append(want, composite(c[k], a, bgs[k]))
		}
		wantMask = append(wantMask, a/255)
	}
	for _, name := range wantNames {
		for y := range h {
			for x := range w {
				k := float64(y*w + x)
				switch name {
				case "pal.png":
					if int(k)%2 == 0 {
						add([3]float64{10, 20, 30}, 255)
					} else {
						add([3]float64{200, 100, 0}, 64)
					}
				case "a/deep.png":
					add([3]float64{k * 10000 / 257, 255, 0}, 255)
				case "a/rgb.png":
					add([3]float64{k, 2 * k, 3 * k}, 255)
				case "b/gray.png":
					add([3]float64{20 * k, 20 * k, 20 * k}, 255-40*k)
				case "b/rgba.png":
					add([3]float64{40 * k, 255 - 30*k, 7 * k}, 255-50*k)
				}
			}
		}
	}
	checkClose(t, "Pix", im.Pix, want, 1e-6)
	checkClose(t, "Mask", im.Mask, wantMask, 1e-6)
	if err := im.Validate(); err != nil {
		t.Fatal(err)
	}
}

// A folder of gray images loads with one channel (automatic), or three when
// asked; opaque images have no mask; colour forced to one channel is luma.
func TestLoadPNGChannels(t *testing.T) {
	dir := t.TempDir()
	g := image.NewGray(image.Rect(0, 0, 2, 2))
	c := image.NewRGBA(image.Rect(0, 0, 2, 2))
	for i := range 4 {
		g.Pix[i] = uint8(60 * i)
		c.SetRGBA(i%2, i/2, color.RGBA{uint8(50 * i), 100, 200, 255})
	}
	writeFile(t, dir, "g/0.png", pngBytes(t, g))
	writeFile(t, dir, "g/1.png", pngBytes(t, g))
	writeFile(t, dir, "c/0.png", pngBytes(t, c))
	auto, err := LoadPNGDir(dir+"/g", PNGOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if auto.C != 1 || auto.Mask != nil {
		t.Fatalf("gray folder: C = %d, mask %v; want C = 1 and no mask", auto.C, auto.Mask != nil)
	}
	checkClose(t, "gray", auto.Pix, []float64{pixelOf(0), pixelOf(60), pixelOf(120), pixelOf(180), pixelOf(0), pixelOf(60), pixelOf(120), pixelOf(180)}, 1e-6)
	three, err := LoadPNGDir(dir+"/g", PNGOptions{Channels: 3})
	if err != nil || three.C != 3 || three.Pix[3*2+1] != auto.Pix[2] {
		t.Fatalf("Channels: 3 gave %v, %v", three, err)
	}
	one, err := LoadPNGDir(dir+"/c", PNGOptions{Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for i := range 4 {
		want = append(want, 0.299*pixelOf(uint8(50*i))+0.587*pixelOf(100)+0.114*pixelOf(200))
	}
	checkClose(t, "luma", one.Pix, want, 1e-6)
}

func TestLoadPNGErrors(t *testing.T) {
	dir := t.TempDir()
	small := pngBytes(t, image.NewGray(image.Rect(0, 0, 2, 2)))
	big := pngBytes(t, image.NewGray(image.Rect(0, 0, 3, 2)))
	p1 := writeFile(t, dir, "mixed/a.png", small)
	p2 := writeFile(t, dir, "mixed/b.png", big)
	bad := writeFile(t, dir, "bad/x.png", []byte("GIF89a not a png"))
	trunc := writeFile(t, dir, "trunc/x.png", small[:len(small)/2])
	writeFile(t, dir, "none/readme.txt", []byte("hi"))
	for _, tc := range []struct {
		name string
		run  func() error
		want []string
	}{
		{"sizes differ", func() error { _, err := LoadPNGFiles([]string{p1, p2}, PNGOptions{}); return err }, []string{p2, "3×2", "2×2", "same size"}},
		{"not a png", func() error { _, err := LoadPNGDir(dir+"/bad", PNGOptions{}); return err }, []string{bad, "unsupported or corrupt PNG"}},
		{"truncated", func() error { _, err := LoadPNGDir(dir+"/trunc", PNGOptions{}); return err }, []string{trunc, "PNG"}},
		{"no files", func() error { _, err := LoadPNGDir(dir+"/none", PNGOptions{}); return err }, []string{"none", "no .png files"}},
		{"missing dir", func() error { _, err := LoadPNGDir(dir+"/missing", PNGOptions{}); return err }, []string{"missing"}},
		{"too many pixels", func() error { _, err := LoadPNGFiles([]string{p2}, PNGOptions{MaxPixels: 5}); return err }, []string{p2, "6 pixels", "limit of 5"}},
		{"channels", func() error { _, err := LoadPNGFiles([]string{p1}, PNGOptions{Channels: 2}); return err }, []string{"Channels = 2", "0 (automatic), 1 or 3"}},
		{"empty list", func() error { _, err := LoadPNGFiles(nil, PNGOptions{}); return err }, []string{"no files"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.run(), tc.want...) })
	}
}

// A PNG whose header declares 65536×65536 (or 2³⁰×2³⁰) pixels is refused
// from its header, before any pixel memory is allocated.
func TestPNGHugeHeader(t *testing.T) {
	data := pngBytes(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	for _, tc := range []struct {
		size []byte
		want string
	}{
		{[]byte{0, 1, 0, 0, 0, 1, 0, 0}, "over the limit"},
		{[]byte{0x40, 0, 0, 0, 0x40, 0, 0, 0}, "PNG"},
	} {
		// Rewrite width and height in IHDR (bytes 16..23) and its CRC.
		hdr := append([]byte{}, data...)
		copy(hdr[16:24], tc.size)
		fixIHDRCRC(hdr)
		var err error
		alloc := allocatedDuring(func() { _, err = decodePNG("huge.png", hdr, DefaultMaxPixels) })
		wantErr(t, err, "huge.png", tc.want)
		if alloc > 1<<20 {
			t.Fatalf("allocated %d bytes, want < 1 MiB", alloc)
		}
	}
}

// Image(i) written as PNG and loaded back gives the same pixels and mask
// (images made from bytes: exact up to float32 rounding, 1e-6).
func TestImageRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rgb, _ := FromBytes(2, 3, 4, 3, seqBytes(2*3*4*3, 29, 5))
	rgb.Mask = make([]float32, 2*3*4)
	for i := range rgb.Mask {
		rgb.Mask[i] = float32(i*10) / 255
	}
	gray, _ := FromBytes(2, 3, 4, 1, seqBytes(2*3*4, 53, 1))
	for _, tc := range []struct {
		name string
		im   *Images
	}{{"rgb", rgb}, {"gray", gray}} {
		var paths []string
		for i := range 2 {
			img, err := tc.im.Image(i)
			if err != nil {
				t.Fatal(err)
			}
			paths = append(paths, writeFile(t, dir, fmt.Sprintf("%s%d.png", tc.name, i), pngBytes(t, img)))
		}
		back, err := LoadPNGFiles(paths, PNGOptions{Channels: tc.im.C})
		if err != nil {
			t.Fatal(err)
		}
		if tc.im.Mask == nil {
			checkClose(t, tc.name, back.Pix, toF64(tc.im.Pix), 1e-6)
		} else {
			checkClose(t, tc.name+" mask", back.Mask, toF64(tc.im.Mask), 1e-6)
		}
	}
	_, err := gray.Image(2)
	wantErr(t, err, "Image(2)", "[0, 2)")
}
