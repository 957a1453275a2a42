package molrg

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/molrg/molrg/pkg/memlimit"
	"gonum.org/v1/gonum/mat"
)

// How the ground truth is computed (see groundtruth.go for the formulas).
//
// Write a_k = U_kᵀx, p_k = U_kU_kᵀx (the part of x in subspace k) and
// r_k = x − p_k (the part orthogonal to it), with ‖r_k‖² + ‖p_k‖² = ‖x‖². Then
//
//	x − U_kU_kᵀx/(1+σ²) = r_k + σ²/(1+σ²)·p_k,
//	∇log p_t(x) = −Σ_k w_k·( r_k/(s²σ²) + p_k/(s²(1+σ²)) ),
//	E[x₀|x_t] = Σ_k w_k p_k/(s(1+σ²)),
//	w_k ∝ π_k (1+σ⁻²)^{−d_k/2} exp(−φ_t‖r_k‖²),   φ_t = 1/(2s²σ²(1+σ²)),
//
// (the last because φ_t‖a_k‖² = φ_t‖x‖² − φ_t‖r_k‖² and φ_t‖x‖² is the same
// for every k). No term is a difference of nearly equal numbers except r_k
// itself, and no intermediate is out of range: x is scaled by a power of two
// to max|x_j| ∈ [½, 1), and the scale factors 1/(s²σ²), φ_t, … are xf
// (extended-range) numbers.
//
// Each row is first computed in float64 with an orthonormal basis Q_k of
// span(U_k) (Newton–Schulz, see orthonormalBasis), together with a bound on
// the error of every output (rowBound). When a bound exceeds the tolerance
// (Tolerance/4) — typically x_t within rounding of a subspace while
// 1/σ_t² amplifies that rounding, or nearly tied weights at tiny σ_t — the row
// is recomputed in math/big arithmetic (exact.go) at a precision that
// doubles until the bounds hold, or an AccuracyError is returned.

// Tolerance is the accuracy of the ground truth: every row of the posterior
// mean and of the score has a relative error (Euclidean norm of the row) at
// most Tolerance, every weight an absolute error at most Tolerance, and each
// log density an absolute error at most Tolerance·(1 + |log p_t| + the
// magnitude of its largest term), for the model in which component k is the
// subspace spanned by the columns of U_k.
const Tolerance = 1e-10

// maxPrec caps the precision of the math/big recomputation.
const maxPrec = 1 << 16

const unitRoundoff = 0x1p-53

// want selects the outputs of a ground-truth computation.
type want uint8

const (
	wantWeights want = 1 << iota
	wantMean
	wantScore
	wantLogDensity
)

// level holds the noise level (s_t, σ_t) and its derived scale factors.
type level struct {
	s, sigma       float64
	logS, logSigma float64
	l              float64 // log(1 + σ⁻²)
	f1, f2, fm     xf      // 1/(s²σ²), 1/(s²(1+σ²)), 1/(s(1+σ²))
	phi            xf      // φ_t = 1/(2s²σ²(1+σ²))
}

func newLevel(s, sigma float64) level {
	lv := level{s: s, sigma: sigma, logS: math.Log(s), logSigma: math.Log(sigma)}
	sx, gx := xfOf(s), xfOf(sigma)
	g2 := gx.mul(gx)
	var opg xf // 1 + σ²
	if sigma < 1 {
		opg = xfOf(1 + sigma*sigma)
		lv.l = math.Log1p(sigma*sigma) - 2*lv.logSigma
	} else {
		opg = g2.mul(xfOf(1 + 1/(sigma*sigma)))
		lv.l = math.Log1p(1 / (sigma * sigma))
	}
	one := xfOf(1)
	s2 := sx.mul(sx)
	lv.f1 = one.div(s2.mul(g2))
	lv.f2 = one.div(s2.mul(opg))
	lv.fm = one.div(sx.mul(opg))
	lv.phi = lv.f1.div(opg).scale(0.5)
	return lv
}

// computer evaluates the ground truth row by row.
type computer struct {
	m     *Model
	lv    level
	want  want
	dMin  int
	q     []*mat.Dense // orthonormal bases of span(U_k)
	gamma []float64    // ‖computed r_k − exact r_k‖ ≤ gamma_k·‖x‖ in the float64 path
	cpi   []float64    // log π_k − ((d_k − d_min)/2)·log(1+σ⁻²)
	ecpi  []float64    // absolute error bound of cpi
	c0    float64      // −(n/2)log 2π − n log(sσ) − (d_min/2) log(1+σ⁻²)
	ec0   float64      // magnitude of the terms of c0
	ex    *exactModel  // math/big data, built on first use
}

