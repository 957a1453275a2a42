package datasets

import (
	"image"
	"image/color"
	"testing"
)

// The decoders never panic, and whatever they accept is consistent: the
// declared sizes match the data, and the images validate. The seeds run in
// every `go test`; `go test -fuzz FuzzIDX ./pkg/datasets/` explores more.

func FuzzIDX(f *testing.F) {
	good := idxBytes([]uint32{2, 3, 2}, seqBytes(12, 5, 3))
	f.Add(good)
	f.Add(gzipBytes(f, good))
	f.Add(idxBytes([]uint32{4}, []byte{0, 1, 2, 3}))
	f.Add(idxBytes([]uint32{1, 2, 2, 3}, seqBytes(12, 1, 0)))
	f.Add(good[:7])
	f.Add([]byte{0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28})
	f.Add(gzipBytes(f, []byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff}))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := DecodeIDX("fuzz", data)
		if err != nil {
			return
		}
		total := 1
		for _, d := range x.Dims {
			if d < 1 {
				t.Fatalf("accepted dimension %d", d)
			}
			total *= d
		}
		if total != len(x.Data) {
			t.Fatalf("dims %v hold %d bytes, data has %d", x.Dims, total, len(x.Data))
		}
		if im, err := x.Images("fuzz"); err == nil {
			if err := im.Validate(); err != nil {
				t.Fatalf("accepted images do not validate: %v", err)
			}
		}
	})
}

func FuzzCIFAR(f *testing.F) {
	f.Add(cifarRecord(3, 1))
	f.Add(append(cifarRecord(0, 0), cifarRecord(9, 5)...))
	f.Add(cifarRecord(10, 0))
	f.Add(cifarRecord(1, 0)[:100])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := DecodeCIFAR10("fuzz", data)
		if err != nil {
			return
		}
		if im.N*cifarRecordSize != len(data) {
			t.Fatalf("%d images from %d bytes", im.N, len(data))
		}
		if err := im.Validate(); err != nil {
			t.Fatalf("accepted images do not validate: %v", err)
		}
	})
}

func FuzzPNG(f *testing.F) {
	rgba := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	rgba.SetNRGBA(1, 1, color.NRGBA{200, 10, 30, 90})
	gray := image.NewGray(image.Rect(0, 0, 2, 2))
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.Black, color.NRGBA{1, 2, 3, 4}})
	good := pngBytes(f, rgba)
	f.Add(good)
	f.Add(pngBytes(f, gray))
	f.Add(pngBytes(f, pal))
	f.Add(pngBytes(f, image.NewNRGBA64(image.Rect(0, 0, 1, 1))))
	f.Add(good[:len(good)/2])
	huge := append([]byte{}, good...)
	copy(huge[16:24], []byte{0, 1, 0, 0, 0, 1, 0, 0})
	fixIHDRCRC(huge)
	f.Add(huge)
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePNG("fuzz", data, 1<<16)
		if err != nil {
			return
		}
		if p.w < 1 || p.h < 1 || p.w*p.h > 1<<16 || len(p.rgb) != 3*p.w*p.h || len(p.alpha) != p.w*p.h {
			t.Fatalf("inconsistent decode: %d×%d, %d rgb, %d alpha", p.w, p.h, len(p.rgb), len(p.alpha))
		}
		im, err := stackPNG([]string{"fuzz"}, []*pngPixels{p}, PNGOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Validate(); err != nil {
			t.Fatalf("decoded PNG does not validate: %v", err)
		}
	})
}

func FuzzFashionJSON(f *testing.F) {
	f.Add([]byte(fashionJSON([][]byte{seqBytes(784, 3, 1), {}, seqBytes(784, 7, 2)})))
	f.Add([]byte(`{"data":[]}`))
	f.Add([]byte(`{"data":[[1,2,3]]}`))
	f.Add([]byte(`{"data":[[256` + `]]}`))
	f.Add([]byte(`{"dat`))
	f.Fuzz(func(t *testing.T, data []byte) {
		px, err := DecodeFashionJSON("fuzz", data)
		if err != nil {
			return
		}
		if len(px) == 0 || len(px)%fashionPixels != 0 {
			t.Fatalf("accepted %d bytes of pixels, want a positive multiple of 784", len(px))
		}
	})
}
