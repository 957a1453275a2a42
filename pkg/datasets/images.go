package datasets

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// Images is a data set of N images of H×W pixels with C channels.
//
// Pix holds the pixel values, float32 in [−1, 1], channels-last and
// row-major: image i is Pix[i·H·W·C : (i+1)·H·W·C], and within it the value
// of channel c of the pixel in row y, column x is at (y·W + x)·C + c. A byte
// value v ∈ {0, …, 255} becomes v/127.5 − 1, so 0 ↦ −1 and 255 ↦ 1.
//
// The other fields are optional (nil when the source has no such thing);
// when present each has one entry per image, except ClassNames:
//   - Labels: the class of each image, in [0, len(ClassNames)) when
//     ClassNames is set (digits for MNIST, clothing types for Fashion-MNIST,
//     the emoji category, the sub-folder of a PNG folder).
//   - ClassNames: the name of each label value.
//   - Names: an identifier of each image (its file name for PNG folders).
//   - Categories: a free-form group of each image (the sub-folder of a PNG
//     folder, the emoji category).
//   - Mask: the alpha (opacity) of each pixel in [0, 1], H·W values per
//     image, for images that had an alpha channel; Pix then holds the colour
//     composited over a background.
//
// This package's functions never modify an Images: every transform returns
// a new value with new pixels; the metadata slices (Labels, ClassNames,
// Names, Categories, and Mask where the transform leaves it unchanged) may
// be shared between the two, so treat them as read-only.
type Images struct {
	N, H, W, C int
	Pix        []float32

	Labels     []int
	ClassNames []string
	Names      []string
	Categories []string
	Mask       []float32
}

// maxValues bounds N·H·W·C for any Images this package allocates: 2³¹
// float32 values (8 GiB). Larger declared sizes are rejected before any
// allocation.
const maxValues = 1 << 31

// New returns an Images of n images of h×w×c taking ownership of pix, which
// must hold n·h·w·c values in [−1, 1] (channels-last, row-major).
func New(n, h, w, c int, pix []float32) (*Images, error) {
	im := &Images{N: n, H: h, W: w, C: c, Pix: pix}
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// FromBytes returns the Images of n images of h×w×c whose pixel bytes
// (0..255, channels-last, row-major) are data, scaled to [−1, 1].
func FromBytes(n, h, w, c int, data []byte) (*Images, error) {
	if err := checkDims(n, h, w, c); err != nil {
		return nil, err
	}
	if len(data) != n*h*w*c {
		return nil, fmt.Errorf("datasets: FromBytes: %d bytes, want n·h·w·c = %d·%d·%d·%d = %d",
			len(data), n, h, w, c, n*h*w*c)
	}
	return &Images{N: n, H: h, W: w, C: c, Pix: bytesToPix(data)}, nil
}

// checkDims checks that the dimensions are positive, that c is 1 or 3, and
// that N·H·W·C stays within maxValues.
func checkDims(n, h, w, c int) error {
	switch {
	case n < 1:
		return fmt.Errorf("datasets: N = %d images, want ≥ 1", n)
	case h < 1 || w < 1:
		return fmt.Errorf("datasets: image size %d×%d, want H ≥ 1 and W ≥ 1", h, w)
	case c != 1 && c != 3:
		return fmt.Errorf("datasets: C = %d channels, want 1 (gray) or 3 (RGB)", c)
	}
	if _, ok := product(maxValues, int64(n), int64(h), int64(w), int64(c)); !ok {
		return fmt.Errorf("datasets: N·H·W·C = %d·%d·%d·%d is over the limit of %d values", n, h, w, c, int64(maxValues))
	}
	return nil
}

// product returns the product of xs (all ≥ 0) and whether it is ≤ limit,
// without overflow.
func product(limit int64, xs ...int64) (int64, bool) {
	p := int64(1)
	for _, x := range xs {
		if x < 0 {
			return 0, false
		}
		if x != 0 && p > limit/x {
			return 0, false
		}
		p *= x
	}
	return p, p <= limit
}

// Len is the number of images N.
func (im *Images) Len() int { return im.N }

// Dim is the number of values in one image, H·W·C.
func (im *Images) Dim() int { return im.H * im.W * im.C }

// Row returns image i as a slice of Pix (not a copy) of H·W·C values. It
// panics if i is out of [0, N), like a slice index.
func (im *Images) Row(i int) []float32 {
	d := im.Dim()
	return im.Pix[i*d : (i+1)*d : (i+1)*d]
}

// Rows returns the N images as slices of Pix (not copies), the layout that
// unet.NewTrainerFromSlices takes.
func (im *Images) Rows() [][]float32 {
	rows := make([][]float32, im.N)
	for i := range rows {
		rows[i] = im.Row(i)
	}
	return rows
}

// MaskRow returns the alpha of image i (H·W values, a slice of Mask), or nil
// when the images have no mask.
func (im *Images) MaskRow(i int) []float32 {
	if im.Mask == nil {
		return nil
	}
	d := im.H * im.W
	return im.Mask[i*d : (i+1)*d : (i+1)*d]
}

// Tensor returns the images as a float32 GoMLX tensor of shape [N, H, W, C]
// (a copy of Pix).
func (im *Images) Tensor() (*tensors.Tensor, error) {
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return tensors.FromFlatDataAndDimensions(im.Pix, im.N, im.H, im.W, im.C), nil
}

// Matrix returns the images as an N×(H·W·C) float64 matrix, one image per
// row (a copy), the layout of pkg/metrics and pkg/subspace.
func (im *Images) Matrix() (*mat.Dense, error) {
	if err := im.Validate(); err != nil {
		return nil, err
	}
	data := make([]float64, len(im.Pix))
	for i, v := range im.Pix {
		data[i] = float64(v)
	}
	return mat.NewDense(im.N, im.Dim(), data), nil
}

// Validate checks that the dimensions are valid (N, H, W ≥ 1, C ∈ {1, 3}),
// that Pix and each optional field have the right length, that every pixel
// is in [−1, 1] and every mask value in [0, 1], and that labels index
// ClassNames when it is set.
func (im *Images) Validate() error {
	if err := im.checkShape(); err != nil {
		return err
	}
	for i, v := range im.Pix {
		if !(v >= -1 && v <= 1) { // also catches NaN
			return fmt.Errorf("datasets: Pix[%d] = %v (image %d), want a value in [−1, 1]", i, v, i/im.Dim())
		}
	}
	for i, l := range im.Labels {
		if l < 0 {
			return fmt.Errorf("datasets: Labels[%d] = %d, want ≥ 0", i, l)
		}
		if im.ClassNames != nil && l >= len(im.ClassNames) {
			return fmt.Errorf("datasets: Labels[%d] = %d, want a value in [0, %d) (len(ClassNames))", i, l, len(im.ClassNames))
		}
	}
	for i, v := range im.Mask {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("datasets: Mask[%d] = %v, want a value in [0, 1]", i, v)
		}
	}
	return nil
}

