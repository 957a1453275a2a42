package molrg

import "math"

// xf is an extended-range float m·2^e with m = 0 or 0.5 ≤ |m| < 1 (or m =
// ±Inf, NaN). It carries the scale factors of the ground truth, such as
// 1/(s_t²σ_t²), and error bounds, whose magnitudes may lie far outside the
// float64 range (σ_t = 1e-300 gives 1/σ_t² = 1e600), with float64 precision.
type xf struct {
	m float64
	e int
}

// xfMaxExp bounds |e|: beyond it a value is treated as 0 or ±Inf.
const xfMaxExp = 1 << 40

func mkxf(m float64, e int) xf {
	if m == 0 || math.IsInf(m, 0) || math.IsNaN(m) {
		return xf{m: m}
	}
	f, k := math.Frexp(m)
	e += k
	switch {
	case e > xfMaxExp:
		return xf{m: math.Inf(int(math.Copysign(1, f)))}
	case e < -xfMaxExp:
		return xf{}
	}
	return xf{f, e}
}

// xfOf converts a float64.
func xfOf(v float64) xf { return mkxf(v, 0) }

// pow2 is 2^k.
func pow2(k int) xf { return xf{0.5, k + 1} }

func (a xf) mul(b xf) xf { return mkxf(a.m*b.m, a.e+b.e) }
func (a xf) div(b xf) xf { return mkxf(a.m/b.m, a.e-b.e) }

// scale is a·v for a float64 v.
func (a xf) scale(v float64) xf { return a.mul(xfOf(v)) }

func (a xf) add(b xf) xf {
	if a.m == 0 {
		return b
	}
	if b.m == 0 {
		return a
	}
	if !a.finite() || !b.finite() {
		return xf{m: a.m + b.m}
	}
	if a.e < b.e {
		a, b = b, a
	}
	d := a.e - b.e
	if d > 1100 {
		return a
	}
	return mkxf(a.m+math.Ldexp(b.m, -d), a.e)
}

func (a xf) finite() bool { return !math.IsInf(a.m, 0) && !math.IsNaN(a.m) }

// float is a as a float64: ±Inf on overflow, 0 or a subnormal on underflow.
func (a xf) float() float64 {
	if a.m == 0 || !a.finite() {
		return a.m
	}
	if a.e > 2000 {
		return math.Inf(int(math.Copysign(1, a.m)))
	}
	if a.e < -2000 {
		return math.Copysign(0, a.m)
	}
	return math.Ldexp(a.m, a.e)
}

// sqrt of a ≥ 0.
func (a xf) sqrt() xf {
	if a.m == 0 || !a.finite() {
		return xf{m: math.Sqrt(a.m)}
	}
	m, e := a.m, a.e
	if e%2 != 0 {
		m, e = 2*m, e-1
	}
	return mkxf(math.Sqrt(m), e/2)
}

// log10 of |a| (−Inf for 0).
func (a xf) log10() float64 {
	if a.m == 0 {
		return math.Inf(-1)
	}
	return math.Log10(math.Abs(a.m)) + float64(a.e)*math.Log10(2)
}

// log of a > 0.
func (a xf) log() float64 {
	if a.m == 0 {
		return math.Inf(-1)
	}
	return math.Log(a.m) + float64(a.e)*math.Ln2
}

// less reports a < b (NaN: false).
func (a xf) less(b xf) bool {
	if a.m == 0 || b.m == 0 || !a.finite() || !b.finite() || (a.m < 0) != (b.m < 0) {
		return a.m < b.m
	}
	if a.e != b.e { // same sign, normalised mantissas
		return (a.e < b.e) == (a.m > 0)
	}
	return a.m < b.m
}

// xfExp is e^y for y ∈ [−∞, +∞], with float64 relative precision for
// |y| ≲ 1e3 and a relative error ≲ |y|·1e-16 beyond (enough for bounds).
func xfExp(y float64) xf {
	switch {
	case math.IsNaN(y):
		return xf{m: y}
	case y < -1e15:
		return xf{}
	case y > 1e15:
		return xf{m: math.Inf(1)}
	}
	k := math.Floor(y / math.Ln2)
	return mkxf(math.Exp(y-k*math.Ln2), int(k))
}

// vecNorm is ‖v‖₂ of a float64 vector without overflow or underflow.
func vecNorm(v []float64) float64 {
	mx := 0.0
	for _, x := range v {
		mx = math.Max(mx, math.Abs(x))
	}
	if mx == 0 || math.IsInf(mx, 0) || math.IsNaN(mx) {
		return mx
	}
	_, e := math.Frexp(mx)
	s := 0.0
	for _, x := range v {
		y := math.Ldexp(x, -e)
		s += y * y
	}
	return math.Ldexp(math.Sqrt(s), e)
}
