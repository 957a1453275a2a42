package molrg

import (
	"math"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"gonum.org/v1/gonum/mat"
)

// The importance-sampling estimate of E[x₀|x_t], which uses only how x₀ and
// x_t are drawn, agrees with eq. (8) within its standard errors, and the
// standard errors are of the right size (mean squared z-score near 1).
func TestPosteriorMeanMCMatchesEq8(t *testing.T) {
	picture, err := New(Params{N: 3, Dims: []int{2, 1}, Orthogonal: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*Model{"plane+line": picture, "unequal, non-orthogonal": unequalModel(t, false)} {
		xt := randomPoints(6, 3, 1.2, 4)
		var z2 float64
		var count int
		for _, lvl := range []struct{ s, sigma float64 }{{1, 0.3}, {1, 1}, {0.8, 0.7}} {
			mc, err := m.PosteriorMeanMC(xt, lvl.s, lvl.sigma, 100000, 9)
			if err != nil {
				t.Fatal(err)
			}
			exact, err := m.PosteriorMean(xt, lvl.s, lvl.sigma)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 6 {
				if mc.ESS[i] < 50 || mc.ESS[i] > 100000 {
					t.Errorf("%s σ=%v point %d: effective sample size %v, want 50 ≤ ESS ≤ draws", name, lvl.sigma, i, mc.ESS[i])
				}
				for j := range 3 {
					d, se := mc.Mean.At(i, j)-exact.At(i, j), mc.StdErr.At(i, j)
					if math.Abs(d) > 5*se+1e-9 {
						t.Errorf("%s s=%v σ=%v point %d coord %d: MC %.5f ± %.5f, eq. 8 %.5f", name, lvl.s, lvl.sigma, i, j, mc.Mean.At(i, j), se, exact.At(i, j))
					}
					if se > 1e-12 {
						z2 += d * d / (se * se)
						count++
					}
				}
			}
		}
		if mean := z2 / float64(count); mean < 0.2 || mean > 3 {
			t.Errorf("%s: mean squared z-score %.2f over %d coordinates, want ≈ 1 (standard errors miscalibrated)", name, mean, count)
		}
	}
}

// The loss (6) at one level by Monte Carlo matches closed forms: for
// D(x_t) = c·x_t/s_t, D − x₀ = (c−1)x₀ + cσ_tε, so the loss is
// (c−1)²·Σ_k π_k d_k + c²nσ_t². And the posterior mean beats its rescalings.
func TestDenoisingLossMC(t *testing.T) {
	m := unequalModel(t, true) // π = (0.3, 0.7), d = (1, 2): E‖x₀‖² = 1.7
	const s, sigma = 0.9, 0.6
	for _, c := range []float64{0, 0.5, 1, 1.3} {
		den := func(xt *mat.Dense) (*mat.Dense, error) {
			var out mat.Dense
			out.Scale(c/s, xt)
			return &out, nil
		}
		got, se, err := m.DenoisingLossMC(den, s, sigma, 40000, 3)
		if err != nil {
			t.Fatal(err)
		}
		want := (c-1)*(c-1)*1.7 + c*c*3*sigma*sigma
		if math.Abs(got-want) > 4*se || se > 0.02*want+1e-3 {
			t.Errorf("c = %v: loss %.4f ± %.4f, closed form %.4f", c, got, se, want)
		}
	}
	loss := func(c float64) float64 {
		l, _, err := m.DenoisingLossMC(func(xt *mat.Dense) (*mat.Dense, error) {
			pm, err := m.PosteriorMean(xt, s, sigma)
			pm.Scale(c, pm)
			return pm, err
		}, s, sigma, 20000, 5)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	best := loss(1)
	for _, c := range []float64{0.8, 1.2} {
		if l := loss(c); l <= best {
			t.Errorf("loss of %v·E[x₀|x_t] = %.4f ≤ loss of E[x₀|x_t] = %.4f, want the posterior mean to be the minimizer", c, l, best)
		}
	}
}

// The score by autodiff of log p_t and by finite differences both match
// eq. (28); LogDensityGraph matches the host LogDensity.
func TestScoreAutodiffAndFiniteDifferences(t *testing.T) {
	m, err := New(Params{N: 6, Dims: []int{2, 1, 3}, Pi: []float64{0.25, 0.15, 0.6}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	xt := randomPoints(5, 6, 1.5, 8)
	for _, lvl := range []struct{ s, sigma float64 }{{1, 0.2}, {0.7, 0.9}, {1, 5}} {
		want, err := m.Score(xt, lvl.s, lvl.sigma)
		if err != nil {
			t.Fatal(err)
		}
		ad, err := m.ScoreAutodiff(backend.Must(), xt, lvl.s, lvl.sigma)
		if err != nil {
			t.Fatal(err)
		}
		fd, err := m.ScoreFD(xt, lvl.s, lvl.sigma, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			for j := range 6 {
				w := want.At(i, j)
				if d := math.Abs(ad.At(i, j) - w); d > 1e-9*(1+math.Abs(w)) {
					t.Errorf("s=%v σ=%v [%d][%d]: autodiff %.12g, eq. 28 %.12g", lvl.s, lvl.sigma, i, j, ad.At(i, j), w)
				}
				if d := math.Abs(fd.At(i, j) - w); d > 1e-5*(1+math.Abs(w)) {
					t.Errorf("s=%v σ=%v [%d][%d]: finite differences %.10g, eq. 28 %.10g", lvl.s, lvl.sigma, i, j, fd.At(i, j), w)
				}
			}
		}
	}
}

func TestDistanceToUnion(t *testing.T) {
	m, err := New(Params{N: 4, Dims: []int{1, 2}, Orthogonal: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	u1, u2 := m.Bases[0], m.Bases[1]
	// The direction orthogonal to both subspaces.
	var full mat.Dense
	full.Augment(u1, u2)
	var svd mat.SVD
	svd.Factorize(full.T(), mat.SVDFull)
	var v mat.Dense
	svd.VTo(&v)
	w := mat.Col(nil, 3, &v)
	point := func(k int, a []float64, off float64) []float64 {
		x := make([]float64, 4)
		for r := range 4 {
			for j, aj := range a {
				x[r] += m.Bases[k].At(r, j) * aj
			}
			x[r] += off * w[r]
		}
		return x
	}
	x := mat.NewDense(3, 4, nil)
	x.SetRow(0, point(0, []float64{2}, 0.3))       // near the line, 0.3 off
	x.SetRow(1, point(1, []float64{1, -1}, 0.05))  // near the plane
	x.SetRow(2, point(1, []float64{0.5, 0.5}, -1)) // 1 off the plane
	dist, near, err := m.DistanceToUnion(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		d float64
		k int
	}{{0.3, 0}, {0.05, 1}, {1, 1}} {
		if math.Abs(dist[i]-want.d) > 1e-12 || near[i] != want.k {
			t.Errorf("point %d: distance %v to component %d, want %v to %d", i, dist[i], near[i], want.d, want.k)
		}
	}
	if _, _, err := m.DistanceToUnion(mat.NewDense(1, 3, nil)); err == nil || !strings.Contains(err.Error(), "want n = 4") {
		t.Errorf("wrong width: err = %v", err)
	}
}

func TestMonteCarloBadInputs(t *testing.T) {
	m := unequalModel(t, true)
	xt := randomPoints(2, 3, 1, 1)
	if _, err := m.PosteriorMeanMC(xt, 1, 1, 1, 1); err == nil || !strings.Contains(err.Error(), "draws = 1") {
		t.Errorf("one draw: err = %v", err)
	}
	if _, err := m.PosteriorMeanMC(xt, 1, 0, 10, 1); err == nil || !strings.Contains(err.Error(), "σ_t = 0") {
		t.Errorf("σ = 0: err = %v", err)
	}
	if _, _, err := m.DenoisingLossMC(nil, 1, 1, 10, 1); err == nil || !strings.Contains(err.Error(), "denoiser is nil") {
		t.Errorf("nil denoiser: err = %v", err)
	}
	short := func(x *mat.Dense) (*mat.Dense, error) { return mat.NewDense(1, 3, nil), nil }
	if _, _, err := m.DenoisingLossMC(short, 1, 1, 10, 1); err == nil || !strings.Contains(err.Error(), "same shape") {
		t.Errorf("wrong output shape: err = %v", err)
	}
	if _, err := m.ScoreFD(xt, 1, 1, 0); err == nil || !strings.Contains(err.Error(), "step h = 0") {
		t.Errorf("h = 0: err = %v", err)
	}
	if _, err := m.ScoreAutodiff(nil, xt, 1, 1); err == nil || !strings.Contains(err.Error(), "backend is nil") {
		t.Errorf("nil backend: err = %v", err)
	}
}

// Samples of the model itself: on the union (distance 0), the components in
// proportion π_k, second moments d_k. Points pushed off the plane are seen as
// such.
func TestAssess(t *testing.T) {
	m, err := New(Params{N: 5, Dims: []int{1, 3}, Pi: []float64{0.3, 0.7}, Orthogonal: true}, 4)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Sample(20000, 6)
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.Assess(s.X)
	if err != nil {
		t.Fatal(err)
	}
	if a.MaxDistance > 1e-12 || a.MedianRelative > 1e-12 {
		t.Errorf("model samples: distance to the union up to %v (relative median %v), want 0", a.MaxDistance, a.MedianRelative)
	}
	for k, want := range []float64{0.3, 0.7} {
		if math.Abs(a.Fraction[k]-want) > 0.015 {
			t.Errorf("fraction of component %d = %.4f, want π = %v", k, a.Fraction[k], want)
		}
		d := float64(m.Dims()[k])
		if math.Abs(a.SecondMoment[k]-d) > 0.05*d {
			t.Errorf("second moment of component %d = %.3f, want d_k = %v", k, a.SecondMoment[k], d)
		}
	}
	for i, l := range s.Labels[:200] {
		if a.Nearest[i] != l {
			t.Fatalf("sample %d of component %d assessed nearest to %d", i, l, a.Nearest[i])
		}
	}
	// Shrink the samples and add a fixed offset orthogonal to every subspace.
	off := mat.NewDense(1, 5, nil)
	var full mat.Dense
	full.Augment(m.Bases[0], m.Bases[1])
	var svd mat.SVD
	svd.Factorize(full.T(), mat.SVDFull)
	var v mat.Dense
	svd.VTo(&v)
	off.SetRow(0, mat.Col(nil, 4, &v))
	x := mat.DenseCopyOf(s.X.Slice(0, 100, 0, 5))
	for i := range 100 {
		for j := range 5 {
			x.Set(i, j, x.At(i, j)+0.2*off.At(0, j))
		}
	}
	b, err := m.Assess(x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(b.MedianDistance-0.2) > 1e-12 || math.Abs(b.MaxDistance-0.2) > 1e-12 {
		t.Errorf("offset points: median distance %v, max %v, want 0.2", b.MedianDistance, b.MaxDistance)
	}
}
