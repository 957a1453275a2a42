package datasets

import (
	"encoding/binary"
	"path/filepath"
	"testing"
)

// Images and labels written by hand, raw and gzipped, read back: every pixel
// is v/127.5 − 1 of its byte (tolerance 1e-7, float32 rounding) and every
// label its byte.
func TestLoadIDX(t *testing.T) {
	const n, h, w = 5, 4, 3
	img := seqBytes(n*h*w, 37, 11)
	lab := []byte{3, 1, 4, 1, 5}
	for _, tc := range []struct {
		name string
		gz   bool
	}{{"raw", false}, {"gzip", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ib := idxBytes([]uint32{n, h, w}, img)
			lb := idxBytes([]uint32{n}, lab)
			if tc.gz {
				ib, lb = gzipBytes(t, ib), gzipBytes(t, lb)
			}
			ip := writeFile(t, dir, "images-idx3-ubyte", ib)
			lp := writeFile(t, dir, "labels-idx1-ubyte", lb)
			im, err := LoadIDX(ip, lp)
			if err != nil {
				t.Fatal(err)
			}
			if im.N != n || im.H != h || im.W != w || im.C != 1 {
				t.Fatalf("got %d×%d×%d×%d, want %d×%d×%d×1", im.N, im.H, im.W, im.C, n, h, w)
			}
			want := make([]float64, len(img))
			for i, v := range img {
				want[i] = pixelOf(v)
			}
			checkClose(t, "Pix", im.Pix, want, 1e-7)
			for i, l := range lab {
				if im.Labels[i] != int(l) {
					t.Fatalf("Labels[%d] = %d, want %d", i, im.Labels[i], l)
				}
			}
			if err := im.Validate(); err != nil {
				t.Fatal(err)
			}
			// Without labels.
			im2, err := LoadIDX(ip, "")
			if err != nil || im2.Labels != nil {
				t.Fatalf("LoadIDX without labels: labels %v, err %v", im2.Labels, err)
			}
		})
	}
}

// A 4-dimensional N×H×W×3 IDX file is RGB, channels-last as stored.
func TestIDXRGB(t *testing.T) {
	data := seqBytes(2*2*3*3, 5, 0)
	x, err := DecodeIDX("rgb", idxBytes([]uint32{2, 2, 3, 3}, data))
	if err != nil {
		t.Fatal(err)
	}
	im, err := x.Images("rgb")
	if err != nil {
		t.Fatal(err)
	}
	if im.C != 3 || im.H != 2 || im.W != 3 {
		t.Fatalf("got %d×%d×%d, want 2×3×3", im.H, im.W, im.C)
	}
	// Pixel (image 1, y 1, x 2, channel 1) is byte ((1·2+1)·3+2)·3+1 = 34.
	if got, want := im.Pix[34], pixelOf(data[34]); float64(got) != float64(float32(want)) {
		t.Fatalf("Pix[34] = %v, want %v", got, want)
	}
	if got := x.Encode(); string(got) != string(idxBytes([]uint32{2, 2, 3, 3}, data)) {
		t.Fatalf("Encode differs from the hand-built file")
	}
}

// Every malformed file gives an error that names the file and the problem.
func TestDecodeIDXErrors(t *testing.T) {
	good := idxBytes([]uint32{2, 2, 2}, make([]byte, 8))
	huge := []byte{0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28} // 2³¹ images of 28×28
	tooBig := []byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", nil, []string{"truncated", "4"}},
		{"short header", []byte{0, 0}, []string{"truncated"}},
		{"wrong magic", append([]byte{1, 2}, good[2:]...), []string{"wrong magic", "0x0102"}},
		{"float type", append([]byte{0, 0, 0x0D}, good[3:]...), []string{"0x0d", "float32", "only 0x08"}},
		{"rank 0", []byte{0, 0, 8, 0}, []string{"0 dimensions", "1 to 4"}},
		{"rank 5", []byte{0, 0, 8, 5}, []string{"5 dimensions"}},
		{"truncated dims", []byte{0, 0, 8, 3, 0, 0, 0, 2}, []string{"truncated", "needs 16"}},
		{"zero dim", idxBytes([]uint32{2, 0, 2}, nil), []string{"dimension 1 is 0", "≥ 1"}},
		{"short data", good[:len(good)-1], []string{"2×2×2 = 8", "holds 7"}},
		{"extra data", append(append([]byte{}, good...), 9), []string{"2×2×2 = 8", "holds 9"}},
		{"2^31 images", huge, []string{"over the limit"}},
		{"2^96 values", tooBig, []string{"over the limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeIDX("file-"+tc.name, tc.data)
			wantErr(t, err, append([]string{"file-" + tc.name}, tc.want...)...)
		})
	}
}

