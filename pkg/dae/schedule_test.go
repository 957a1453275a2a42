package dae

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// TestScheduleInvSqrt: η_t = η₀/√(1 + t/t₀) until the annealing window,
// which starts at Steps − Window (or at the end of the window where the run
// converged) and decays geometrically to FinalStepSize at its last step.
func TestScheduleInvSqrt(t *testing.T) {
	cfg := ConvergedConfig(ParamSingleGaussian, 2)
	cfg.Steps, cfg.Window, cfg.DecaySteps = 1000, 100, 250
	rs := newRunSchedule(&cfg)
	for _, step := range []int{0, 1, 250, 899} {
		if got, want := rs.eta(step), 0.5/math.Sqrt(1+float64(step)/250); math.Abs(got-want) > 1e-15 {
			t.Errorf("η at step %d = %v, want %v", step, got, want)
		}
	}
	check := func(what string, rs runSchedule, start int) {
		t.Helper()
		if rs.steps != start+cfg.Window {
			t.Errorf("%s: %d steps, want %d", what, rs.steps, start+cfg.Window)
		}
		first, last := rs.eta(start), rs.eta(start+cfg.Window-1)
		if want := cfg.baseStepSize(start); math.Abs(first-want) > 1e-15 {
			t.Errorf("%s: η at the first annealing step %v, want %v", what, first, want)
		}
		if math.Abs(last-cfg.FinalStepSize) > 1e-15 {
			t.Errorf("%s: η at the last step %v, want FinalStepSize %v", what, last, cfg.FinalStepSize)
		}
		ratio := rs.eta(start+1) / first
		for s := start + 1; s < start+cfg.Window; s++ {
			if r := rs.eta(s) / rs.eta(s-1); math.Abs(r-ratio) > 1e-12 {
				t.Fatalf("%s: η(%d)/η(%d) = %v, want the constant ratio %v", what, s, s-1, r, ratio)
			}
		}
	}
	check("no convergence", rs, 900)
	rs.windowEnd(99, -1) // first window: nothing to compare
	rs.windowEnd(199, cfg.Tol*2)
	if rs.converged || rs.steps != 1000 {
		t.Fatalf("converged with a distance above Tol: %+v", rs)
	}
	rs.windowEnd(299, cfg.Tol)
	if !rs.converged {
		t.Fatal("not converged with distance = Tol")
	}
	check("converged after step 299", rs, 300)
	rs.windowEnd(399, 0) // later windows change nothing
	check("converged after step 299, then again", rs, 300)
}

// TestScheduleGeometric: the geometric rule runs from StepSize to
// FinalStepSize over Steps, and a converged run stops at the end of its
// window.
func TestScheduleGeometric(t *testing.T) {
	cfg := DefaultConfig(ParamSingleGaussian, 2)
	cfg.Tol = 0.01
	rs := newRunSchedule(&cfg)
	if got := rs.eta(0); got != cfg.StepSize {
		t.Errorf("η₀ = %v, want %v", got, cfg.StepSize)
	}
	if got := rs.eta(cfg.Steps - 1); math.Abs(got-cfg.FinalStepSize) > 1e-15 {
		t.Errorf("last η = %v, want %v", got, cfg.FinalStepSize)
	}
	if got, want := rs.eta(1000), cfg.StepSize*math.Pow(cfg.FinalStepSize/cfg.StepSize, 1000.0/1999); math.Abs(got-want) > 1e-15 {
		t.Errorf("η(1000) = %v, want %v", got, want)
	}
	rs.windowEnd(399, 0.001)
	if !rs.converged || rs.steps != 400 {
		t.Errorf("after converging at step 399: converged %v, %d steps; want true, 400", rs.converged, rs.steps)
	}
}

