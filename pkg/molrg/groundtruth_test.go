package molrg

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// unequalModel is a MoLRG in n = 3 with d = [1, 2] and π = [0.3, 0.7].
func unequalModel(t *testing.T, orthogonal bool) *Model {
	t.Helper()
	m, err := New(Params{N: 3, Dims: []int{1, 2}, Pi: []float64{0.3, 0.7}, Orthogonal: orthogonal}, 7)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomPoints returns r Gaussian points in ℝⁿ scaled by scale.
func randomPoints(r, n int, scale float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(r, n, nil)
	for i := range r {
		for j := range n {
			x.Set(i, j, scale*rng.NormFloat64())
		}
	}
	return x
}

// quadPosterior computes E[x₀|x_t] and p_t(x_t) by brute force: for each
// component, a tensor Gauss–Hermite rule over the latent a ~ N(0, I_{d_k}) of
//
//	π_k ∫ U_k a · N(x_t; s U_k a, s²σ² Iₙ) N(a) da   and   π_k ∫ N(x_t; s U_k a, s²σ² Iₙ) N(a) da.
func quadPosterior(m *Model, x []float64, s, sigma float64, nodes int) (mean []float64, density float64) {
	gx := make([]float64, nodes)
	gw := make([]float64, nodes)
	quad.Hermite{}.FixedLocations(gx, gw, math.Inf(-1), math.Inf(1))
	n := m.N
	g2 := s * s * sigma * sigma
	norm := math.Pow(2*math.Pi*g2, -float64(n)/2)
	num := make([]float64, n)
	den := 0.0
	for k, u := range m.Bases {
		_, d := u.Dims()
		idx := make([]int, d) // multi-index into the tensor grid
		a := make([]float64, d)
		x0 := make([]float64, n)
		for {
			w := m.Pi[k]
			for j, i := range idx {
				a[j] = math.Sqrt2 * gx[i] // ∫ e^{-y²} f(√2 y) dy / √π = E f(a)
				w *= gw[i] / math.SqrtPi
			}
			r2 := 0.0
			for r := range n {
				x0[r] = 0
				for j := range d {
					x0[r] += u.At(r, j) * a[j]
				}
				diff := x[r] - s*x0[r]
				r2 += diff * diff
			}
			lik := norm * math.Exp(-r2/(2*g2)) // N(x_t; s x₀, s²σ² Iₙ), eq. 3
			den += w * lik
			for r := range n {
				num[r] += w * lik * x0[r]
			}
			j := 0
			for ; j < d; j++ {
				if idx[j]++; idx[j] < nodes {
					break
				}
				idx[j] = 0
			}
			if j == d {
				break
			}
		}
	}
	for r := range num {
		num[r] /= den
	}
	return num, den
}

func TestPosteriorMeanQuadrature(t *testing.T) {
	for _, orth := range []bool{true, false} {
		m := unequalModel(t, orth)
		for _, lvl := range []struct{ s, sigma float64 }{{1, 1}, {0.8, 0.7}, {1.3, 1.5}} {
			xt := randomPoints(4, 3, 1.2, 3)
			got, err := m.PosteriorMean(xt, lvl.s, lvl.sigma)
			if err != nil {
				t.Fatal(err)
			}
			logp, err := m.LogDensity(xt, lvl.s, lvl.sigma)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 4 {
				want, p := quadPosterior(m, xt.RawRowView(i), lvl.s, lvl.sigma, 160)
				for j := range 3 {
					if d := math.Abs(got.At(i, j) - want[j]); d > 1e-8 {
						t.Errorf("orth=%v s=%v σ=%v point %d: E[x₀|x_t]_%d = %.12g, quadrature %.12g (|diff| %.2g > 1e-8)",
							orth, lvl.s, lvl.sigma, i, j, got.At(i, j), want[j], d)
					}
				}
				if d := math.Abs(logp[i] - math.Log(p)); d > 1e-8 {
					t.Errorf("orth=%v s=%v σ=%v point %d: log p_t = %.12g, quadrature %.12g", orth, lvl.s, lvl.sigma, i, logp[i], math.Log(p))
				}
			}
		}
	}
}

// TestTweedie checks eq. (5): E[x₀|x_t] = (x_t + s²σ² ∇log p_t(x_t)) / s.
func TestTweedie(t *testing.T) {
	m, err := New(Params{N: 8, Dims: []int{2, 3, 1}, Pi: []float64{0.2, 0.5, 0.3}}, 11)
	if err != nil {
		t.Fatal(err)
	}
	xt := randomPoints(20, 8, 2, 5)
	for _, lvl := range []struct{ s, sigma float64 }{{1, 0.05}, {0.6, 0.9}, {1, 20}} {
		pm, err := m.PosteriorMean(xt, lvl.s, lvl.sigma)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := m.Score(xt, lvl.s, lvl.sigma)
		if err != nil {
			t.Fatal(err)
		}
		g2 := lvl.s * lvl.s * lvl.sigma * lvl.sigma
		for i := range 20 {
			for j := range 8 {
				want := (xt.At(i, j) + g2*sc.At(i, j)) / lvl.s // eq. 5
				if d := math.Abs(pm.At(i, j) - want); d > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("s=%v σ=%v: E[x₀|x_t][%d][%d] = %g, Tweedie gives %g", lvl.s, lvl.sigma, i, j, pm.At(i, j), want)
				}
			}
		}
	}
}