// checkShape checks what the transforms rely on to index safely: valid
// dimensions, and Pix and the optional fields of the right lengths (not the
// values, which Validate checks too).
func (im *Images) checkShape() error {
	if im == nil {
		return fmt.Errorf("datasets: Images is nil")
	}
	if err := checkDims(im.N, im.H, im.W, im.C); err != nil {
		return err
	}
	if want := im.N * im.Dim(); len(im.Pix) != want {
		return fmt.Errorf("datasets: len(Pix) = %d, want N·H·W·C = %d", len(im.Pix), want)
	}
	if im.Labels != nil && len(im.Labels) != im.N {
		return fmt.Errorf("datasets: len(Labels) = %d, want N = %d", len(im.Labels), im.N)
	}
	if im.Names != nil && len(im.Names) != im.N {
		return fmt.Errorf("datasets: len(Names) = %d, want N = %d", len(im.Names), im.N)
	}
	if im.Categories != nil && len(im.Categories) != im.N {
		return fmt.Errorf("datasets: len(Categories) = %d, want N = %d", len(im.Categories), im.N)
	}
	if want := im.N * im.H * im.W; im.Mask != nil && len(im.Mask) != want {
		return fmt.Errorf("datasets: len(Mask) = %d, want N·H·W = %d", len(im.Mask), want)
	}
	return nil
}

// Subset returns the images at the given indices, in that order (repeats
// allowed), with their labels, names, categories and masks. ClassNames is
// shared.
func (im *Images) Subset(idx []int) (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("datasets: Subset of no images, want at least one index")
	}
	for k, i := range idx {
		if i < 0 || i >= im.N {
			return nil, fmt.Errorf("datasets: Subset index idx[%d] = %d, want a value in [0, %d)", k, i, im.N)
		}
	}
	d, hw := im.Dim(), im.H*im.W
	out := &Images{N: len(idx), H: im.H, W: im.W, C: im.C, ClassNames: im.ClassNames}
	out.Pix = make([]float32, len(idx)*d)
	for k, i := range idx {
		copy(out.Pix[k*d:], im.Pix[i*d:(i+1)*d])
	}
	if im.Mask != nil {
		out.Mask = make([]float32, len(idx)*hw)
		for k, i := range idx {
			copy(out.Mask[k*hw:], im.Mask[i*hw:(i+1)*hw])
		}
	}
	out.Labels = pick(im.Labels, idx)
	out.Names = pick(im.Names, idx)
	out.Categories = pick(im.Categories, idx)
	return out, nil
}

// pick returns xs[idx[0]], xs[idx[1]], …, or nil when xs is nil.
func pick[T any](xs []T, idx []int) []T {
	if xs == nil {
		return nil
	}
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = xs[i]
	}
	return out
}

// withPix returns new images with im's metadata (labels, names,
// categories, class names, and the mask when h×w is unchanged) and new
// dimensions and pixels.
func (im *Images) withPix(h, w, c int, pix []float32) *Images {
	out := &Images{N: im.N, H: h, W: w, C: c, Pix: pix,
		Labels: im.Labels, ClassNames: im.ClassNames, Names: im.Names, Categories: im.Categories}
	if h == im.H && w == im.W {
		out.Mask = im.Mask
	}
	return out
}

// String describes the images in one line, e.g. "70000 images 28×28×1, 10 classes".
func (im *Images) String() string {
	s := fmt.Sprintf("%d images %d×%d×%d", im.N, im.H, im.W, im.C)
	if im.ClassNames != nil {
		s += fmt.Sprintf(", %d classes", len(im.ClassNames))
	} else if im.Labels != nil {
		s += ", labelled"
	}
	if im.Mask != nil {
		s += ", with mask"
	}
	return s
}
