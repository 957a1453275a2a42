package datasets

import (
	"fmt"
	"os"
	"path/filepath"
)

// CIFAR-10 binary format: each record is 1 label byte (0..9) followed by
// 3072 pixel bytes, the 1024 red values of the 32×32 image in row-major
// order, then the 1024 green, then the 1024 blue (channels-first). The
// files data_batch_1.bin … data_batch_5.bin hold 10 000 records each
// (the 50 000 training images), test_batch.bin the 10 000 test images.
const (
	CIFARSize       = 32
	cifarPixels     = CIFARSize * CIFARSize
	cifarRecordSize = 1 + 3*cifarPixels // 3073
)

// CIFAR10Classes are the names of the CIFAR-10 labels 0..9.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// CIFAR10Files are the file names of the binary version of CIFAR-10
// (cifar-10-batches-bin/): the five training batches, then the test batch.
var CIFAR10Files = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}

// LoadCIFAR10 reads CIFAR-10 binary batch files and returns their images
// (32×32×3, channels-last) in file order, with labels and ClassNames. Every
// file's size is checked before any is read.
func LoadCIFAR10(paths ...string) (*Images, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("datasets: LoadCIFAR10: no files given, want at least one data_batch_*.bin")
	}
	var total int64
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
		if err := checkCIFARSize(p, st.Size()); err != nil {
			return nil, err
		}
		total += st.Size()
	}
	if err := checkCIFARSize("(all files)", total); err != nil {
		return nil, err
	}
	n := int(total / cifarRecordSize)
	im := &Images{N: n, H: CIFARSize, W: CIFARSize, C: 3, ClassNames: CIFAR10Classes,
		Pix: make([]float32, 0, n*3*cifarPixels), Labels: make([]int, 0, n)}
	for _, p := range paths {
		data, err := readFileLimited(p)
		if err != nil {
			return nil, err
		}
		if err := decodeCIFAR10(p, data, im); err != nil {
			return nil, err
		}
	}
	if im.N != len(im.Labels) {
		return nil, fmt.Errorf("datasets: CIFAR-10 files changed while being read: %d records, then %d", im.N, len(im.Labels))
	}
	return im, nil
}

// LoadCIFAR10Dir reads the binary CIFAR-10 in dir (the folder
// cifar-10-batches-bin): the 50 000 training images of data_batch_1..5.bin,
// followed by the 10 000 of test_batch.bin when test is true.
func LoadCIFAR10Dir(dir string, test bool) (*Images, error) {
	files := CIFAR10Files[:5]
	if test {
		files = CIFAR10Files
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f)
	}
	return LoadCIFAR10(paths...)
}

// checkCIFARSize checks that a file of size bytes holds a whole number (≥ 1)
// of 3073-byte records.
func checkCIFARSize(name string, size int64) error {
	if size == 0 || size%cifarRecordSize != 0 {
		return fmt.Errorf("datasets: CIFAR-10 file %s: %d bytes, want a positive multiple of the %d-byte record (1 label + 3×32×32 pixels)",
			name, size, cifarRecordSize)
	}
	if _, ok := product(maxValues, size/cifarRecordSize, 3*cifarPixels); !ok {
		return fmt.Errorf("datasets: CIFAR-10 file %s: %d records, over the limit of %d values", name, size/cifarRecordSize, int64(maxValues))
	}
	return nil
}

// DecodeCIFAR10 decodes the bytes of one CIFAR-10 binary batch file; name is
// used in error messages.
func DecodeCIFAR10(name string, data []byte) (*Images, error) {
	if err := checkCIFARSize(name, int64(len(data))); err != nil {
		return nil, err
	}
	n := len(data) / cifarRecordSize
	im := &Images{N: n, H: CIFARSize, W: CIFARSize, C: 3, ClassNames: CIFAR10Classes,
		Pix: make([]float32, 0, n*3*cifarPixels), Labels: make([]int, 0, n)}
	if err := decodeCIFAR10(name, data, im); err != nil {
		return nil, err
	}
	return im, nil
}

// decodeCIFAR10 appends the records of data (checked to be whole) to
// im.Pix and im.Labels.
func decodeCIFAR10(name string, data []byte, im *Images) error {
	if err := checkCIFARSize(name, int64(len(data))); err != nil {
		return err
	}
	var px [3 * cifarPixels]float32
	for i := range len(data) / cifarRecordSize {
		rec := data[i*cifarRecordSize : (i+1)*cifarRecordSize]
		if rec[0] >= byte(len(CIFAR10Classes)) {
			return fmt.Errorf("datasets: CIFAR-10 file %s: record %d (byte offset %d) has label %d, want 0..9", name, i, i*cifarRecordSize, rec[0])
		}
		for p := range cifarPixels { // channels-first → channels-last
			px[3*p] = byteValue[rec[1+p]]
			px[3*p+1] = byteValue[rec[1+cifarPixels+p]]
			px[3*p+2] = byteValue[rec[1+2*cifarPixels+p]]
		}
		im.Pix = append(im.Pix, px[:]...)
		im.Labels = append(im.Labels, int(rec[0]))
	}
	return nil
}
