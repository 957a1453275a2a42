package molrg

import (
	"math"
	"math/big"

	"gonum.org/v1/gonum/mat"
)

// An independent high-precision evaluation of eq. (8) and eq. (28) exactly as
// the paper writes them, for the tests: math/big.Float with 256 bits plus
// whatever the cancellations of the literal formulas can eat (2·|log₂σ_t| for
// x − UUᵀx/(1+σ_t²) and for φ_t‖U_kᵀx‖², 2·|log₂ s_t|, the exponent range of
// x_t). The bases are orthonormalised by modified Gram–Schmidt in that
// precision (the model is the span of the given columns), and exp is its own
// Taylor series with argument halving, so nothing is shared with exact.go
// (which solves with the Gram matrix and reduces exp by ln 2).

type refResult struct {
	w, mean, score []*big.Float
	logTerms       []float64 // log π_k N(x; 0, Σ_k), float64 (−Inf when below float64)
	prec           uint
}

func refExpRange(v []float64) (lo, hi int) {
	first := true
	for _, x := range v {
		if x == 0 {
			continue
		}
		_, e := math.Frexp(x)
		if first || e < lo {
			lo = e
		}
		if first || e > hi {
			hi = e
		}
		first = false
	}
	return lo, hi
}

func iabs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func refPrecision(m *Model, x []float64, s, sigma float64) uint {
	lo, hi := refExpRange(x)
	p := 256 + 2*math.Abs(math.Log2(sigma)) + 2*math.Abs(math.Log2(s)) + 2*float64(iabs(lo)+iabs(hi))
	for _, u := range m.Bases {
		lo, hi := refExpRange(u.RawMatrix().Data)
		p += 2 * float64(hi-lo)
	}
	return uint(p)
}

// refGramSchmidt returns an orthonormal basis of the columns of u (modified
// Gram–Schmidt, twice).
func refGramSchmidt(u *mat.Dense, prec uint) [][]*big.Float {
	n, d := u.Dims()
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	q := make([][]*big.Float, d) // columns
	t := nf()
	for j := range d {
		v := make([]*big.Float, n)
		for i := range n {
			v[i] = nf().SetFloat64(u.At(i, j))
		}
		for range 2 {
			for _, qi := range q[:j] {
				dot := nf()
				for r := range n {
					dot.Add(dot, t.Mul(qi[r], v[r]))
				}
				for r := range n {
					v[r].Sub(v[r], t.Mul(dot, qi[r]))
				}
			}
		}
		nrm := nf()
		for r := range n {
			nrm.Add(nrm, t.Mul(v[r], v[r]))
		}
		nrm.Sqrt(nrm)
		for r := range n {
			v[r].Quo(v[r], nrm)
		}
		q[j] = v
	}
	return q
}

// refExp is e^y for |y| < 2^30: Taylor series of y/2^h, squared h times.
func refExp(y *big.Float, prec uint) *big.Float {
	h := 0
	if y.Sign() != 0 {
		h = max(0, y.MantExp(nil)+12)
	}
	wp := prec + uint(h) + 64
	z := new(big.Float).SetPrec(wp).SetMantExp(y, -h)
	sum := new(big.Float).SetPrec(wp).SetInt64(1)
	term := new(big.Float).SetPrec(wp).SetInt64(1)
	for i := int64(1); i < 100000; i++ {
		term.Mul(term, z)
		term.Quo(term, new(big.Float).SetInt64(i))
		if term.Sign() == 0 || term.MantExp(nil) < -int(wp)-8 {
			break
		}
		sum.Add(sum, term)
	}
	for range h {
		sum.Mul(sum, sum)
	}
	return sum
}