func (m *Model) newComputer(s, sigma float64, w want) *computer {
	c := &computer{m: m, lv: newLevel(s, sigma), want: w, dMin: m.N}
	for _, d := range m.Dims() {
		c.dMin = min(c.dMin, d)
	}
	n := float64(m.N)
	for k, u := range m.Bases {
		q, defect := orthonormalBasis(u)
		_, d := u.Dims()
		fd := float64(d)
		c.q = append(c.q, q)
		c.gamma = append(c.gamma, unitRoundoff*(2*math.Sqrt(fd)*n+2*math.Sqrt(n)*fd+8*(n+fd)+16)+4*defect)
		dd := float64(d-c.dMin) / 2
		c.cpi = append(c.cpi, math.Log(m.Pi[k])-dd*c.lv.l)
		c.ecpi = append(c.ecpi, 4*unitRoundoff*(math.Abs(math.Log(m.Pi[k]))+dd*c.lv.l+1))
	}
	t1, t2, t3 := n/2*math.Log(2*math.Pi), n*(c.lv.logS+c.lv.logSigma), float64(c.dMin)/2*c.lv.l
	c.c0 = -t1 - t2 - t3
	c.ec0 = math.Abs(t1) + math.Abs(t2) + math.Abs(t3)
	return c
}

// vecX is a vector v·2^e.
type vecX struct {
	v []float64
	e int
}

// rowRes is one row of the ground truth with its error bounds.
type rowRes struct {
	w           []float64
	mean, score vecX
	logp        float64
	logpScale   float64 // 1 + |log p| + the magnitude of its largest term
	logpMag     xf      // the magnitude of log p when it is beyond float64
	logpInfSure bool    // log p < −MaxFloat64 even allowing for the errors
	b           boundOut
	errLogp     float64
}

// boundIn holds what the error bounds of one row need: the computed
// quantities and the error bounds of the projections and of the logits.
type boundIn struct {
	u        xf        // unit roundoff of the arithmetic
	logw     []float64 // log of the computed weights, −Inf for a negligible component
	e        []float64 // absolute error bound of each logit
	eR, eP   []xf      // error bounds of r_k and of p_k (Euclidean norm)
	nr, np   []xf      // ‖r_k‖, ‖p_k‖
	nT1, nT2 xf        // ‖Σw_k r_k‖, ‖Σw_k p_k‖
	f1, f2   xf        // score = −(T1·f1 + T2·f2)
	nV       xf        // ‖T1·f1 + T2·f2‖
}

// boundOut: the absolute error of the weights, the relative errors of the
// posterior mean and of the score, and Σ_k w_k e_k (the error the logits
// carry into the log density).
type boundOut struct {
	w, mean, score, logit float64
}

// logExpm1 is log(e^y − 1) for y ≥ 0 (−Inf for y = 0).
func logExpm1(y float64) float64 {
	switch {
	case !(y > 0):
		return math.Inf(-1)
	case y > 40:
		return y
	}
	return math.Log(math.Expm1(y))
}

// ratio is the relative error err/(v − err) of a quantity of computed size v
// with absolute error err (0 when both are 0, +Inf when err ≥ v).
func ratio(err, v xf) float64 {
	if err.m == 0 {
		return 0
	}
	if !err.less(v) {
		return math.Inf(1)
	}
	return err.div(v.add(xf{-err.m, err.e})).float()
}

