package dae

import "math"

// The random draws of Algorithm 1 on the host: the counter-based words of
// rng.go, evaluated in Go. Integer results (sample indices, noise levels)
// are bit-identical to the graph's; the normals agree to float32 rounding
// (the graph's Log and Cos are XLA's or the pure-Go backend's).

// word is the random word of position pos of stream stream at step step for
// the run with key key: mix64(κ + (step·2³⁴ + stream·2³² + pos + 1)·γ).
func word(key, step, stream, pos uint64) uint64 {
	z := key + (step<<34+stream<<32+1+pos)*golden64
	z = (z ^ (z >> 30)) * mixMul1
	z = (z ^ (z >> 27)) * mixMul2
	return z ^ (z >> 31)
}

// hostUniform is uniform24(word, shift) of rng.go: the 24 bits of w above
// shift as a float32 in [0, 1).
func hostUniform(w uint64, shift uint) float32 {
	return float32((w>>shift)&0xFFFFFF) * (1.0 / (1 << 24))
}

// hostIndex is min(⌊u·m⌋, m−1) for a uniform u, computed in float32 as the
// graph does (sample indices with m = N_i, noise levels with m = T).
func hostIndex(u float32, m int) int {
	return min(int(float32(u*float32(m))), m-1)
}

// boxMuller is randomNormal's pair from one word: r·cos θ and r·sin θ with
// r = √(−2 log u₁), θ = 2πu₂, sin θ = ±√(1 − cos²θ) with the sign of θ < π.
func boxMuller(w uint64) (float32, float32) {
	u1 := hostUniform(w, 40) + 0.5/(1<<24)
	u2 := hostUniform(w, 8)
	r := float32(math.Sqrt(float64(-2 * float32(logUnit(float64(u1))))))
	c := float32(cos2Pi(u2))
	s := float32(math.Sqrt(float64(max(1-c*c, 0))))
	if u2 >= 0.5 {
		s = -s
	}
	return r * c, r * s
}

// normalsGo sets rc[p], rs[p] to the pair of boxMuller(word(key, step,
// stream, p)) for every p < len(rc).
func normalsGo(rc, rs []float32, key, step, stream uint64) {
	for p := range rc {
		rc[p], rs[p] = boxMuller(word(key, step, stream, uint64(p)))
	}
}

// fillNormals sets eps[b·stride + j], b < rows, j < n, to the standard
// normals of randomNormal(keys, step, stream, rows, n) for the run with key
// key: word b·h + i (h = ⌈n/2⌉) gives entries i and h + i of row b. rc and
// rs are scratch of length rows·h.
func fillNormals(eps []float32, stride, rows, n int, key, step, stream uint64, rc, rs []float32) {
	h := (n + 1) / 2
	normals(rc, rs, key, step, stream)
	for b := range rows {
		copy(eps[b*stride:b*stride+h], rc[b*h:(b+1)*h])
		copy(eps[b*stride+h:b*stride+n], rs[b*h:b*h+n-h])
	}
}

// logUnit is log x for x in (0, 1], to double precision: x = m·2^e with
// m in [√½, √2), log m = 2 atanh(z), z = (m−1)/(m+1), |z| ≤ 0.172, by its
// odd series to z¹⁹ (error < 1e-16).
func logUnit(x float64) float64 {
	bits := math.Float64bits(x)
	e := int((bits>>52)&0x7FF) - 1023
	m := math.Float64frombits(bits&^(0x7FF<<52) | 1023<<52) // [1, 2)
	if m > math.Sqrt2 {
		m /= 2
		e++
	}
	z := (m - 1) / (m + 1)
	z2 := z * z
	p := 1.0 / 19
	for _, c := range [...]float64{1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1} {
		p = p*z2 + c
	}
	return float64(e)*math.Ln2 + 2*z*p
}

// cos2Pi is cos θ for θ = float32(u·float32(2π)), the graph's argument
// rounded to float32, to double precision: θ is reduced to
// r = θ − qπ/2, |r| ≤ π/4, and cos or ±sin of r is a Taylor polynomial to
// degree 16 (error < 1e-16).
func cos2Pi(u float32) float64 {
	theta := float64(u * float32(2*math.Pi))
	q := math.Floor(theta/(math.Pi/2) + 0.5)
	r := theta - q*(math.Pi/2)
	r2 := r * r
	var v float64
	if int(q)&1 == 0 { // cos r
		v = 1.0 / 20922789888000 // 1/16!
		for _, c := range [...]float64{-1.0 / 87178291200, 1.0 / 479001600, -1.0 / 3628800, 1.0 / 40320, -1.0 / 720, 1.0 / 24, -0.5, 1} {
			v = v*r2 + c
		}
	} else { // sin r
		v = -1.0 / 1307674368000 // −1/15!
		for _, c := range [...]float64{1.0 / 6227020800, -1.0 / 39916800, 1.0 / 362880, -1.0 / 5040, 1.0 / 120, -1.0 / 6, 1} {
			v = v*r2 + c
		}
		v *= r
	}
	switch int(q) & 3 {
	case 1, 2: // cos(r + π/2) = −sin r, cos(r + π) = −cos r
		v = -v
	}
	return v
}
