package edit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/molrg/molrg/pkg/param"
	"gonum.org/v1/gonum/mat"
)

// PixelMask expands a mask over the H·W pixels of channels-last images
// (H·W values, a pixel is inside when its value is ≥ 0.5, e.g. an alpha
// channel) to the n = H·W·C values of an image: 1 inside, 0 outside.
func PixelMask(pixels []float64, channels int) ([]float64, error) {
	if channels < 1 {
		return nil, param.Errorf("edit", "Channels", channels, "≥ 1")
	}
	out := make([]float64, 0, len(pixels)*channels)
	inside := 0
	for i, a := range pixels {
		if math.IsNaN(a) {
			return nil, fmt.Errorf("edit: mask pixel %d is NaN", i)
		}
		v := 0.0
		if a >= 0.5 {
			v, inside = 1, inside+1
		}
		for range channels {
			out = append(out, v)
		}
	}
	if inside == 0 {
		return nil, param.Errorf("edit", "Mask", "no pixel ≥ 0.5", "at least one pixel inside the mask")
	}
	if inside == len(pixels) {
		return nil, param.Errorf("edit", "Mask", "every pixel", "a mask that leaves some pixel outside")
	}
	return out, nil
}

// RectMask is the PixelMask of the rectangle of rows y0 ≤ y < y1 and
// columns x0 ≤ x < x1 of an h×w image.
func RectMask(h, w, x0, y0, x1, y1 int) ([]float64, error) {
	if !(0 <= x0 && x0 < x1 && x1 <= w && 0 <= y0 && y0 < y1 && y1 <= h) {
		return nil, param.Errorf("edit", "Rect", fmt.Sprintf("%d,%d,%d,%d", x0, y0, x1, y1), "x0,y0,x1,y1 with 0 ≤ x0 < x1 ≤ %d and 0 ≤ y0 < y1 ≤ %d", w, h)
	}
	m := make([]float64, h*w)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			m[y*w+x] = 1
		}
	}
	return m, nil
}

// Complement is 1 − m.
func Complement(m []float64) []float64 {
	out := make([]float64, len(m))
	for i, v := range m {
		out[i] = 1 - v
	}
	return out
}

// NullProject is LOCO-Edit's projection (Chen et al. 2024, Algorithm 1):
// the editing directions v_i (columns of vMod, leading right singular
// vectors of diag(m)J, the mask's outputs) with their components along the
// leading right singular vectors of diag(1−m)J (columns of vNull, which
// change the image outside the mask most) removed, and normalized:
//
//	v_i ← (I − V_null V_nullᵀ) v_i / ‖(I − V_null V_nullᵀ) v_i‖.
func NullProject(vMod, vNull *mat.Dense) (*mat.Dense, error) {
	n, k := vMod.Dims()
	if r, _ := vNull.Dims(); r != n {
		return nil, fmt.Errorf("edit: null-space vectors have %d values, want n = %d", r, n)
	}
	var c, p mat.Dense
	c.Mul(vNull.T(), vMod)
	p.Mul(vNull, &c)
	out := mat.NewDense(n, k, nil)
	out.Sub(vMod, &p)
	for j := range k {
		norm := mat.Norm(out.ColView(j), 2)
		if norm < 1e-9 {
			return nil, fmt.Errorf("edit: direction %d lies in the leading singular subspace outside the mask (nothing left after the projection): use fewer null-space vectors", j+1)
		}
		for i := range n {
			out.Set(i, j, out.At(i, j)/norm)
		}
	}
	return out, nil
}

// RandomDirection is a uniformly distributed unit vector of ℝⁿ (a
// normalized standard Gaussian) drawn from seed.
func RandomDirection(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x72616e646f6d7631))
	v := make([]float64, n)
	s := 0.0
	for i := range v {
		v[i] = rng.NormFloat64()
		s += v[i] * v[i]
	}
	s = math.Sqrt(s)
	for i := range v {
		v[i] /= s
	}
	return v
}

// PrincipalAngles returns the principal angles (radians, increasing)
// between the column spaces of a (n×p) and b (n×q), both with orthonormal
// columns, min(p, q) of them (Björck and Golub 1973): with p ≥ q, the
// sines are the singular values of (I − aaᵀ)b, accurate for small angles,
// and the cosines those of aᵀb, accurate for large ones.
func PrincipalAngles(a, b *mat.Dense) ([]float64, error) {
	_, p := a.Dims()
	_, q := b.Dims()
	if q > p {
		a, b, p, q = b, a, q, p
	}
	var c mat.Dense
	c.Mul(a.T(), b)
	var res mat.Dense
	res.Mul(a, &c)
	res.Sub(b, &res)
	var sc, ss mat.SVD
	if !sc.Factorize(&c, mat.SVDNone) || !ss.Factorize(&res, mat.SVDNone) {
		return nil, fmt.Errorf("edit: the SVD for the principal angles did not converge")
	}
	cos, sin := sc.Values(nil), ss.Values(nil) // cos decreasing, sin decreasing
	out := make([]float64, q)
	for i := range q {
		s := sin[q-1-i] // the i-th smallest sine pairs with the i-th largest cosine
		if s < 0.5 {
			out[i] = math.Asin(s)
		} else {
			out[i] = math.Acos(min(1, max(-1, cos[i])))
		}
	}
	return out, nil
}