// rowBound bounds the errors of one row. A perturbation of the logits by at
// most e_k changes the normaliser by a factor in [1−S, 1+S] with
// S = Σ_j w_j(e^{e_j} − 1), so |δw_k| ≤ w_k(e^{e_k}/(1−S) − 1); the sums
// T1 = Σ w_k r_k and T2 = Σ w_k p_k then err by Σ_k (w_k·eR_k + |δw_k|·‖r_k‖)
// (resp. w_k·eP_k + |δw_k|·‖p_k‖) plus rounding.
func rowBound(in boundIn) boundOut {
	k := len(in.logw)
	eu := float64(k+4) * in.u.float()
	var S xf
	for j := range k {
		if math.IsInf(in.logw[j], -1) {
			continue
		}
		S = S.add(xfExp(in.logw[j] + logExpm1(in.e[j]+eu)))
	}
	inf := boundOut{math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1)}
	sv := S.float()
	if !(sv < 0.5) {
		return inf
	}
	shift := -math.Log1p(-sv)
	var out boundOut
	var errT1, errT2, sumR, sumP xf
	for j := range k {
		if math.IsInf(in.logw[j], -1) {
			continue
		}
		w := xfExp(in.logw[j])
		dw := xfExp(in.logw[j] + logExpm1(in.e[j]+eu+shift))
		out.w = math.Max(out.w, dw.float())
		out.logit += w.float() * in.e[j]
		errT1 = errT1.add(w.mul(in.eR[j])).add(dw.mul(in.nr[j]))
		errT2 = errT2.add(w.mul(in.eP[j])).add(dw.mul(in.np[j]))
		sumR = sumR.add(w.mul(in.nr[j]))
		sumP = sumP.add(w.mul(in.np[j]))
	}
	ku := in.u.scale(float64(k + 2))
	errT1 = errT1.add(sumR.mul(ku))
	errT2 = errT2.add(sumP.mul(ku))
	out.mean = ratio(errT2.add(in.nT2.mul(in.u.scale(2))), in.nT2) + 2*in.u.float()
	errV := errT1.mul(in.f1).add(errT2.mul(in.f2)).add(in.nT1.mul(in.f1).add(in.nT2.mul(in.f2)).mul(in.u.scale(3)))
	out.score = ratio(errV, in.nV) + 2*in.u.float()
	if math.IsNaN(out.w) || math.IsNaN(out.mean) || math.IsNaN(out.score) || math.IsNaN(out.logit) {
		return inf
	}
	return out
}

// accurate reports whether the wanted outputs of r meet Tolerance/4.
func (c *computer) accurate(r *rowRes) (bool, string, float64) {
	const t = Tolerance / 4
	switch {
	case c.want&wantWeights != 0 && !(r.b.w <= t):
		return false, "weights", r.b.w
	case c.want&wantMean != 0 && !(r.b.mean <= t):
		return false, "posterior mean", r.b.mean
	case c.want&wantScore != 0 && !(r.b.score <= t):
		return false, "score", r.b.score
	case c.want&wantLogDensity != 0 && math.IsInf(r.logp, 0) && !r.logpInfSure:
		return false, "log density", math.Inf(1)
	case c.want&wantLogDensity != 0 && !math.IsInf(r.logp, 0) && !(r.errLogp <= t*r.logpScale):
		return false, "log density", r.errLogp / r.logpScale
	}
	return true, "", 0
}

