package datasets

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