// refPosterior evaluates eq. (8), eq. (28) and the Lemma 1 log-density terms
// at one point.
func refPosterior(m *Model, x []float64, s, sigma float64) refResult {
	prec := refPrecision(m, x, s, sigma)
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	n, kk := m.N, m.K()
	one := nf().SetInt64(1)
	sb, gb := nf().SetFloat64(s), nf().SetFloat64(sigma)
	g2 := nf().Mul(gb, gb)
	opg := nf().Add(one, g2)                                              // 1+σ²
	s2g2 := nf().Mul(nf().Mul(sb, sb), g2)                                // s²σ²
	phi := nf().Quo(one, nf().Mul(nf().Mul(s2g2, opg), nf().SetInt64(2))) // φ_t
	sqrtL := nf().Sqrt(nf().Add(one, nf().Quo(one, g2)))                  // √(1+σ⁻²)
	xb := make([]*big.Float, n)
	for i, v := range x {
		xb[i] = nf().SetFloat64(v)
	}
	t := nf()
	a2 := make([]*big.Float, kk)     // ‖U_kᵀx‖²
	proj := make([][]*big.Float, kk) // U_kU_kᵀx
	for k, u := range m.Bases {
		q := refGramSchmidt(u, prec)
		proj[k] = make([]*big.Float, n)
		for i := range n {
			proj[k][i] = nf()
		}
		a2[k] = nf()
		for _, col := range q {
			a := nf()
			for i := range n {
				a.Add(a, t.Mul(col[i], xb[i]))
			}
			a2[k].Add(a2[k], t.Mul(a, a))
			for i := range n {
				proj[k][i].Add(proj[k][i], t.Mul(a, col[i]))
			}
		}
	}
	dims := m.Dims()
	// w_k = 1 / Σ_j (π_j/π_k)·(1+σ⁻²)^{(d_k−d_j)/2}·exp(φ(‖U_jᵀx‖² − ‖U_kᵀx‖²))   (eq. 8)
	w := make([]*big.Float, kk)
	for k := range kk {
		den := nf()
		inf := false
		for j := range kk {
			y := nf().Sub(a2[j], a2[k])
			y.Mul(y, phi)
			if y.Sign() > 0 && y.MantExp(nil) > 29 {
				inf = true
				break
			}
			if y.Sign() < 0 && y.MantExp(nil) > 29 {
				continue
			}
			term := nf().Quo(nf().SetFloat64(m.Pi[j]), nf().SetFloat64(m.Pi[k]))
			pw := dims[k] - dims[j]
			for range iabs(pw) {
				if pw > 0 {
					term.Mul(term, sqrtL)
				} else {
					term.Quo(term, sqrtL)
				}
			}
			term.Mul(term, refExp(y, prec))
			den.Add(den, term)
		}
		if inf {
			w[k] = nf()
		} else {
			w[k] = nf().Quo(one, den)
		}
	}
	res := refResult{w: w, prec: prec}
	// E[x₀|x_t] = Σ_k w_k U_kU_kᵀx / (s(1+σ²))   (eq. 8)
	// ∇log p_t = −1/(s²σ²) Σ_k w_k (x − U_kU_kᵀx/(1+σ²))   (eq. 28)
	cm := nf().Quo(one, nf().Mul(sb, opg))
	cs := nf().Quo(one, s2g2)
	cs.Neg(cs)
	for i := range n {
		mi, si := nf(), nf()
		for k := range kk {
			mi.Add(mi, t.Mul(w[k], proj[k][i]))
			inner := nf().Quo(proj[k][i], opg)
			inner.Sub(xb[i], inner)
			si.Add(si, t.Mul(w[k], inner))
		}
		res.mean = append(res.mean, mi.Mul(mi, cm))
		res.score = append(res.score, si.Mul(si, cs))
	}
	// log π_k N(x; 0, s²(U_kU_kᵀ + σ²I)) = log π_k − ½(n log 2π + n log(s²σ²)
	// + d_k log(1+σ⁻²)) − ½ xᵀ(I − U_kU_kᵀ/(1+σ²))x/(s²σ²)   (Lemma 1)
	x2 := nf()
	for _, v := range xb {
		x2.Add(x2, t.Mul(v, v))
	}
	l1p := math.Log1p(sigma*sigma) - 2*math.Log(sigma)
	if sigma >= 1 {
		l1p = math.Log1p(1 / (sigma * sigma))
	}
	for k := range kk {
		q := nf().Quo(a2[k], opg)
		q.Sub(x2, q)
		q.Quo(q, s2g2)
		qf, _ := q.Float64()
		lt := math.Log(m.Pi[k]) - 0.5*(float64(n)*math.Log(2*math.Pi)+2*float64(n)*(math.Log(s)+math.Log(sigma))+float64(dims[k])*l1p) - qf/2
		res.logTerms = append(res.logTerms, lt)
	}
	return res
}

// relDiff is ‖got − want‖/‖want‖ (0 when both are 0, +Inf when only want is).
func relDiff(got []float64, want []*big.Float) float64 {
	prec := want[0].Prec() + 64
	d, w, t := new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec)
	for i, g := range got {
		t.Sub(new(big.Float).SetFloat64(g), want[i])
		d.Add(d, new(big.Float).SetPrec(prec).Mul(t, t))
		w.Add(w, new(big.Float).SetPrec(prec).Mul(want[i], want[i]))
	}
	if w.Sign() == 0 {
		if d.Sign() == 0 {
			return 0
		}
		return math.Inf(1)
	}
	r, _ := d.Quo(d, w).Float64()
	return math.Sqrt(r)
}

// bigRowMagnitude is log10 of max_i |v_i| (−Inf when all are 0).
func bigRowMagnitude(v []*big.Float) float64 {
	best := math.Inf(-1)
	for _, x := range v {
		if x.Sign() == 0 {
			continue
		}
		mant := new(big.Float)
		e := x.MantExp(mant)
		f, _ := mant.Float64()
		best = math.Max(best, math.Log10(math.Abs(f))+float64(e)*math.Log10(2))
	}
	return best
}