// fast computes one row in float64 with its error bounds.
func (c *computer) fast(x []float64) *rowRes {
	m := c.m
	n, kk := m.N, m.K()
	u := unitRoundoff
	mx := 0.0
	for _, v := range x {
		mx = math.Max(mx, math.Abs(v))
	}
	_, e := math.Frexp(mx) // x = xs·2^e with max|xs_j| ∈ [½, 1)
	xs := make([]float64, n)
	for j, v := range x {
		xs[j] = math.Ldexp(v, -e)
	}
	nx := vecNorm(xs)
	r := make([][]float64, kk)
	p := make([][]float64, kk)
	rr := make([]float64, kk)
	in := boundIn{u: xfOf(u), logw: make([]float64, kk), e: make([]float64, kk),
		eR: make([]xf, kk), eP: make([]xf, kk), nr: make([]xf, kk), np: make([]xf, kk)}
	kmin := 0
	for k, q := range c.q {
		_, d := q.Dims()
		a := make([]float64, d)
		for i := range n {
			row, xi := q.RawRowView(i), xs[i]
			for j := range d {
				a[j] += row[j] * xi
			}
		}
		p[k], r[k] = make([]float64, n), make([]float64, n)
		for i := range n {
			row := q.RawRowView(i)
			s := 0.0
			for j := range d {
				s += row[j] * a[j]
			}
			p[k][i] = s
			r[k][i] = xs[i] - s
			rr[k] += r[k][i] * r[k][i]
		}
		in.nr[k] = xfOf(math.Sqrt(rr[k]))
		in.np[k] = xfOf(vecNorm(p[k]))
		// 0x1p-1074·√n: entries of x that the scaling flushed to zero.
		in.eR[k] = xfOf(c.gamma[k]*nx + 0x1p-1074*math.Sqrt(float64(n)))
		in.eP[k] = in.eR[k]
		if rr[k] < rr[kmin] {
			kmin = k
		}
	}
	phi := c.lv.phi.mul(pow2(2 * e)) // φ_t in the units of xs
	errR := make([]xf, kk)           // error bound of ‖r_k‖²
	for k := range kk {
		ep := in.eR[k]
		errR[k] = ep.mul(in.nr[k]).scale(2).add(ep.mul(ep)).add(xfOf(float64(n+2) * u * rr[k]))
	}
	logits := make([]float64, kk)
	for k := range kk {
		delta, eDelta := 0.0, 0.0
		if k != kmin {
			eD := errR[k].add(errR[kmin])
			dx := phi.scale(rr[k] - rr[kmin])
			delta = -dx.float()
			eDelta = phi.mul(eD).float() + 2*u*math.Abs(delta)
			if math.IsInf(delta, -1) {
				// Negligible when even the smallest value it may have is
				// > 1e6 (e^{−1e6} = 2^{−1.4e6}, far below every other term).
				if xfOf(1e6).less(dx.add(xf{-phi.mul(eD).m, phi.mul(eD).e})) {
					in.logw[k] = math.Inf(-1)
					logits[k] = math.Inf(-1)
					continue
				}
				eDelta = math.Inf(1)
			}
		}
		logits[k] = c.cpi[k] + delta
		in.e[k] = c.ecpi[k] + eDelta + 2*u*math.Abs(logits[k])
	}
	lse := logSumExp(logits)
	res := &rowRes{w: make([]float64, kk)}
	t1, t2 := make([]float64, n), make([]float64, n)
	for k := range kk {
		if math.IsInf(logits[k], -1) {
			// Skipped above (logw = −Inf, negligible) or overflowed with an
			// unknown error (e = +Inf, logw = 0: the bounds become +Inf).
			continue
		}
		in.logw[k] = logits[k] - lse
		in.e[k] += 2 * u * math.Abs(lse)
		w := math.Exp(in.logw[k])
		res.w[k] = w
		for i := range n {
			t1[i] += w * r[k][i]
			t2[i] += w * p[k][i]
		}
	}
	in.nT1, in.nT2 = xfOf(vecNorm(t1)), xfOf(vecNorm(t2))
	in.f1, in.f2 = c.lv.f1.mul(pow2(e)), c.lv.f2.mul(pow2(e))
	res.score = combine(t1, in.f1, t2, in.f2, true)
	in.nV = xfOf(vecNorm(res.score.v)).mul(pow2(res.score.e))
	res.mean = combine(t2, c.lv.fm.mul(pow2(e)), nil, xf{}, false)
	res.b = rowBound(in)
	if c.want&wantLogDensity != 0 {
		// log p = c0 − ‖x‖²/(2s²(1+σ²)) − φ‖r_kmin‖² + lse(logits)
		q0x, qmx := c.lv.f2.mul(pow2(2*e)).scale(nx*nx/2), phi.scale(rr[kmin])
		q0, qm := q0x.float(), qmx.float()
		res.logpMag = q0x.add(qmx)
		res.logpInfSure = infSure(q0x.scale(1-float64(n+4)*u), qmx, phi.mul(errR[kmin]))
		res.logp = c.c0 - q0 - qm + lse
		res.logpScale = 1 + math.Abs(res.logp) + c.ec0 + q0 + qm + math.Abs(lse)
		res.errLogp = phi.mul(errR[kmin]).float() + res.b.logit + q0*float64(n+4)*u + 8*u*res.logpScale
	}
	return res
}

// infSure reports whether q0 + qm − e (e the error bound of qm) still
// exceeds math.MaxFloat64 by more than the other terms of log p can make up.
func infSure(q0, qm, e xf) bool {
	lower := q0.add(qm).add(xf{-e.m, e.e})
	return xfOf(math.MaxFloat64).scale(2).less(lower)
}

// combine returns a·fa + b·fb (negated when neg) as a vecX, for vectors of
// moderate entries and positive extended-range factors.
func combine(a []float64, fa xf, b []float64, fb xf, neg bool) vecX {
	type term struct {
		v []float64
		f xf
		k int
	}
	var terms []term
	for _, t := range []term{{v: a, f: fa}, {v: b, f: fb}} {
		if t.v == nil || t.f.m == 0 {
			continue
		}
		mx := 0.0
		for _, x := range t.v {
			mx = math.Max(mx, math.Abs(x))
		}
		if mx == 0 {
			continue
		}
		_, ex := math.Frexp(mx)
		t.k = t.f.e + ex
		terms = append(terms, t)
	}
	n := len(a)
	out := vecX{v: make([]float64, n)}
	if len(terms) == 0 {
		return out
	}
	out.e = terms[0].k
	for _, t := range terms[1:] {
		out.e = max(out.e, t.k)
	}
	sign := 1.0
	if neg {
		sign = -1
	}
	for _, t := range terms {
		for i, x := range t.v {
			out.v[i] += sign * math.Ldexp(x*t.f.m, t.f.e-out.e)
		}
	}
	return out
}