// TestProjMeansDistance: the distance between the window-mean projections
// equals ‖P̄ − P̄'‖_F computed with gonum from the same bases.
func TestProjMeansDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	cfg := testConfig(ParamSoftMax, 2, 3)
	const n = 13
	h := newHostShape(&cfg, n)
	w := newHostWork(h)
	m := newProjMeans(h)
	var windows [2][2]*mat.Dense // [window][k] sums of UUᵀ
	for win := range 2 {
		for range 3 {
			ut := make([]float32, h.dsum*h.np)
			for k, d := range cfg.Dims {
				u := randomBasis(n, d, rng)
				for a := range n {
					for j := range d {
						ut[(h.off[k]+j)*h.np+a] = float32(u.At(a, j))
					}
				}
				var p mat.Dense
				p.Mul(u, u.T())
				if windows[win][k] == nil {
					windows[win][k] = mat.NewDense(n, n, nil)
				}
				windows[win][k].Add(windows[win][k], &p)
			}
			m.add(h, w, ut)
		}
		dist := m.next()
		if win == 0 {
			if dist != -1 {
				t.Errorf("first window: distance %v, want −1", dist)
			}
			continue
		}
		want := 0.0
		for k := range cfg.Dims {
			var diff mat.Dense
			diff.Sub(windows[1][k], windows[0][k])
			diff.Scale(1.0/3, &diff)
			want = math.Max(want, mat.Norm(&diff, 2))
		}
		if math.Abs(dist-want) > 1e-5 {
			t.Errorf("distance %v, want %v", dist, want)
		}
	}
}

// TestConvergenceStops: with ConvergedConfig, well-determined instances
// (N ≫ d) converge and stop early at the PCA subspace (Theorem 1); an
// under-determined one (N < d) runs all Steps; an instance stops at the same
// step and with the same bases alone, in a batch, or with a larger maximum.
func TestConvergenceStops(t *testing.T) {
	var insts []Instance
	var pcas []*mat.Dense
	for i, N := range []int{40, 2, 60} {
		m, err := molrg.New(molrg.Params{N: 16, Dims: []int{3}, Noise: 0.05}, uint64(400+i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.SampleCounts([]int{N}, uint64(410+i))
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
		var pca *mat.Dense
		if N >= 3 {
			pca = topEigenvectors(s.X, 3)
		}
		pcas = append(pcas, pca)
	}
	cfg := ConvergedConfig(ParamSingleGaussian, 3)
	cfg.Steps = 3000
	res, err := Train(cfg, insts)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 2} {
		dist := projDistance(res.Bases[i][0], pcas[i])
		t.Logf("instance %d: converged %v after %d steps, distance to PCA %.4f", i, res.Converged[i], res.Steps[i], dist)
		if !res.Converged[i] || res.Steps[i] >= cfg.Steps || res.Steps[i]%cfg.Window != 0 {
			t.Errorf("instance %d: converged %v after %d steps, want convergence before %d at a window end", i, res.Converged[i], res.Steps[i], cfg.Steps)
		}
		if dist > 0.05 {
			t.Errorf("instance %d: distance to the PCA subspace %.4f, want < 0.05", i, dist)
		}
		for w, end := range res.LossSteps {
			start := end - cfg.LogEvery
			if stopped := start >= res.Steps[i]; stopped != math.IsNaN(res.Loss[i][w]) {
				t.Errorf("instance %d stopped after %d steps: loss %v over steps %d–%d", i, res.Steps[i], res.Loss[i][w], start, end)
			}
		}
	}
	if res.Converged[1] || res.Steps[1] != cfg.Steps {
		t.Errorf("N = 2 < d: converged %v after %d steps, want all %d steps", res.Converged[1], res.Steps[1], cfg.Steps)
	}
	for _, m := range res.MeanLoss {
		if math.IsNaN(m) {
			t.Fatalf("MeanLoss %v has NaN: it averages the running instances", res.MeanLoss)
		}
	}
	// Alone, and with a larger maximum: the same run.
	cfg.Steps = 4000
	alone, err := Train(cfg, insts[2:])
	if err != nil {
		t.Fatal(err)
	}
	if alone.Steps[0] != res.Steps[2] || !mat.EqualApprox(alone.Bases[0][0], res.Bases[2][0], 1e-6) {
		t.Errorf("instance 2 alone with Steps = 4000: %d steps, bases differ by > 1e-6 from %d steps in the batch", alone.Steps[0], res.Steps[2])
	}
}
