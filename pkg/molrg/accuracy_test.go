package molrg

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The accuracy contract of the ground truth (Tolerance): every row of the
// posterior mean and of the score within relative error 1e-10, every weight
// within 1e-10, or a *RangeError when the exact row is outside float64. The
// tests below check it against refPosterior (reference_test.go) over σ_t
// from 1e-300 to 1e300 and s_t from 1e-100 to 1e100.

// hadamard4 is the 4×4 Hadamard matrix / 2: orthogonal, exactly, in float64.
var hadamard4 = mat.NewDense(4, 4, []float64{
	0.5, 0.5, 0.5, 0.5,
	0.5, -0.5, 0.5, -0.5,
	0.5, 0.5, -0.5, -0.5,
	0.5, -0.5, -0.5, 0.5,
})

// axisModel is a line span{e₀} (π = 0.3) and a plane span{e₁, e₂} (π = 0.7) in
// ℝ⁴ (e₃ is orthogonal to both), rotated by rot (nil: none).
func axisModel(t testing.TB, rot *mat.Dense, k1 bool) *Model {
	t.Helper()
	line := mat.NewDense(4, 1, []float64{1, 0, 0, 0})
	plane := mat.NewDense(4, 2, []float64{0, 0, 1, 0, 0, 1, 0, 0})
	bases := []*mat.Dense{line, plane}
	pi := []float64{0.3, 0.7}
	if k1 {
		bases, pi = bases[:1], nil
	}
	for i, u := range bases {
		if rot != nil {
			var r mat.Dense
			r.Mul(rot, u)
			bases[i] = &r
		}
	}
	m, err := FromBases(bases, pi)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rotate returns rot·x (exact for hadamard4 and small-integer x).
func rotate(rot *mat.Dense, x []float64) []float64 {
	if rot == nil {
		return x
	}
	var v mat.VecDense
	v.MulVec(rot, mat.NewVecDense(len(x), append([]float64(nil), x...)))
	return v.RawVector().Data
}

type accCase struct {
	name     string
	m        *Model
	x        []float64
	s, sigma float64
}

// accuracyCases: points in the line, in the plane, orthogonal to both, equidistant
// from both, generic, at three scales, for the axis, the Hadamard-rotated and a
// random model (whose bases are orthonormal only to rounding, so points
// U_k·c are near, not on, the subspaces), K = 1 and K = 2.
func accuracyCases(t testing.TB, sigmas, ss []float64) []accCase {
	rnd, err := New(Params{N: 6, Dims: []int{1, 3}, Pi: []float64{0.35, 0.65}}, 17)
	if err != nil {
		t.Fatal(err)
	}
	near := func(k int, c ...float64) []float64 {
		var v mat.VecDense
		v.MulVec(rnd.Bases[k], mat.NewVecDense(len(c), c))
		return v.RawVector().Data
	}
	type pt struct {
		name string
		x    []float64
	}
	axisPts := []pt{
		{"in line", []float64{3, 0, 0, 0}},
		{"in plane", []float64{0, 2, -1, 0}},
		{"orthogonal", []float64{0, 0, 0, 5}},
		{"equidistant", []float64{1, 1, 0, 0}},
		{"mixed", []float64{3, 1, -2, 1}},
	}
	// Bases orthonormal only to ≈ 5e-7 (FromBases accepts 1e-6): the model is
	// their span, which 2·u₀ lies on exactly.
	u0 := []float64{0.6, 0.8000003, 0, 0}
	pert, err := FromBases([]*mat.Dense{mat.NewDense(4, 1, u0),
		mat.NewDense(4, 2, []float64{0, 0, 0, 1e-7, 1, 0, 0, 1})}, []float64{0.45, 0.55})
	if err != nil {
		t.Fatal(err)
	}
	pertPts := []pt{
		{"on rounded line", []float64{2 * u0[0], 2 * u0[1], 0, 0}},
		{"near rounded line", []float64{3, 4, 0, 0}},
		{"on rounded plane", []float64{0, 3e-7, 1, 3}},
	}
	rndPts := []pt{
		{"near line", near(0, 1.5)},
		{"near 3-space", near(1, 0.5, -1, 2)},
		{"generic", []float64{0.3, -1.2, 0.8, 2.1, -0.4, 1}},
	}
	var out []accCase
	for _, sg := range sigmas {
		for _, s := range ss {
			for _, scale := range []float64{1, 0x1p-500, 0x1p500} {
				add := func(mname string, m *Model, p pt, rot *mat.Dense) {
					x := rotate(rot, p.x)
					for i := range x {
						x[i] *= scale
					}
					out = append(out, accCase{fmt.Sprintf("%s/%s/×%g/s=%g/σ=%g", mname, p.name, scale, s, sg), m, x, s, sg})
				}
				for _, p := range axisPts {
					add("axis K=2", axisModel(t, nil, false), p, nil)
					add("hadamard K=2", axisModel(t, hadamard4, false), p, hadamard4)
				}
				add("axis K=1", axisModel(t, nil, true), axisPts[0], nil)
				add("axis K=1", axisModel(t, nil, true), axisPts[4], nil)
				if scale == 1 {
					for _, p := range rndPts {
						add("random", rnd, p, nil)
					}
					for _, p := range pertPts {
						add("perturbed", pert, p, nil)
					}
				}
			}
		}
	}
	return out
}

// checkAgainstReference runs one case and returns the relative errors of the
// mean and the score and the absolute error of the weights (NaN where a
// RangeError was expected and got).
func checkAgainstReference(t *testing.T, c accCase) (em, es, ew float64) {
	t.Helper()
	ref := refPosterior(c.m, c.x, c.s, c.sigma)
	xt := mat.NewDense(1, len(c.x), c.x)
	got, err := c.m.Posterior(xt, c.s, c.sigma)
	// Which output (if any) is outside float64?
	outOfRange := func(v []*big.Float) (bool, bool) { // (out, borderline)
		mg := bigRowMagnitude(v)
		if math.IsInf(mg, -1) {
			return false, false
		}
		hi, lo := math.Log10(math.MaxFloat64), math.Log10(0x1p-1022)
		return mg > hi || mg < lo, math.Abs(mg-hi) < 0.01 || math.Abs(mg-lo) < 0.01
	}
	mOut, mB := outOfRange(ref.mean)
	sOut, sB := outOfRange(ref.score)
	if mB || sB {
		return math.NaN(), math.NaN(), math.NaN()
	}
	if mOut || sOut {
		want := "posterior mean"
		if !mOut {
			want = "score"
		}
		var re *RangeError
		if !errors.As(err, &re) || re.Quantity != want || re.Row != 0 {
			t.Errorf("%s: error %v, want a RangeError for the %s (reference magnitudes 1e%.1f, 1e%.1f)",
				c.name, err, want, bigRowMagnitude(ref.mean), bigRowMagnitude(ref.score))
		}
		return math.NaN(), math.NaN(), math.NaN()
	}
	if err != nil {
		t.Errorf("%s: %v", c.name, err)
		return math.NaN(), math.NaN(), math.NaN()
	}
	em = relDiff(got.Mean.RawRowView(0), ref.mean)
	es = relDiff(got.Score.RawRowView(0), ref.score)
	for k, w := range ref.w {
		wf, _ := w.Float64()
		ew = math.Max(ew, math.Abs(got.Weights.At(0, k)-wf))
	}
	if !(em <= Tolerance) || !(es <= Tolerance) || !(ew <= Tolerance) {
		t.Errorf("%s: relative error of the mean %.3g, of the score %.3g, absolute error of the weights %.3g; want ≤ %g\n  got mean %v score %v w %v",
			c.name, em, es, ew, Tolerance, got.Mean.RawRowView(0), got.Score.RawRowView(0), got.Weights.RawRowView(0))
	}
	return em, es, ew
}

// TestGroundTruthAgainstReference compares Weights, PosteriorMean and Score
// with the math/big evaluation of eq. (8) and eq. (28) over σ_t ∈
// [1e-300, 1e300] and s_t ∈ [1e-100, 1e100]: within Tolerance, or a
// RangeError exactly when the reference is outside float64.
func TestGroundTruthAgainstReference(t *testing.T) {
	sigmas := []float64{1e-300, 1e-200, 1e-100, 1e-30, 1e-8, 1e-3, 0.6, 1, 40, 1e8, 1e100, 1e300}
	ss := []float64{1e-100, 1, 1e100}
	if testing.Short() {
		sigmas, ss = []float64{1e-300, 1e-8, 1, 1e300}, []float64{1}
	}
	var worstM, worstS, worstW float64
	ranged := 0
	cases := accuracyCases(t, sigmas, ss)
	for _, c := range cases {
		em, es, ew := checkAgainstReference(t, c)
		if math.IsNaN(em) {
			ranged++
			continue
		}
		worstM, worstS, worstW = math.Max(worstM, em), math.Max(worstS, es), math.Max(worstW, ew)
	}
	t.Logf("%d cases (%d out of float64 range): worst relative error of the mean %.2g, of the score %.2g; worst absolute error of a weight %.2g",
		len(cases), ranged, worstM, worstS, worstW)
}

// TestGroundTruthExtremeScales: the points of the paper's failure reports and
// extreme s_t give either accurate values or RangeErrors naming the row and the
// level.
func TestGroundTruthExtremeScales(t *testing.T) {
	m := axisModel(t, nil, true)
	x := mat.NewDense(1, 4, []float64{1, 0, 0, 0})
	for _, sg := range []float64{1e-6, 1e-7, 1e-8, 1e-9, 1e-16, 1e-100, 1e-155, 1e-200, 1e-300, 5e-324} {
		sc, err := m.Score(x, 1, sg)
		if err != nil {
			t.Fatalf("σ = %g: %v", sg, err)
		}
		want := -1 / (1 + sg*sg) // −x/(1+σ²) on the subspace
		if d := math.Abs(sc.At(0, 0)-want) / math.Abs(want); d > Tolerance || sc.At(0, 1) != 0 {
			t.Errorf("σ = %g: score %v, want [%.17g 0 0 0] (relative error %.2g)", sg, sc.RawRowView(0), want, d)
		}
	}
	for _, c := range []struct {
		s, sigma float64
		x        []float64
		quantity string
		log10    float64
	}{
		{1e-200, 1, []float64{1, 0, 0, 0}, "score", 400 - math.Log10(2)},          // −x/(s²(1+σ²))
		{1, 1e-155, []float64{1, 1, 0, 0}, "score", 310},                          // −r/(s²σ²)
		{1e-310, 1, []float64{1, 0, 0, 0}, "posterior mean", 310 - math.Log10(2)}, // x/(s(1+σ²))
		{1e200, 1, []float64{1, 0, 0, 0}, "score", -400 - math.Log10(2)},
		{1, 1, []float64{1e-320, 0, 0, 0}, "posterior mean", -320 - math.Log10(2)},
	} {
		_, err := m.Posterior(mat.NewDense(1, 4, c.x), c.s, c.sigma)
		var re *RangeError
		if !errors.As(err, &re) || re.Quantity != c.quantity || math.Abs(re.Log10-c.log10) > 0.01 || re.S != c.s || re.Sigma != c.sigma {
			t.Errorf("s = %g, σ = %g, x = %v: error %v, want a RangeError for the %s of magnitude 1e%.2f", c.s, c.sigma, c.x, err, c.quantity, c.log10)
			continue
		}
		for _, want := range []string{"x_t[0]", c.quantity, fmt.Sprintf("s_t = %g", c.s), fmt.Sprintf("σ_t = %g", c.sigma)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
		}
	}
	// Finite, huge |x| at moderate levels: no NaN, accurate.
	huge := mat.NewDense(2, 4, []float64{1e300, 0, 0, 0, 3e200, 1e200, 0, 0})
	sc, err := m.Score(huge, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sc.At(0, 0) != -5e299 || math.Abs(sc.At(1, 1)+1e200)/1e200 > 1e-15 {
		t.Errorf("|x| = 1e300: score %v", sc.RawMatrix().Data)
	}
}

// TestClosedForms checks K = 1 against U Uᵀx/(s(1+σ²)) and
// −(r/(s²σ²) + UUᵀx/(s²(1+σ²))), and K = 2 with orthogonal subspaces against
// the two-component logistic weight, all in closed form (math/big only for the
// products of extreme scales).
func TestClosedForms(t *testing.T) {
	m1, m2 := axisModel(t, nil, true), axisModel(t, nil, false)
	x := []float64{1.5, -2, 0.5, 0.25} // a = 1.5 on the line; (−2, 0.5) on the plane
	const prec = 3000
	bf := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	for _, sg := range []float64{1e-300, 1e-100, 1e-20, 1e-5, 0.3, 1, 7, 1e50, 1e250} {
		for _, s := range []float64{1e-50, 0.2, 1, 1e60} {
			// K = 1: line e₀.
			opg := new(big.Float).SetPrec(prec).Add(bf(1), new(big.Float).SetPrec(prec).Mul(bf(sg), bf(sg)))
			s2g2 := new(big.Float).SetPrec(prec).Mul(bf(s*1), bf(s))
			s2g2.Mul(s2g2, bf(sg)).Mul(s2g2, bf(sg))
			s2opg := new(big.Float).SetPrec(prec).Mul(bf(s), bf(s))
			s2opg.Mul(s2opg, opg)
			mean := []*big.Float{new(big.Float).SetPrec(prec).Quo(bf(x[0]), new(big.Float).SetPrec(prec).Mul(bf(s), opg)), bf(0), bf(0), bf(0)}
			score := []*big.Float{new(big.Float).SetPrec(prec).Quo(bf(-x[0]), s2opg)}
			for _, v := range x[1:] {
				score = append(score, new(big.Float).SetPrec(prec).Quo(bf(-v), s2g2))
			}
			p, err := m1.Posterior(mat.NewDense(1, 4, x), s, sg)
			var re *RangeError
			switch {
			case errors.As(err, &re):
				mg := bigRowMagnitude(score)
				if re.Quantity == "posterior mean" {
					mg = bigRowMagnitude(mean)
				}
				if mg > -307 && mg < 308 {
					t.Errorf("K=1 s=%g σ=%g: %v, but the exact %s has magnitude 1e%.1f", s, sg, err, re.Quantity, mg)
				}
			case err != nil:
				t.Errorf("K=1 s=%g σ=%g: %v", s, sg, err)
			default:
				if e := relDiff(p.Mean.RawRowView(0), mean); e > Tolerance {
					t.Errorf("K=1 s=%g σ=%g: mean %v, relative error %.2g", s, sg, p.Mean.RawRowView(0), e)
				}
				if e := relDiff(p.Score.RawRowView(0), score); e > Tolerance {
					t.Errorf("K=1 s=%g σ=%g: score %v, relative error %.2g", s, sg, p.Score.RawRowView(0), e)
				}
			}
			// K = 2: w_line = 1/(1 + e^{−δ}), δ = log(0.3/0.7) + ½log(1+σ⁻²) + φ(‖a₁‖² − ‖a₂‖²)
			// with ‖a₁‖² = 2.25, ‖a₂‖² = 4.25, φ = 1/(2s²σ²(1+σ²)).
			phi := new(big.Float).SetPrec(prec).Mul(s2g2, opg)
			phi.Quo(bf(-2/2.0), phi) // φ·(2.25 − 4.25) = −2φ
			pf, _ := phi.Float64()
			l1p := math.Log1p(sg*sg) - 2*math.Log(sg)
			if sg >= 1 {
				l1p = math.Log1p(1 / (sg * sg))
			}
			delta := math.Log(0.3/0.7) + 0.5*l1p + pf
			wLine := 1 / (1 + math.Exp(-delta))
			w, err := m2.Weights(mat.NewDense(1, 4, x), s, sg)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(w.At(0, 0) - wLine); d > Tolerance || math.Abs(w.At(0, 0)+w.At(0, 1)-1) > 1e-15 {
				t.Errorf("K=2 s=%g σ=%g: weights %v, want [%.15g %.15g]", s, sg, w.RawRowView(0), wLine, 1-wLine)
			}
		}
	}
}

// TestScoreIsGradientOfLogDensity compares the score with central
// differences of LogDensity at moderate levels (K = 2, d = [2, 1], unequal π).
func TestScoreIsGradientOfLogDensity(t *testing.T) {
	m, err := New(Params{N: 5, Dims: []int{2, 1}, Pi: []float64{0.4, 0.6}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	xt := randomPoints(4, 5, 1.5, 9)
	for _, lvl := range []struct{ s, sigma float64 }{{1, 0.05}, {0.9, 0.3}, {2, 1}, {0.5, 3}} {
		sc, err := m.Score(xt, lvl.s, lvl.sigma)
		if err != nil {
			t.Fatal(err)
		}
		h := 1e-4 * lvl.s * lvl.sigma
		for i := range 4 {
			for j := range 5 {
				xp, xm := mat.DenseCopyOf(xt.Slice(i, i+1, 0, 5)), mat.DenseCopyOf(xt.Slice(i, i+1, 0, 5))
				xp.Set(0, j, xp.At(0, j)+h)
				xm.Set(0, j, xm.At(0, j)-h)
				lp, err1 := m.LogDensity(xp, lvl.s, lvl.sigma)
				lm, err2 := m.LogDensity(xm, lvl.s, lvl.sigma)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				fd := (lp[0] - lm[0]) / (2 * h)
				// central differences: error ≈ h²/6·|∂³log p| + 1e-16·|log p|/h
				if d := math.Abs(sc.At(i, j) - fd); d > 1e-6*(1+math.Abs(fd)) {
					t.Errorf("s=%g σ=%g: ∂log p_t/∂x_%d at point %d: score %.10g, finite difference %.10g", lvl.s, lvl.sigma, j, i, sc.At(i, j), fd)
				}
			}
		}
	}
}

// TestLogDensityAgainstReference compares LogDensity with the log-sum-exp of
// the Lemma 1 terms of refPosterior, across extreme levels.
func TestLogDensityAgainstReference(t *testing.T) {
	cases := accuracyCases(t, []float64{1e-300, 1e-100, 1e-8, 0.5, 3, 1e100, 1e300}, []float64{1e-100, 1, 1e100})
	worst := 0.0
	for i, c := range cases {
		if testing.Short() && i%7 != 0 {
			continue
		}
		ref := refPosterior(c.m, c.x, c.s, c.sigma)
		want := logSumExp(ref.logTerms)
		scale := 1.0 + math.Abs(want)
		for _, v := range ref.logTerms {
			scale = math.Max(scale, 1+math.Abs(v))
		}
		got, err := c.m.LogDensity(mat.NewDense(1, len(c.x), c.x), c.s, c.sigma)
		if math.IsInf(want, -1) {
			var re *RangeError
			if !errors.As(err, &re) || re.Quantity != "log density" {
				t.Errorf("%s: error %v, want a RangeError for the log density (log p < −1.8e308)", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		e := math.Abs(got[0]-want) / scale
		worst = math.Max(worst, e)
		if e > Tolerance {
			t.Errorf("%s: log p_t = %.17g, reference %.17g", c.name, got[0], want)
		}
	}
	t.Logf("worst error of log p_t relative to its largest term: %.2g", worst)
}

// TestErrorBoundsHold checks the error bounds themselves: for the float64
// path and for the math/big path at fixed low precisions, the actual errors
// against refPosterior never exceed the bounds the code relies on.
func TestErrorBoundsHold(t *testing.T) {
	cases := accuracyCases(t, []float64{1e-100, 1e-8, 1e-3, 0.2, 1, 5, 1e8}, []float64{1e-3, 1, 30})
	checked := 0
	for i, c := range cases {
		if i%3 != 0 {
			continue
		}
		ref := refPosterior(c.m, c.x, c.s, c.sigma)
		comp := c.m.newComputer(c.s, c.sigma, wantWeights|wantMean|wantScore)
		comp.ex = newExactModel(c.m, comp.lv)
		results := []*rowRes{comp.fast(c.x), comp.ex.row(comp, c.x, 64), comp.ex.row(comp, c.x, 128), comp.ex.row(comp, c.x, 512)}
		for j, r := range results {
			mean, score := make([]float64, len(c.x)), make([]float64, len(c.x))
			if r.mean.toFloats(mean, "") != nil || r.score.toFloats(score, "") != nil {
				continue
			}
			em, es := relDiff(mean, ref.mean), relDiff(score, ref.score)
			ew := 0.0
			for k, w := range ref.w {
				wf, _ := w.Float64()
				ew = math.Max(ew, math.Abs(r.w[k]-wf))
			}
			// + 2^-52 relative for the final rounding to float64.
			if em > r.b.mean*1.01+0x1p-51 || es > r.b.score*1.01+0x1p-51 || ew > r.b.w*1.01+0x1p-51 {
				t.Errorf("%s, path %d: errors (mean %.3g, score %.3g, weights %.3g) exceed the bounds (%.3g, %.3g, %.3g)",
					c.name, j, em, es, ew, r.b.mean, r.b.score, r.b.w)
			}
			checked++
		}
	}
	t.Logf("%d bounds checked", checked)
}

// TestOrthonormalBasis: exact orthonormal bases come back unchanged; bases
// orthonormal to 1e-7 come back orthonormal to rounding with the same span.
func TestOrthonormalBasis(t *testing.T) {
	h := mat.DenseCopyOf(hadamard4.Slice(0, 4, 0, 2))
	q, def := orthonormalBasis(h)
	if def != 0 || !mat.Equal(q, h) {
		t.Errorf("exact basis changed: defect %g", def)
	}
	u := mat.NewDense(3, 2, []float64{0.6, 0, 0.8000001, 0, 0, 1})
	q, def = orthonormalBasis(u)
	if def > 1e-15 {
		t.Errorf("defect after Newton–Schulz %g, want ≤ 1e-15", def)
	}
	// Same span: the residual of q's columns off span(u) is at rounding level.
	var g, gi, ug, pu, proj mat.Dense
	g.Mul(u.T(), u)
	if err := gi.Inverse(&g); err != nil {
		t.Fatal(err)
	}
	ug.Mul(u, &gi)
	pu.Mul(&ug, u.T())
	proj.Mul(&pu, q)
	proj.Sub(&proj, q)
	if n := mat.Norm(&proj, math.Inf(1)); n > 1e-15 {
		t.Errorf("span changed by %g", n)
	}
}

// TestHandBuiltModelChecked: a Model built by hand with a basis that is not
// orthonormal is an error, not a wrong answer.
func TestHandBuiltModelChecked(t *testing.T) {
	m := &Model{N: 2, Bases: []*mat.Dense{mat.NewDense(2, 1, []float64{1, 1})}, Pi: []float64{1}}
	if _, err := m.Score(mat.NewDense(1, 2, []float64{1, 0}), 1, 1); err == nil || !strings.Contains(err.Error(), "U_0 is not orthonormal") {
		t.Errorf("error %v, want one naming U_0", err)
	}
}

// TestXfLess: the comparison of extended-range numbers of either sign.
func TestXfLess(t *testing.T) {
	vals := []float64{-1e300, -3, -0.5, 0, 1e-300, 0.25, 2, 1e300}
	for _, a := range vals {
		for _, b := range vals {
			for _, k := range []int{0, 5000} { // scale both by 2^5000
				x, y := xfOf(a).mul(pow2(k)), xfOf(b).mul(pow2(k))
				if got := x.less(y); got != (a < b) {
					t.Errorf("(%g·2^%d).less(%g·2^%d) = %v", a, k, b, k, got)
				}
			}
		}
	}
	if xfOf(-1).mul(pow2(3000)).less(xfOf(math.MaxFloat64)) != true {
		t.Error("−2^3000 < MaxFloat64 is false")
	}
}
