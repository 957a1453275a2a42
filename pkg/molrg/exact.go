package molrg

import (
	"math"
	"math/big"
	"sync"
)

// The math/big recomputation of a row (see stable.go). It uses the bases as
// given: the projection onto span(U_k) is U_k(U_kᵀU_k)⁻¹U_kᵀx, with U_kᵀx
// exact (initialPrec) and the Gram matrix solved by Cholesky, so x − p_k
// carries an error ≈ 2^−prec·‖U_kᵀx‖ and is exactly 0 when x ⟂ span(U_k).
// The weights are π_k τ^{d_k−d_min} exp(−φ_t(‖r_k‖² − min_j‖r_j‖²)), τ =
// (1+σ⁻²)^{−1/2}, normalised, so no logarithm is taken in big arithmetic.

// exactModel holds the math/big form of a model at one level.
type exactModel struct {
	m      *Model
	lv     level
	u      [][][]*big.Float // per component, the n×d_k entries of U_k (exact)
	pi     []*big.Float
	byPrec map[uint]*exactPrec
}

// exactPrec holds what depends on the precision.
type exactPrec struct {
	chol            [][][]*big.Float // per component, the Cholesky factor of U_kᵀU_k
	num             []*big.Float     // π_k τ^{d_k − d_min}
	phi, f1, f2, fm *big.Float       // φ_t, 1/(s²σ²), 1/(s²(1+σ²)), 1/(s(1+σ²))
}

func newExactModel(m *Model, lv level) *exactModel {
	e := &exactModel{m: m, lv: lv, byPrec: map[uint]*exactPrec{}}
	for k, u := range m.Bases {
		n, d := u.Dims()
		rows := make([][]*big.Float, n)
		for i := range n {
			rows[i] = make([]*big.Float, d)
			for j := range d {
				rows[i][j] = new(big.Float).SetFloat64(u.At(i, j))
			}
		}
		e.u = append(e.u, rows)
		e.pi = append(e.pi, new(big.Float).SetFloat64(m.Pi[k]))
	}
	return e
}

func (e *exactModel) prepared(prec uint, dMin int) *exactPrec {
	if ep, ok := e.byPrec[prec]; ok {
		return ep
	}
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	one := nf().SetInt64(1)
	s, g := new(big.Float).SetFloat64(e.lv.s), new(big.Float).SetFloat64(e.lv.sigma)
	g2 := nf().Mul(g, g)
	opg := nf().Add(one, g2)
	s2 := nf().Mul(s, s)
	ep := &exactPrec{}
	ep.f1 = nf().Quo(one, nf().Mul(s2, g2))
	ep.f2 = nf().Quo(one, nf().Mul(s2, opg))
	ep.fm = nf().Quo(one, nf().Mul(s, opg))
	ep.phi = nf().Quo(ep.f1, opg)
	ep.phi.SetMantExp(ep.phi, -1)
	tau := nf().Quo(g, nf().Sqrt(opg))
	tmp := nf()
	for k, rows := range e.u {
		n, d := len(rows), len(rows[0])
		num := nf().Set(e.pi[k])
		for range d - dMin {
			num.Mul(num, tau)
		}
		ep.num = append(ep.num, num)
		// Gram matrix and its Cholesky factor L (lower triangular).
		l := make([][]*big.Float, d)
		for i := range d {
			l[i] = make([]*big.Float, d)
			for j := range i + 1 {
				gij := nf()
				for r := range n {
					gij.Add(gij, tmp.Mul(rows[r][i], rows[r][j]))
				}
				for c := range j {
					gij.Sub(gij, tmp.Mul(l[i][c], l[j][c]))
				}
				if i == j {
					if gij.Sign() <= 0 { // cannot happen for max|UᵀU − I| ≤ 1e-6
						gij.SetFloat64(math.SmallestNonzeroFloat64)
					}
					l[i][i] = gij.Sqrt(gij)
				} else {
					l[i][j] = gij.Quo(gij, l[j][j])
				}
			}
		}
		ep.chol = append(ep.chol, l)
	}
	e.byPrec[prec] = ep
	return ep
}

// cholSolve solves L Lᵀ c = b.
func cholSolve(l [][]*big.Float, b []*big.Float, prec uint) []*big.Float {
	d := len(b)
	y := make([]*big.Float, d)
	tmp := new(big.Float).SetPrec(prec)
	for i := range d {
		v := new(big.Float).SetPrec(prec).Set(b[i])
		for j := range i {
			v.Sub(v, tmp.Mul(l[i][j], y[j]))
		}
		y[i] = v.Quo(v, l[i][i])
	}
	for i := d - 1; i >= 0; i-- {
		v := y[i]
		for j := i + 1; j < d; j++ {
			v.Sub(v, tmp.Mul(l[j][i], y[j]))
		}
		y[i] = v.Quo(v, l[i][i])
	}
	return y
}

