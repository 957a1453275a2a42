package datasets

import (
	"path/filepath"
	"strings"
	"testing"
)

// cifarRecord builds one record by hand: label, then R, G, B planes where
// the byte of channel c at (y, x) is (c·97 + y·7 + x·3 + seed) mod 256.
func cifarRecord(label byte, seed int) []byte {
	rec := []byte{label}
	for c := range 3 {
		for y := range 32 {
			for x := range 32 {
				rec = append(rec, byte((c*97+y*7+x*3+seed)%256))
			}
		}
	}
	return rec
}

// Records written channels-first come back channels-last: the value of
// channel c at (y, x) of image i is the byte at 1 + c·1024 + y·32 + x of
// record i (tolerance 1e-7).
func TestLoadCIFAR10(t *testing.T) {
	dir := t.TempDir()
	labels := []byte{0, 9, 3}
	var b1, b2 []byte
	for i, l := range labels[:2] {
		b1 = append(b1, cifarRecord(l, i)...)
	}
	b2 = cifarRecord(labels[2], 2)
	p1 := writeFile(t, dir, "data_batch_1.bin", b1)
	p2 := writeFile(t, dir, "data_batch_2.bin", b2)
	im, err := LoadCIFAR10(p1, p2)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 3 || im.H != 32 || im.W != 32 || im.C != 3 {
		t.Fatalf("got %v, want 3 images 32×32×3", im)
	}
	all := append(append([]byte{}, b1...), b2...)
	want := make([]float64, 0, 3*3072)
	for i := range 3 {
		rec := all[i*3073:]
		for y := range 32 {
			for x := range 32 {
				for c := range 3 {
					want = append(want, pixelOf(rec[1+c*1024+y*32+x]))
				}
			}
		}
		if im.Labels[i] != int(labels[i]) {
			t.Fatalf("Labels[%d] = %d, want %d", i, im.Labels[i], labels[i])
		}
	}
	checkClose(t, "Pix", im.Pix, want, 1e-7)
	if im.ClassNames[im.Labels[1]] != "truck" {
		t.Fatalf("class of label 9 = %q, want truck", im.ClassNames[9])
	}
	if err := im.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadCIFAR10Errors(t *testing.T) {
	dir := t.TempDir()
	rec := cifarRecord(1, 0)
	bad := cifarRecord(10, 0)
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"empty.bin", nil, []string{"0 bytes", "multiple of the 3073-byte record"}},
		{"short.bin", rec[:3000], []string{"3000 bytes"}},
		{"long.bin", append(append([]byte{}, rec...), 0), []string{"3074 bytes"}},
		{"label.bin", append(append([]byte{}, rec...), bad...), []string{"record 1", "label 10", "0..9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.name, tc.data)
			_, err := LoadCIFAR10(p)
			wantErr(t, err, append([]string{p}, tc.want...)...)
		})
	}
	_, err := LoadCIFAR10()
	wantErr(t, err, "no files")
	_, err = LoadCIFAR10Dir(dir, false)
	wantErr(t, err, filepath.Join(dir, "data_batch_1.bin"))
}

// LoadCIFAR10Dir reads the five training batches in order, then the test
// batch when asked.
func TestLoadCIFAR10Dir(t *testing.T) {
	dir := t.TempDir()
	for i, f := range CIFAR10Files {
		writeFile(t, dir, f, cifarRecord(byte(i), i))
	}
	train, err := LoadCIFAR10Dir(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	all, err := LoadCIFAR10Dir(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 5 || all.N != 6 {
		t.Fatalf("got %d and %d images, want 5 and 6", train.N, all.N)
	}
	for i, l := range all.Labels {
		if l != i {
			t.Fatalf("Labels = %v, want file order 0..5", all.Labels)
		}
	}
	if !strings.Contains(all.String(), "6 images 32×32×3, 10 classes") {
		t.Fatalf("String() = %q", all.String())
	}
}