// TestScoreFiniteDifference compares eq. (28) with central differences of
// log p_t (Lemma 1).
func TestScoreFiniteDifference(t *testing.T) {
	m, err := New(Params{N: 5, Dims: []int{2, 1}, Pi: []float64{0.4, 0.6}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	xt := randomPoints(6, 5, 1.5, 9)
	const s, sigma, h = 0.9, 0.6, 1e-5
	sc, err := m.Score(xt, s, sigma)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		for j := range 5 {
			xp, xm := mat.DenseCopyOf(xt.Slice(i, i+1, 0, 5)), mat.DenseCopyOf(xt.Slice(i, i+1, 0, 5))
			xp.Set(0, j, xp.At(0, j)+h)
			xm.Set(0, j, xm.At(0, j)-h)
			lp, _ := m.LogDensity(xp, s, sigma)
			lm, _ := m.LogDensity(xm, s, sigma)
			fd := (lp[0] - lm[0]) / (2 * h)
			if d := math.Abs(sc.At(i, j) - fd); d > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("∂log p_t/∂x_%d at point %d: score %.10g, finite difference %.10g", j, i, sc.At(i, j), fd)
			}
		}
	}
}

// TestWeights checks that the weights are a probability vector, that they
// equal the posterior of the component (the ratio of the Lemma 1 Gaussians,
// computed here from determinants and inverses), and that they stay finite
// at tiny σ_t, where a naive exp overflows.
func TestWeights(t *testing.T) {
	m := unequalModel(t, false)
	xt := randomPoints(5, 3, 1, 4)
	const s, sigma = 1.1, 0.8
	w, err := m.Weights(xt, s, sigma)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		x := mat.NewVecDense(3, xt.RawRowView(i))
		dens := make([]float64, m.K())
		tot := 0.0
		for k, u := range m.Bases {
			var cov mat.Dense
			cov.Mul(u, u.T())
			for j := range 3 {
				cov.Set(j, j, cov.At(j, j)+sigma*sigma)
			}
			cov.Scale(s*s, &cov)
			var inv mat.Dense
			if err := inv.Inverse(&cov); err != nil {
				t.Fatal(err)
			}
			q := mat.Inner(x, &inv, x)
			dens[k] = m.Pi[k] * math.Exp(-q/2) / math.Sqrt(mat.Det(&cov)*math.Pow(2*math.Pi, 3))
			tot += dens[k]
		}
		for k := range dens {
			if d := math.Abs(w.At(i, k) - dens[k]/tot); d > 1e-12 {
				t.Errorf("w⋆_%d(x_%d) = %.15g, ratio of Gaussians %.15g", k, i, w.At(i, k), dens[k]/tot)
			}
		}
	}
	w, err = m.Weights(randomPoints(5, 3, 10, 4), 1, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		sum := 0.0
		for k := range 2 {
			v := w.At(i, k)
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Fatalf("σ = 1e-4: w⋆_%d(x_%d) = %v, want in [0, 1]", k, i, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("σ = 1e-4: Σ_k w⋆_k(x_%d) = %v, want 1", i, sum)
		}
	}
}

// TestPosteriorMeanLimits checks two closed forms of eq. (8): for x_t on a
// subspace and σ_t → 0 it is x_t/s_t (the clean point); for one component it
// is U Uᵀx_t/(s_t(1+σ_t²)), the single Gaussian of eq. (11).
func TestPosteriorMeanLimits(t *testing.T) {
	m := unequalModel(t, true)
	xt := mat.NewDense(1, 3, nil)
	xt.Mul(mat.NewDense(1, 2, []float64{0.7, -1.1}), m.Bases[1].T()) // a point of U_1
	xt.Scale(2, xt)                                                  // s_t = 2
	pm, err := m.PosteriorMean(xt, 2, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 3 {
		if d := math.Abs(pm.At(0, j) - xt.At(0, j)/2); d > 1e-5 {
			t.Errorf("σ→0: E[x₀|x_t]_%d = %g, want x_t/s = %g", j, pm.At(0, j), xt.At(0, j)/2)
		}
	}
	single, err := FromBases(m.Bases[1:], nil)
	if err != nil {
		t.Fatal(err)
	}
	x := randomPoints(3, 3, 1, 2)
	pm, _ = single.PosteriorMean(x, 0.5, 1.5)
	var c, want mat.Dense
	c.Mul(x, m.Bases[1])
	want.Mul(&c, m.Bases[1].T())
	want.Scale(1/(0.5*(1+1.5*1.5)), &want) // eq. 11
	if !mat.EqualApprox(pm, &want, 1e-13) {
		t.Errorf("K = 1: E[x₀|x_t] = %v, want UUᵀx/(s(1+σ²)) = %v", mat.Formatted(pm), mat.Formatted(&want))
	}
}

func TestRankBound(t *testing.T) {
	m := unequalModel(t, true)
	if got := m.RankBound(); got != 3 {
		t.Errorf("RankBound() = %d, want d_0 + d_1 = 3", got)
	}
}