// row computes one row at precision prec with its error bounds.
func (e *exactModel) row(c *computer, x []float64, prec uint) *rowRes {
	m := e.m
	n, kk := m.N, m.K()
	ep := e.prepared(prec, c.dMin)
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	u := pow2(1 - int(prec))
	uf := u.float()
	xb := make([]*big.Float, n)
	for j, v := range x {
		xb[j] = new(big.Float).SetFloat64(v)
	}
	tmp := nf()
	r, p := make([][]*big.Float, kk), make([][]*big.Float, kk)
	rr := make([]*big.Float, kk)
	in := boundIn{u: u, logw: make([]float64, kk), e: make([]float64, kk),
		eR: make([]xf, kk), eP: make([]xf, kk), nr: make([]xf, kk), np: make([]xf, kk)}
	kmin := 0
	for k, rows := range e.u {
		d := len(rows[0])
		b := make([]*big.Float, d)
		for j := range d {
			acc := nf()
			for i := range n {
				acc.Add(acc, tmp.Mul(rows[i][j], xb[i]))
			}
			b[j] = acc
		}
		cv := cholSolve(ep.chol[k], b, prec)
		r[k], p[k] = make([]*big.Float, n), make([]*big.Float, n)
		rr[k] = nf()
		for i := range n {
			s := nf()
			for j := range d {
				s.Add(s, tmp.Mul(rows[i][j], cv[j]))
			}
			p[k][i] = s
			r[k][i] = nf().Sub(xb[i], s)
			rr[k].Add(rr[k], tmp.Mul(r[k][i], r[k][i]))
		}
		in.nr[k] = bigXf(rr[k]).sqrt()
		in.np[k] = bigNorm(p[k])
		// p_k = U_k c with c = G⁻¹b, b exact: error ∝ ‖b‖ (0 when x ⟂ U_k);
		// r_k = x − p_k adds one rounding.
		in.eP[k] = u.mul(bigNorm(b)).scale(1.01 * float64(2*d*d+2*n+16))
		in.eR[k] = in.eP[k].add(u.mul(in.nr[k]).scale(2))
		if rr[k].Cmp(rr[kmin]) < 0 {
			kmin = k
		}
	}
	errR := make([]xf, kk)
	for k := range kk {
		errR[k] = in.eR[k].mul(in.nr[k]).scale(2).add(in.eR[k].mul(in.eR[k])).add(u.mul(bigXf(rr[k])).scale(float64(n + 2)))
	}
	phiX := bigXf(ep.phi)
	nums := make([]*big.Float, kk)
	z := nf()
	limit := big.NewFloat(-1e9)
	for k := range kk {
		_, d := m.Bases[k].Dims()
		in.e[k] = float64(2*d+20) * uf
		delta := nf()
		if k != kmin {
			delta.Sub(rr[k], rr[kmin])
			delta.Mul(delta, ep.phi)
			delta.Neg(delta)
			in.e[k] += phiX.mul(errR[k].add(errR[kmin])).float() + math.Abs(u.mul(bigXf(delta)).scale(2).float())
		}
		if delta.Cmp(limit) < 0 {
			nums[k] = nf()
			if in.e[k] < 1e8 { // negligible: e^{−1e9+1e8}
				in.logw[k] = math.Inf(-1)
				in.e[k] = 0
			} else {
				in.e[k] = math.Inf(1)
			}
			continue
		}
		nums[k] = nf().Mul(ep.num[k], bigExp(delta, prec))
		addTo(z, nums[k])
	}
	logZ := bigLog(z)
	res := &rowRes{w: make([]float64, kk)}
	t1, t2 := make([]*big.Float, n), make([]*big.Float, n)
	for i := range n {
		t1[i], t2[i] = nf(), nf()
	}
	for k := range kk {
		if math.IsInf(in.logw[k], -1) {
			continue
		}
		if nums[k].Sign() == 0 { // beyond the exp range but not surely negligible: e = +Inf
			in.logw[k] = 0 // and an unknown weight make the bounds +Inf
			continue
		}
		w := nf().Quo(nums[k], z)
		res.w[k], _ = w.Float64()
		in.logw[k] = bigLog(w)
		for i := range n {
			addTo(t1[i], tmp.Mul(w, r[k][i]))
			addTo(t2[i], tmp.Mul(w, p[k][i]))
		}
	}
	score, mean := make([]*big.Float, n), make([]*big.Float, n)
	for i := range n {
		score[i] = nf().Mul(t1[i], ep.f1)
		addTo(score[i], tmp.Mul(t2[i], ep.f2))
		score[i].Neg(score[i])
		mean[i] = nf().Mul(t2[i], ep.fm)
	}
	res.score, res.mean = bigVecX(score), bigVecX(mean)
	in.nT1, in.nT2 = bigNorm(t1), bigNorm(t2)
	in.f1, in.f2 = bigXf(ep.f1), bigXf(ep.f2)
	in.nV = bigNorm(score)
	res.b = rowBound(in)
	if c.want&wantLogDensity != 0 {
		x2 := nf()
		for _, v := range xb {
			x2.Add(x2, tmp.Mul(v, v))
		}
		q0x, qmx := bigXf(x2).mul(bigXf(ep.f2)).scale(0.5), bigXf(nf().Mul(ep.phi, rr[kmin]))
		q0, qm := q0x.float(), qmx.float()
		res.logpMag = q0x.add(qmx)
		res.logpInfSure = infSure(q0x.scale(1-float64(n+4)*uf), qmx, phiX.mul(errR[kmin]))
		res.logp = c.c0 - q0 - qm + logZ
		res.logpScale = 1 + math.Abs(res.logp) + c.ec0 + q0 + qm + math.Abs(logZ)
		res.errLogp = phiX.mul(errR[kmin]).float() + res.b.logit + 8*unitRoundoff*res.logpScale
	}
	return res
}

