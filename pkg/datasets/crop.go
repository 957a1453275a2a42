package datasets

import "fmt"

// CenterCrop returns the central h×w window of every image (and mask). When
// H − h (or W − w) is odd the extra row (column) is dropped at the bottom
// (right): the window starts at row ⌊(H−h)/2⌋, column ⌊(W−w)/2⌋.
func (im *Images) CenterCrop(h, w int) (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if h < 1 || h > im.H || w < 1 || w > im.W {
		return nil, fmt.Errorf("datasets: CenterCrop to %d×%d, want 1 ≤ h ≤ %d and 1 ≤ w ≤ %d (the image size)", h, w, im.H, im.W)
	}
	return im.place(h, w, -(im.H-h)/2, -(im.W-w)/2, 0), nil
}

// Pad returns every image placed at the centre of an h×w canvas of value
// fill (in [−1, 1]; −1 is black, the MNIST background). When h − H (or
// w − W) is odd the extra row (column) goes to the bottom (right): the
// image starts at row ⌊(h−H)/2⌋, column ⌊(w−W)/2⌋. A mask, if any, is 0
// (transparent) in the padding. MNIST's 28×28 digits padded to 32×32 sit at
// rows and columns 2..29.
func (im *Images) Pad(h, w int, fill float32) (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if h < im.H || w < im.W {
		return nil, fmt.Errorf("datasets: Pad to %d×%d, want h ≥ %d and w ≥ %d (the image size)", h, w, im.H, im.W)
	}
	if !(fill >= -1 && fill <= 1) {
		return nil, fmt.Errorf("datasets: Pad fill = %v, want a value in [−1, 1]", fill)
	}
	if err := checkDims(im.N, h, w, im.C); err != nil {
		return nil, fmt.Errorf("datasets: Pad to %d×%d: %w", h, w, err)
	}
	return im.place(h, w, (h-im.H)/2, (w-im.W)/2, fill), nil
}

// place copies each image onto an h×w canvas of fill with its top-left
// corner at (dy, dx), which may be negative (cropping).
func (im *Images) place(h, w, dy, dx int, fill float32) *Images {
	c := im.C
	pix := make([]float32, im.N*h*w*c)
	var mask []float32
	if im.Mask != nil {
		mask = make([]float32, im.N*h*w)
	}
	if fill != 0 {
		for i := range pix {
			pix[i] = fill
		}
	}
	y0, y1 := max(0, dy), min(h, im.H+dy) // canvas rows that receive image rows
	x0, x1 := max(0, dx), min(w, im.W+dx)
	for n := range im.N {
		for y := y0; y < y1; y++ {
			src := ((n*im.H+y-dy)*im.W + x0 - dx) * c
			dst := ((n*h+y)*w + x0) * c
			copy(pix[dst:dst+(x1-x0)*c], im.Pix[src:])
			if mask != nil {
				copy(mask[(n*h+y)*w+x0:(n*h+y)*w+x1], im.Mask[(n*im.H+y-dy)*im.W+x0-dx:])
			}
		}
	}
	out := im.withPix(h, w, c, pix)
	out.Mask = mask
	return out
}