// Gzipped files: the same checks after decompression, and a declared size
// larger than the compressed file can hold is refused without reading
// (and allocating for) it.
func TestDecodeIDXGzipErrors(t *testing.T) {
	good := idxBytes([]uint32{3, 2, 2}, seqBytes(12, 7, 1))
	gz := gzipBytes(t, good)
	hugeHdr := make([]byte, 16)
	copy(hugeHdr, []byte{0, 0, 8, 3})
	binary.BigEndian.PutUint32(hugeHdr[4:], 1<<31-1)
	binary.BigEndian.PutUint32(hugeHdr[8:], 1)
	binary.BigEndian.PutUint32(hugeHdr[12:], 1)
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"bad gzip header", []byte{0x1f, 0x8b, 0}, []string{"bad gzip header"}},
		{"truncated stream", gz[:len(gz)-12], []string{"gz"}},
		{"short data", gzipBytes(t, good[:len(good)-2]), []string{"3×2×2 = 12", "holds 10"}},
		{"extra data", gzipBytes(t, append(append([]byte{}, good...), 1, 2)), []string{"holds more"}},
		{"header only", gzipBytes(t, good[:3]), []string{"truncated", "header"}},
		{"huge declared", gzipBytes(t, hugeHdr), []string{"more than a", "gzip file can hold"}},
		{"wrong magic", gzipBytes(t, append([]byte{7, 7}, good[2:]...)), []string{"wrong magic"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			alloc := allocatedDuring(func() { _, err = DecodeIDX("z-"+tc.name, tc.data) })
			wantErr(t, err, append([]string{"z-" + tc.name}, tc.want...)...)
			if alloc > 1<<20 {
				t.Fatalf("allocated %d bytes for a %d-byte input, want < 1 MiB", alloc, len(tc.data))
			}
		})
	}
}

// Refusing a file that declares 2³¹ images allocates (almost) nothing.
func TestIDXHugeDeclaredNoAllocation(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "huge-idx3-ubyte", []byte{0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3})
	var err error
	alloc := allocatedDuring(func() { _, err = LoadIDX(p, "") })
	wantErr(t, err, p, "over the limit")
	if alloc > 1<<20 {
		t.Fatalf("allocated %d bytes, want < 1 MiB", alloc)
	}
}

// Mismatched image and label files, and files of the wrong rank.
func TestLoadIDXMismatch(t *testing.T) {
	dir := t.TempDir()
	ip := writeFile(t, dir, "img", idxBytes([]uint32{3, 2, 2}, make([]byte, 12)))
	lp := writeFile(t, dir, "lab", idxBytes([]uint32{2}, []byte{1, 2}))
	l2 := writeFile(t, dir, "lab2d", idxBytes([]uint32{3, 1}, []byte{1, 2, 3}))
	i1 := writeFile(t, dir, "img1d", idxBytes([]uint32{3}, []byte{1, 2, 3}))
	i4 := writeFile(t, dir, "img4c", idxBytes([]uint32{1, 1, 1, 4}, []byte{1, 2, 3, 4}))
	_, err := LoadIDX(ip, lp)
	wantErr(t, err, lp, "2 labels", "3 images")
	_, err = LoadIDX(ip, l2)
	wantErr(t, err, l2, "2 dimensions", "want 1")
	_, err = LoadIDX(i1, "")
	wantErr(t, err, i1, "1 dimensions", "want 3")
	_, err = LoadIDX(i4, "")
	wantErr(t, err, i4, "4 channels")
	_, err = LoadIDX(filepath.Join(dir, "missing"), "")
	wantErr(t, err, "missing", "no such file")
	_, err = LoadIDX(dir, "")
	wantErr(t, err, dir, "directory")
}