// addTo sets acc = acc + x rounded to acc's precision. big.Float.Add aligns
// the mantissas first, so adding e^{−10⁶}-sized weights to O(1) sums would
// build million-bit numbers; a term below half an ulp of the other cannot
// change the rounded sum and is skipped instead.
func addTo(acc, x *big.Float) {
	switch {
	case x.Sign() == 0:
		return
	case acc.Sign() == 0:
		acc.Set(x)
		return
	}
	d := acc.MantExp(nil) - x.MantExp(nil)
	switch {
	case d > int(acc.Prec())+2:
		return
	case -d > int(acc.Prec())+2:
		acc.Set(x)
		return
	}
	acc.Add(acc, x)
}

// bigXf converts a big.Float to an xf (53 bits).
func bigXf(f *big.Float) xf {
	if f.Sign() == 0 {
		return xf{}
	}
	mant := new(big.Float)
	e := f.MantExp(mant)
	v, _ := mant.Float64()
	return mkxf(v, e)
}

// bigNorm is the Euclidean norm of v as an xf.
func bigNorm(v []*big.Float) xf {
	s := new(big.Float).SetPrec(64)
	t := new(big.Float).SetPrec(64)
	for _, x := range v {
		s.Add(s, t.Mul(x, x))
	}
	return bigXf(s).sqrt()
}

// bigVecX converts v to a vecX with the exponent of its largest entry.
func bigVecX(v []*big.Float) vecX {
	out := vecX{v: make([]float64, len(v))}
	first := true
	for _, x := range v {
		if x.Sign() == 0 {
			continue
		}
		if e := x.MantExp(nil); first || e > out.e {
			out.e, first = e, false
		}
	}
	t := new(big.Float)
	for i, x := range v {
		t.SetPrec(x.Prec()).SetMantExp(x, -out.e)
		out.v[i], _ = t.Float64()
	}
	return out
}

// bigLog is log z for z > 0 (−Inf for 0), in float64.
func bigLog(z *big.Float) float64 {
	if z.Sign() == 0 {
		return math.Inf(-1)
	}
	return bigXf(z).log()
}

// bigExp returns e^y at precision prec for −1e9 ≤ y ≤ 0: y = k·ln 2 + r with
// |r| ≤ ½ln 2, e^r = (e^{r/2^h})^{2^h} with the Taylor series of e^{r/2^h},
// computed with prec + h + 64 bits.
func bigExp(y *big.Float, prec uint) *big.Float {
	h := max(8, int(math.Sqrt(float64(prec))/2))
	wp := prec + uint(h) + 64
	nf := func() *big.Float { return new(big.Float).SetPrec(wp) }
	ln2 := bigLn2(wp)
	q, _ := nf().Quo(y, ln2).Float64()
	k := math.Round(q)
	r := nf().Mul(ln2, big.NewFloat(k))
	r.Sub(y, r)
	r.SetMantExp(r, -h)
	sum := nf().SetInt64(1)
	term := nf().SetInt64(1)
	div := new(big.Float)
	for i := int64(1); ; i++ {
		term.Mul(term, r)
		term.Quo(term, div.SetInt64(i))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-int(wp)-4 {
			break
		}
		sum.Add(sum, term)
	}
	for range h {
		sum.Mul(sum, sum)
	}
	sum.SetMantExp(sum, int(k))
	return new(big.Float).SetPrec(prec).Set(sum)
}

var ln2Cache struct {
	sync.Mutex
	v *big.Float
}

// bigLn2 returns ln 2 to prec bits: 2·atanh(1/3) = 2 Σ_j 3^{−(2j+1)}/(2j+1).
func bigLn2(prec uint) *big.Float {
	ln2Cache.Lock()
	defer ln2Cache.Unlock()
	if v := ln2Cache.v; v != nil && v.Prec() >= prec {
		return new(big.Float).SetPrec(prec).Set(v)
	}
	wp := prec + 64
	nf := func() *big.Float { return new(big.Float).SetPrec(wp) }
	pow := nf().Quo(nf().SetInt64(1), nf().SetInt64(3))
	nine := nf().SetInt64(9)
	sum, term, div := nf(), nf(), new(big.Float)
	for j := int64(0); ; j++ {
		term.Quo(pow, div.SetInt64(2*j+1))
		if term.Sign() == 0 || term.MantExp(nil) < -int(wp)-4 {
			break
		}
		sum.Add(sum, term)
		pow.Quo(pow, nine)
	}
	sum.SetMantExp(sum, 1)
	ln2Cache.v = sum
	return new(big.Float).SetPrec(prec).Set(sum)
}
