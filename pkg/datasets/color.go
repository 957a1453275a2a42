package datasets

// Luma weights of ITU-R BT.601 (those of image/color's GrayModel):
// Y = 0.299·R + 0.587·G + 0.114·B. They sum to 1, so the luma of [−1, 1]
// values is the [−1, 1] value of the luma of [0, 255] values.
const (
	lumaR = 0.299
	lumaG = 0.587
	lumaB = 0.114
)

// Gray returns one-channel images: the luma Y = 0.299·R + 0.587·G + 0.114·B
// of RGB images, or a copy of gray ones. Labels, names and mask are kept.
func (im *Images) Gray() (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if im.C == 1 {
		return im.withPix(im.H, im.W, 1, append([]float32(nil), im.Pix...)), nil
	}
	hw := im.N * im.H * im.W
	out := make([]float32, hw)
	for p := range hw {
		q := im.Pix[3*p : 3*p+3]
		y := lumaR*float64(q[0]) + lumaG*float64(q[1]) + lumaB*float64(q[2])
		out[p] = float32(min(max(y, -1), 1))
	}
	return im.withPix(im.H, im.W, 1, out), nil
}

// RGB returns three-channel images: each gray value repeated in R, G and B,
// or a copy of RGB ones. Labels, names and mask are kept.
func (im *Images) RGB() (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if im.C == 3 {
		return im.withPix(im.H, im.W, 3, append([]float32(nil), im.Pix...)), nil
	}
	out := make([]float32, 3*len(im.Pix))
	for p, v := range im.Pix {
		out[3*p], out[3*p+1], out[3*p+2] = v, v, v
	}
	return im.withPix(im.H, im.W, 3, out), nil
}
