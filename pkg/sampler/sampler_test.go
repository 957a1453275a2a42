package sampler_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
	"gonum.org/v1/gonum/mat"
)

// For a single Gaussian N(0, UUᵀ) the probability-flow ODE is solvable: the
// coordinates a = Uᵀx obey da/dσ = σa/(1+σ²), so a(σ) ∝ √(1+σ²), and the
// orthogonal part obeys dx⊥/dσ = x⊥/σ, so x⊥ ∝ σ → 0. Heun from σ_max·z must
// land on span(U) with a ≈ Uᵀz·σ_max/√(1+σ_max²) ~ N(0, I_d). The denoiser
// is linear, so a_final = c·Uᵀz for one scalar c that we fit.
func heunGaussian(t *testing.T, cfg sampler.Config) (c, maxDist float64, a *mat.Dense) {
	const n, d, b = 8, 3, 400
	u := randomBasis(n, d, 7)
	s, err := sampler.New(backend.Must(), gaussianDenoiser(u), sampler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	z, _ := sampler.Noise(b, n, 1)
	res, err := s.EDM(z, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	var az mat.Dense
	a = new(mat.Dense)
	a.Mul(res.X, u)
	az.Mul(z, u)
	num, den := 0.0, 0.0
	for i := range b {
		maxDist = max(maxDist, distToSpan(u, res.X.RawRowView(i))/norm(res.X.RawRowView(i)))
		for j := range d {
			num += a.At(i, j) * az.At(i, j)
			den += az.At(i, j) * az.At(i, j)
		}
	}
	exact := cfg.SigmaMax / math.Sqrt(1+cfg.SigmaMax*cfg.SigmaMax)
	return num / den / exact, maxDist, a
}

func TestHeunSingleGaussian(t *testing.T) {
	// A fine grid follows the exact ODE solution (Heun error O(1/N²)).
	fine := sampler.DefaultConfig()
	fine.Steps = 200
	ratio, dist, _ := heunGaussian(t, fine)
	if math.Abs(ratio-1) > 2e-3 || dist > 1e-10 {
		t.Errorf("200 steps: a_final/a_exact = %.5f, relative distance to span(U) %.3g; want 1 ± 2e-3 and ≪ 1", ratio, dist)
	}
	// The paper's 18-step grid: on span(U), with the known ≈ 4.5% Heun
	// discretization error of this grid for this ODE; covariance ≈ I (Monte
	// Carlo, B = 400: entries ± 0.07 sd).
	ratio, dist, a := heunGaussian(t, sampler.DefaultConfig())
	if math.Abs(ratio-1) > 0.06 || dist > 1e-10 {
		t.Errorf("18 steps: a_final/a_exact = %.5f, relative distance to span(U) %.3g; want 1 ± 0.06 and ≪ 1", ratio, dist)
	}
	b, d := a.Dims()
	var cov mat.Dense
	cov.Mul(a.T(), a)
	cov.Scale(1/float64(b), &cov)
	for i := range d {
		for j := range d {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(cov.At(i, j)-want) > 0.25 {
				t.Errorf("covariance[%d][%d] = %.3f, want %.0f ± 0.25", i, j, cov.At(i, j), want)
			}
		}
	}
}

// Heun with the true MoLRG posterior mean (eq. 8) samples the union of
// subspaces: no training involved.
func TestHeunTrueMoLRG(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sampler.New(backend.Must(), truthDenoiser(m), sampler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const b = 200
	res, err := s.EDMSeed(b, 12, 11, sampler.DefaultConfig(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trajectory) != 19 || len(res.Denoised) != 18 || len(res.Sigmas) != 19 {
		t.Fatalf("trajectory of %d states, %d denoised, %d levels; want 19, 18, 19", len(res.Trajectory), len(res.Denoised), len(res.Sigmas))
	}
	counts := make([]int, 2)
	worst := 0.0
	for i := range b {
		x := res.X.RawRowView(i)
		d0, d1 := distToSpan(m.Bases[0], x), distToSpan(m.Bases[1], x)
		k, dmin := 0, d0
		if d1 < d0 {
			k, dmin = 1, d1
		}
		counts[k]++
		worst = max(worst, dmin/norm(x))
	}
	t.Logf("max relative distance to the nearest subspace: %.3g; counts %v", worst, counts)
	if worst > 1e-2 {
		t.Errorf("max relative distance to the nearest subspace = %.3g, want < 1e-2", worst)
	}
	// The last step to σ = 0 returns D(x;σ_min), a projection; the state before
	// it, at σ_min = 0.002, must already be near the union of subspaces: its
	// off-subspace part is noise of size ≈ σ_min·√(n − d_k) ≈ 0.006.
	far := 0.0
	for i := range b {
		x := res.Trajectory[17].RawRowView(i)
		far = max(far, min(distToSpan(m.Bases[0], x), distToSpan(m.Bases[1], x)))
	}
	t.Logf("max distance of x_17 to the nearest subspace: %.3g", far)
	if far > 0.03 {
		t.Errorf("x_17 (σ = %v): max distance to the nearest subspace %.3g, want ≲ σ_min·√n", res.Sigmas[17], far)
	}
	// π = (½, ½): both components are generated (binomial, 200 draws).
	if counts[0] < 60 || counts[1] < 60 {
		t.Errorf("component counts %v, want both near 100", counts)
	}
	// The trajectory starts at σ_max·z.
	z, _ := sampler.Noise(b, 12, 11)
	if math.Abs(res.Trajectory[0].At(5, 3)-80*z.At(5, 3)) > 1e-12 {
		t.Errorf("x_0 = %v, want σ_max·z = %v", res.Trajectory[0].At(5, 3), 80*z.At(5, 3))
	}
}

// DDIM inversion then DDIM sampling on the reversed grid returns the input,
// with an error that shrinks as the number of steps grows (Euler: O(1/N)).
func TestDDIMRoundTrip(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.Sample(20, 9)
	s, _ := sampler.New(backend.Must(), truthDenoiser(m), sampler.Options{})
	roundTrip := func(steps int) float64 {
		up, err := diffusion.RhoGrid(0.002, 5, steps, 7)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := s.Invert(data.X, up, false)
		if err != nil {
			t.Fatal(err)
		}
		down, _ := diffusion.RhoGrid(5, 0.002, steps, 7)
		back, err := s.DDIM(inv.X, down, false)
		if err != nil {
			t.Fatal(err)
		}
		var diff mat.Dense
		diff.Sub(back.X, data.X)
		return mat.Norm(&diff, 2) / mat.Norm(data.X, 2)
	}
	e100, e1000 := roundTrip(100), roundTrip(1000)
	t.Logf("round-trip relative error: 100 steps %.3g, 1000 steps %.3g", e100, e1000)
	if e1000 > 5e-3 {
		t.Errorf("round trip with 1000 steps: relative error %.3g, want < 5e-3", e1000)
	}
	if e1000 > e100/5 {
		t.Errorf("round-trip error does not shrink like 1/N: %.3g (100 steps) → %.3g (1000)", e100, e1000)
	}
}

// Heun inversion is second order: a single Gaussian's exact latent is known,
// a(σ') = a(σ)·√(1+σ'²)/√(1+σ²); doubling the steps divides the error by ≈ 4.
func TestHeunInversionSecondOrder(t *testing.T) {
	const n, d = 6, 2
	u := randomBasis(n, d, 4)
	s, _ := sampler.New(backend.Must(), gaussianDenoiser(u), sampler.Options{})
	z, _ := sampler.Noise(5, d, 2)
	var x mat.Dense
	x.Mul(z, u.T()) // on span(U)
	f := math.Sqrt(1+9) / math.Sqrt(1+0.002*0.002)
	maxErr := func(steps int, method sampler.Method) float64 {
		up, _ := diffusion.RhoGrid(0.002, 3, steps, 7)
		res, err := s.Integrate(&x, up, method, false)
		if err != nil {
			t.Fatal(err)
		}
		var a mat.Dense
		a.Mul(res.X, u)
		e := 0.0
		for i := range 5 {
			for j := range d {
				want := z.At(i, j) * f
				e = max(e, math.Abs(a.At(i, j)-want)/math.Abs(want))
			}
		}
		return e
	}
	h50, h100, e100 := maxErr(50, sampler.Heun), maxErr(100, sampler.Heun), maxErr(100, sampler.Euler)
	t.Logf("relative error: Heun 50 steps %.3g, Heun 100 steps %.3g, Euler 100 steps %.3g", h50, h100, e100)
	if h100 > 1e-3 {
		t.Errorf("Heun, 100 steps: relative error %.3g, want < 1e-3", h100)
	}
	if r := h50 / h100; r < 3 || r > 5 {
		t.Errorf("Heun error ratio 50 → 100 steps = %.2f, want ≈ 4 (second order)", r)
	}
	if e100 < 3*h100 {
		t.Errorf("Euler error %.3g not clearly above Heun error %.3g", e100, h100)
	}
}

// Image-shaped denoisers and float32 denoisers see their own shape and dtype.
func TestShapeAndDType(t *testing.T) {
	const c, h, w = 3, 2, 2
	u := randomBasis(c*h*w, 2, 8)
	flat := gaussianDenoiser(u)
	var sawShape []int
	img := func(x, sigma *graph.Node) *graph.Node {
		sawShape = x.Shape().Dimensions
		if x.DType() != dtypes.Float32 || sigma.DType() != dtypes.Float32 {
			panic("want float32")
		}
		b := x.Shape().Dim(0)
		return graph.Reshape(flat(graph.Reshape(x, b, c*h*w), sigma), b, c, h, w)
	}
	s, err := sampler.New(backend.Must(), img, sampler.Options{Shape: []int{c, h, w}, DType: dtypes.Float32})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.EDMSeed(4, c*h*w, 1, sampler.Config{Steps: 10, SigmaMin: 0.002, SigmaMax: 80, Rho: 7}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sawShape) != 4 || sawShape[1] != c || sawShape[3] != w {
		t.Errorf("denoiser saw shape %v, want [4 3 2 2]", sawShape)
	}
	for i := range 4 {
		if r := distToSpan(u, res.X.RawRowView(i)) / norm(res.X.RawRowView(i)); r > 1e-5 {
			t.Errorf("float32 sample %d: relative distance to span(U) %.3g", i, r)
		}
	}
}

func TestSamplerErrors(t *testing.T) {
	u := randomBasis(4, 2, 1)
	s, _ := sampler.New(backend.Must(), gaussianDenoiser(u), sampler.Options{})
	x := mat.NewDense(2, 4, nil)
	x.Set(1, 2, math.NaN())
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"NaN input", func() error { _, e := s.Integrate(x, []float64{1, 0}, sampler.Euler, false); return e }(), "x[1][2]"},
		{"one level", func() error {
			_, e := s.Integrate(mat.NewDense(1, 4, nil), []float64{1}, sampler.Euler, false)
			return e
		}(), "at least 2"},
		{"zero inside", func() error {
			_, e := s.Integrate(mat.NewDense(1, 4, nil), []float64{1, 0, 0.5}, sampler.Euler, false)
			return e
		}(), "σ_1"},
		{"non-monotone", func() error {
			_, e := s.Integrate(mat.NewDense(1, 4, nil), []float64{1, 2, 1.5}, sampler.Euler, false)
			return e
		}(), "monoton"},
		{"DDIM up", func() error { _, e := s.DDIM(mat.NewDense(1, 4, nil), []float64{1, 2}, false); return e }(), "decreasing"},
		{"Invert down", func() error { _, e := s.Invert(mat.NewDense(1, 4, nil), []float64{2, 1}, false); return e }(), "increasing"},
		{"shape", func() error {
			s2, _ := sampler.New(backend.Must(), gaussianDenoiser(u), sampler.Options{Shape: []int{3}})
			_, e := s2.DDIM(mat.NewDense(1, 4, nil), []float64{2, 1}, false)
			return e
		}(), "sample shape"},
		{"bad output", func() error {
			bad := func(x, _ *graph.Node) *graph.Node { return graph.ReduceSum(x, -1) }
			s2, _ := sampler.New(backend.Must(), bad, sampler.Options{})
			_, e := s2.DDIM(mat.NewDense(1, 4, nil), []float64{2, 1}, false)
			return e
		}(), "same shape"},
		{"steps", func() error {
			_, e := s.EDMSeed(1, 4, 0, sampler.Config{Steps: 0, SigmaMin: 1, SigmaMax: 2, Rho: 7}, false)
			return e
		}(), "N ≥ 1"},
		{"noise size", func() error { _, e := sampler.Noise(0, 4, 1); return e }(), "B ≥ 1"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, c.err, c.want)
		}
	}
}
