package datasets

import "fmt"

// Resize returns the images resized to h×w by area averaging: output pixel
// (i, j) is the mean of the input over the rectangle it covers,
// [i·H/h, (i+1)·H/h) × [j·W/w, (j+1)·W/w) in input pixel units, each input
// pixel weighted by the area of its overlap. For integer factors (28→14,
// 64→16) that is the plain mean of each factor×factor block; for
// enlargements each output pixel takes the input pixel(s) under it. The
// mask, if any, is resized the same way. Weights are exact ratios of
// integers; sums are formed in float64.
func (im *Images) Resize(h, w int) (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if h < 1 || w < 1 {
		return nil, fmt.Errorf("datasets: Resize to %d×%d, want h ≥ 1 and w ≥ 1", h, w)
	}
	if err := checkDims(im.N, h, w, im.C); err != nil {
		return nil, fmt.Errorf("datasets: Resize to %d×%d: %w", h, w, err)
	}
	if h == im.H && w == im.W {
		out := im.withPix(h, w, im.C, append([]float32(nil), im.Pix...))
		return out, nil
	}
	ry, rx := areaWeights(im.H, h), areaWeights(im.W, w)
	out := im.withPix(h, w, im.C, resizePlanes(im.Pix, im.N, im.H, im.W, im.C, ry, rx))
	if im.Mask != nil {
		out.Mask = resizePlanes(im.Mask, im.N, im.H, im.W, 1, ry, rx)
	}
	return out, nil
}

// tap is one input index and its weight in an output value.
type tap struct {
	k int
	w float64
}

// areaWeights returns, for each of the m output cells over an input of
// length n, the input cells it overlaps and the fraction of the output cell
// each covers. In units of 1/m of an input cell (and 1/n of an output
// cell), output i spans [i·n, (i+1)·n) and input k spans [k·m, (k+1)·m);
// the weight of k in i is their integer overlap divided by n.
func areaWeights(n, m int) [][]tap {
	out := make([][]tap, m)
	for i := range m {
		lo, hi := int64(i)*int64(n), int64(i+1)*int64(n)
		for k := lo / int64(m); k < int64(n) && k*int64(m) < hi; k++ {
			ov := min(hi, (k+1)*int64(m)) - max(lo, k*int64(m))
			if ov > 0 {
				out[i] = append(out[i], tap{int(k), float64(ov) / float64(n)})
			}
		}
	}
	return out
}

// resizePlanes applies the separable weights to n images of h×w×c values
// (channels-last): rows first, then columns.
func resizePlanes(src []float32, n, h, w, c int, ry, rx [][]tap) []float32 {
	oh, ow := len(ry), len(rx)
	dst := make([]float32, n*oh*ow*c)
	tmp := make([]float64, oh*w*c)
	for img := range n {
		in := src[img*h*w*c : (img+1)*h*w*c]
		clear(tmp)
		for i, taps := range ry {
			row := tmp[i*w*c : (i+1)*w*c]
			for _, t := range taps {
				for x, v := range in[t.k*w*c : (t.k+1)*w*c] {
					row[x] += t.w * float64(v)
				}
			}
		}
		out := dst[img*oh*ow*c : (img+1)*oh*ow*c]
		for i := range oh {
			row := tmp[i*w*c : (i+1)*w*c]
			for j, taps := range rx {
				for ch := range c {
					s := 0.0
					for _, t := range taps {
						s += t.w * row[t.k*c+ch]
					}
					out[(i*ow+j)*c+ch] = float32(s)
				}
			}
		}
	}
	return dst
}