// orthonormalBasis returns an orthonormal basis of the column span of u
// (orthonormal to rounding) and max |QᵀQ − I| of it. Newton–Schulz steps
// Q ← Q(3I − QᵀQ)/2 multiply Q on the right, so they keep the span, and
// converge quadratically to the polar factor of u when u is nearly
// orthonormal (FromBases and check require max |UᵀU − I| ≤ 1e-6). A basis
// that is orthonormal in floating point (e.g. the columns of the identity)
// is returned unchanged.
func orthonormalBasis(u *mat.Dense) (*mat.Dense, float64) {
	best := mat.DenseCopyOf(u)
	bestDef := orthonormalityError(best)
	_, d := u.Dims()
	q := best
	for range 8 {
		if bestDef == 0 {
			break
		}
		var g mat.Dense
		g.Mul(q.T(), q)
		g.Scale(-0.5, &g)
		for i := range d {
			g.Set(i, i, g.At(i, i)+1.5)
		}
		var next mat.Dense
		next.Mul(q, &g)
		def := orthonormalityError(&next)
		if !(def < bestDef) {
			break
		}
		best, bestDef, q = &next, def, &next
	}
	return best, bestDef
}

// initialPrec is the first precision of the math/big recomputation of row x:
// enough that U_kᵀx is exact (precision ≥ the spread of the exponents of
// the products U_ij·x_i plus 110 bits), that the rounding of r_k (≈ 2^−p‖x‖)
// is below 2^−64 of the score after the amplification by 1/σ², and that
// φ_t‖r_k‖² carries 64 bits after the binary point.
func (c *computer) initialPrec(x []float64) uint {
	n := c.m.N
	minX, maxX, ok := expRange(x)
	if !ok {
		return 128
	}
	var minU, maxU int
	first := true
	for _, u := range c.m.Bases {
		lo, hi, ok := expRange(u.RawMatrix().Data)
		if !ok {
			continue
		}
		if first || lo < minU {
			minU = lo
		}
		if first || hi > maxU {
			maxU = hi
		}
		first = false
	}
	spread := (maxU + maxX) - (minU + minX)
	pmin := 110 + spread + bits.Len(uint(n))
	lsig := math.Log2(c.lv.sigma)
	lphi := math.Log2(c.lv.phi.m) + float64(c.lv.phi.e)
	lx := float64(maxX) + 0.5*math.Log2(float64(n))
	p := 64 + 2*math.Max(0, -lsig) + math.Max(0, lphi+2*lx) + 2*float64(bits.Len(uint(n*c.m.K())))
	prec := max(pmin, int(math.Ceil(p)))
	prec = (prec + 63) &^ 63
	return uint(min(prec, maxPrec))
}

// expRange returns the smallest and largest binary exponents of the nonzero
// entries of v (false when all are zero).
func expRange(v []float64) (lo, hi int, ok bool) {
	for _, x := range v {
		if x == 0 {
			continue
		}
		_, e := math.Frexp(x)
		if !ok || e < lo {
			lo = e
		}
		if !ok || e > hi {
			hi = e
		}
		ok = true
	}
	return lo, hi, ok
}

// row computes row i: in float64 when its bounds allow, else in math/big at
// increasing precision.
func (c *computer) row(i int, x []float64) (*rowRes, error) {
	r := c.fast(x)
	ok, what, bound := c.accurate(r)
	if ok {
		return r, nil
	}
	if c.ex == nil {
		c.ex = newExactModel(c.m, c.lv)
	}
	prec := c.initialPrec(x)
	for {
		if need, limit := c.exactBytes(prec), min(uint64(exactMemLimit), memlimit.Budget()); need > limit {
			return nil, &AccuracyError{Quantity: what, Row: i, Bits: prec, Bound: bound,
				Reason: fmt.Sprintf("%d-bit arithmetic would need ≈ %s of memory for these bases, more than the %s allowed", prec, memlimit.Bytes(need), memlimit.Bytes(limit))}
		}
		r = c.ex.row(c, x, prec)
		if ok, what, bound = c.accurate(r); ok {
			return r, nil
		}
		if prec >= maxPrec {
			return nil, &AccuracyError{Quantity: what, Row: i, Bits: prec, Bound: bound, Reason: fmt.Sprintf("the problem is too ill-conditioned at this point even for %d-bit arithmetic", prec)}
		}
		prec = min(2*prec, maxPrec)
	}
}

