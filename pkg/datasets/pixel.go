package datasets

import (
	"fmt"
	"image"
)

// byteValue[v] = v/127.5 − 1, the [−1, 1] value of the byte v.
var byteValue = func() (t [256]float32) {
	for v := range t {
		t[v] = float32(float64(v)/127.5 - 1)
	}
	return t
}()

// ByteToPixel maps a byte v ∈ {0, …, 255} to v/127.5 − 1 ∈ [−1, 1].
func ByteToPixel(v byte) float32 { return byteValue[v] }

// PixelToByte maps a value in [−1, 1] back to the nearest byte,
// round((x+1)·127.5), clamping values outside [−1, 1] (and NaN to 0).
func PixelToByte(x float32) byte {
	v := (float64(x) + 1) * 127.5
	switch {
	case v >= 255:
		return 255
	case v > 0:
		return byte(v + 0.5)
	default:
		return 0
	}
}

// bytesToPix converts bytes to [−1, 1] values.
func bytesToPix(data []byte) []float32 {
	pix := make([]float32, len(data))
	for i, v := range data {
		pix[i] = byteValue[v]
	}
	return pix
}

// Bytes returns the pixels as bytes 0..255 (PixelToByte of each value),
// channels-last and row-major like Pix, e.g. for writing PNG files.
func (im *Images) Bytes() []byte {
	out := make([]byte, len(im.Pix))
	for i, v := range im.Pix {
		out[i] = PixelToByte(v)
	}
	return out
}

// Image returns image i for display or for writing with image/png: an
// *image.Gray for one channel, an *image.NRGBA for three, with the mask as
// its alpha when there is one (the colour stays the composited colour of
// Pix). Values are rounded to bytes by PixelToByte.
func (im *Images) Image(i int) (image.Image, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if i < 0 || i >= im.N {
		return nil, fmt.Errorf("datasets: Image(%d), want an index in [0, %d)", i, im.N)
	}
	row, r := im.Row(i), image.Rect(0, 0, im.W, im.H)
	if im.C == 1 {
		g := image.NewGray(r)
		for p, v := range row {
			g.Pix[p] = PixelToByte(v)
		}
		return g, nil
	}
	out := image.NewNRGBA(r)
	mask := im.MaskRow(i)
	for p := range im.H * im.W {
		out.Pix[4*p] = PixelToByte(row[3*p])
		out.Pix[4*p+1] = PixelToByte(row[3*p+1])
		out.Pix[4*p+2] = PixelToByte(row[3*p+2])
		out.Pix[4*p+3] = 255
		if mask != nil {
			out.Pix[4*p+3] = PixelToByte(2*mask[p] - 1)
		}
	}
	return out, nil
}