// AccuracyError reports a row whose result could not be certified to
// Tolerance: maxPrec-bit arithmetic did not suffice, or the next precision
// would need more than exactMemLimit bytes (or half the available memory).
type AccuracyError struct {
	Quantity string  // "weights", "posterior mean", "score" or "log density"
	Row      int     // the row of x_t
	Bits     uint    // the last precision tried or refused
	Bound    float64 // the error bound reached
	Reason   string
}

func (e *AccuracyError) Error() string {
	return fmt.Sprintf("molrg: x_t[%d]: the %s could not be computed to accuracy %g (error bound %.2g): %s",
		e.Row, e.Quantity, Tolerance, e.Bound, e.Reason)
}

// exactMemLimit caps the memory of the math/big recomputation (1 GiB).
const exactMemLimit = 1 << 30

// exactBytes bounds the memory the math/big recomputation holds at
// precision prec, all lower precisions included: the bases, the Cholesky
// factors and one row's vectors, at prec/8 + 80 bytes per number.
func (c *computer) exactBytes(prec uint) uint64 {
	n := uint64(c.m.N)
	numbers := uint64(0)
	for _, d := range c.m.Dims() {
		dd := uint64(d)
		numbers += dd*(dd+1)/2 + 2*n*dd + 4*n
	}
	numbers += 8 * n
	return 2 * numbers * (uint64(prec)/8 + 80)
}

// RangeError reports a result that is well defined but outside the range of
// float64 at the stated accuracy: a row of the posterior mean or of the
// score whose largest entry exceeds math.MaxFloat64 or lies below the
// smallest normal float64 2.2e-308 (without being exactly 0), or a log
// density below −math.MaxFloat64.
type RangeError struct {
	Quantity string  // "posterior mean", "score" or "log density"
	Row      int     // the row of x_t
	Log10    float64 // log10 of the magnitude of the exact result (largest entry of the row)
	S, Sigma float64 // the level s_t, σ_t
}

// Overflow reports whether the result is too large (else too small).
func (e *RangeError) Overflow() bool { return e.Log10 > 0 }

// Scaling describes how the quantity scales, to say which parameter drives it.
func (e *RangeError) Scaling() string {
	switch e.Quantity {
	case "posterior mean":
		return "|x_t|/s_t"
	case "score":
		if e.Sigma < 1 {
			return "|x_t|/(s_t²σ_t²) near no subspace and |x_t|/s_t² on one"
		}
		return "|x_t|/(s_t²σ_t²)"
	}
	return "‖x_t‖²/(s_t²σ_t²) and n·log(s_tσ_t)"
}

func (e *RangeError) Error() string {
	limit := "beyond the largest float64 (1.8e308)"
	if !e.Overflow() {
		limit = "below the smallest normal float64 (2.2e-308), so it cannot be given to relative accuracy " + fmt.Sprint(Tolerance)
	}
	return fmt.Sprintf("molrg: x_t[%d]: the %s has magnitude ≈ 1e%+.0f, %s; it scales like %s, here with s_t = %g, σ_t = %g",
		e.Row, e.Quantity, e.Log10, limit, e.Scaling(), e.S, e.Sigma)
}

// toFloats writes v into dst, or returns a RangeError (without Row, S, Sigma).
func (v vecX) toFloats(dst []float64, quantity string) error {
	mx := 0.0
	for _, x := range v.v {
		mx = math.Max(mx, math.Abs(x))
	}
	if mx == 0 {
		clear(dst)
		return nil
	}
	if top := math.Ldexp(mx, v.e); math.IsInf(top, 0) || top < 0x1p-1022 {
		return &RangeError{Quantity: quantity, Log10: xfOf(mx).mul(pow2(v.e)).log10()}
	}
	for i, x := range v.v {
		dst[i] = math.Ldexp(x, v.e) + 0 // + 0 turns −0 into 0
	}
	return nil
}

func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = math.Max(mx, x)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}
