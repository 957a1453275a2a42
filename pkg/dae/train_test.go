package dae

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/progress"
	"gonum.org/v1/gonum/mat"
)

// TestTheorem1PCA: with the single-Gaussian DAE (eq. 11), Algorithm 1
// converges to the PCA subspace of the training data (Theorem 1, eq. 12)
// when N ≥ d. The data are a noisy low-rank Gaussian (δ = 0.1), so PCA is not
// the generating subspace; PCA is computed here with gonum's SVD.
func TestTheorem1PCA(t *testing.T) {
	cases := []struct{ n, d, N int }{{16, 3, 6}, {16, 3, 3}, {16, 3, 12}}
	var insts []Instance
	var pcas []*mat.Dense
	for i, c := range cases {
		m, err := molrg.New(molrg.Params{N: c.n, Dims: []int{c.d}, Noise: 0.1}, uint64(10+i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.SampleCounts([]int{c.N}, uint64(20+i))
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
		pcas = append(pcas, topEigenvectors(s.X, c.d))
	}
	cfg := testConfig(ParamSingleGaussian, 3)
	cfg.Steps = 1000
	res, err := Train(cfg, insts)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		dist := projDistance(res.Bases[i][0], pcas[i])
		t.Logf("n=%d d=%d N=%d: ‖UUᵀ − U_pca U_pcaᵀ‖_F = %.4f, loss %.4f → %.4f", c.n, c.d, c.N, dist, res.Loss[i][0], res.Loss[i][len(res.Loss[i])-1])
		if dist > 0.05 {
			t.Errorf("n=%d d=%d N=%d: distance to the PCA subspace %.4f, want < 0.05", c.n, c.d, c.N, dist)
		}
		if e := orthonormalityError(res.Bases[i][0]); e > 2e-6 {
			t.Errorf("n=%d d=%d N=%d: max |UᵀU − I| = %.3g, want ≤ 2e-6", c.n, c.d, c.N, e)
		}
	}
	if first, last := res.MeanLoss[0], res.MeanLoss[len(res.MeanLoss)-1]; !(last < first) {
		t.Errorf("mean loss went from %v to %v, want a decrease", first, last)
	}
}

// TestTheorem3Recovery: on noise-free MoLRG data with orthogonal subspaces
// and N_k ≥ d samples per component, Algorithm 1 with the soft-max DAE
// (eq. 9) recovers the true subspaces up to a permutation (Theorem 3).
// Initialization as in the paper's experiments: near the truth (eq. 48),
// here P_O(U⋆_k + 0.5·G) at distance ≈ 1 from U⋆_k.
func TestTheorem3Recovery(t *testing.T) {
	const d = 3
	for _, n := range []int{16, 32, 48} {
		var insts []Instance
		var truths [][]*mat.Dense
		nks := []int{2 * d, 3 * d, 4 * d}
		for i, nk := range nks {
			m, err := molrg.New(molrg.Params{N: n, Dims: []int{d, d}, Orthogonal: true}, uint64(30+n+i))
			if err != nil {
				t.Fatal(err)
			}
			s, err := m.SampleCounts([]int{nk, nk}, uint64(40+n+i))
			if err != nil {
				t.Fatal(err)
			}
			insts = append(insts, Instance{X: s.X, Truth: m.Bases, Seed: uint64(i)})
			truths = append(truths, m.Bases)
		}
		cfg := testConfig(ParamSoftMax, d, d)
		cfg.Init = InitNearTruth
		cfg.Steps = 1000
		res, err := Train(cfg, insts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range insts {
			init := initBases(&cfg, insts[i:i+1], []int{0}, []uint64{InstanceKey(cfg.Seed, insts[i].Seed)}, n)
			var start []*mat.Dense
			for k := range init {
				start = append(start, mat.NewDense(n, d, float64s(init[k])))
			}
			before := bestPermutationMaxDist(start, truths[i])
			after := bestPermutationMaxDist(res.Bases[i], truths[i])
			t.Logf("n=%d K=2 d=%d N_k=%d: max_k distance after best permutation %.3f → %.4f", n, d, nks[i], before, after)
			if after > 0.1 {
				t.Errorf("n=%d N_k=%d: max distance after best permutation %.4f, want < 0.1", n, nks[i], after)
			}
			for k, u := range res.Bases[i] {
				if e := orthonormalityError(u); e > 2e-6 {
					t.Errorf("n=%d N_k=%d: U_%d: max |UᵀU − I| = %.3g, want ≤ 2e-6", n, nks[i], k, e)
				}
			}
		}
	}
}

// TestTheorem3RandomRestarts: from random (Haar) starts the soft-max loss
// has spurious minima that mix the subspaces (on these three problems, n = 12,
// K = 2, d = 2, N_k = 4, a single start ends at distance ≈ 1.4), but the best
// of 6 restarts by the clustering objective (18) recovers the true subspaces.
func TestTheorem3RandomRestarts(t *testing.T) {
	const n, d = 12, 2
	var insts []Instance
	var truths [][]*mat.Dense
	for _, i := range []int{1, 2, 5} {
		m, err := molrg.New(molrg.Params{N: n, Dims: []int{d, d}, Orthogonal: true}, uint64(200+i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.SampleCounts([]int{2 * d, 2 * d}, uint64(210+i))
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
		truths = append(truths, m.Bases)
	}
	cfg := testConfig(ParamSoftMax, d, d)
	cfg.Steps = 600
	cfg.Restarts = 6
	res, err := Train(cfg, insts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range insts {
		dist := bestPermutationMaxDist(res.Bases[i], truths[i])
		total := 0.0 // the objective of the true bases: noise-free data lie in their union
		r, _ := insts[i].X.Dims()
		for a := range r {
			total += sq(insts[i].X.RawRowView(a))
		}
		t.Logf("instance %d: restart %d kept, objective (18) %.3f (truth %.3f), max distance after best permutation %.4f", i, res.Restart[i], res.Objective[i], total, dist)
		if dist > 0.1 {
			t.Errorf("instance %d: max distance after best permutation %.4f, want < 0.1", i, dist)
		}
	}
}

// TestBatchedEqualsSingle trains three instances with different N (padded
// and masked in one graph) and each one alone with the same seeds: the
// trained bases must agree.
func TestBatchedEqualsSingle(t *testing.T) {
	var insts []Instance
	for i, nk := range []int{3, 5, 9} {
		m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 2}, Orthogonal: true, Noise: 0.05}, uint64(50+i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.SampleCounts([]int{nk, nk}, uint64(60+i))
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(100 + i)})
	}
	for _, p := range []Parameterization{ParamSoftMax, ParamHardMax} {
		cfg := testConfig(p, 2, 2)
		cfg.Steps = 60
		cfg.StepsPerExec = 20
		cfg.Seed = 7
		batched, err := Train(cfg, insts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range insts {
			alone, err := Train(cfg, insts[i:i+1])
			if err != nil {
				t.Fatal(err)
			}
			for k := range cfg.Dims {
				var diff mat.Dense
				diff.Sub(batched.Bases[i][k], alone.Bases[0][k])
				if e := mat.Norm(&diff, math.Inf(1)); e > 1e-5 {
					t.Errorf("%v instance %d basis %d: batched and single training differ by %.3g", p, i, k, e)
				}
			}
			for w := range alone.Loss[0] {
				if e := math.Abs(alone.Loss[0][w] - batched.Loss[i][w]); e > 1e-5*(1+math.Abs(alone.Loss[0][w])) {
					t.Errorf("%v instance %d window %d: loss %v batched, %v alone", p, i, w, batched.Loss[i][w], alone.Loss[0][w])
				}
			}
		}
	}
}

// TestSameSeedSameResult: the same seeds give identical bases; another
// instance seed gives different ones.
func TestSameSeedSameResult(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 2}, Orthogonal: true}, 70)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.SampleCounts([]int{5, 5}, 71)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(ParamSoftMax, 2, 2)
	cfg.Steps = 40
	cfg.StepsPerExec = 20
	run := func(seed uint64) *Result {
		res, err := Train(cfg, []Instance{{X: s.X, Seed: seed}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := run(1), run(1), run(2)
	for k := range cfg.Dims {
		if !mat.Equal(a.Bases[0][k], b.Bases[0][k]) {
			t.Errorf("basis %d differs between two runs with the same seed", k)
		}
		if mat.EqualApprox(a.Bases[0][k], c.Bases[0][k], 1e-3) {
			t.Errorf("basis %d is the same for instance seeds 1 and 2", k)
		}
	}
}

// TestRestartsKeepBestObjective: with Restarts = R the returned bases are
// the restart with the largest objective (18), and restart 0 is the
// single-start run.
func TestRestartsKeepBestObjective(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 16, Dims: []int{2, 2}, Orthogonal: true}, 80)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.SampleCounts([]int{6, 6}, 81)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(ParamHardMax, 2, 2)
	cfg.Steps = 200
	cfg.StepsPerExec = 50
	single, err := Train(cfg, []Instance{{X: s.X, Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Restarts = 4
	multi, err := Train(cfg, []Instance{{X: s.X, Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if multi.Objective[0] < single.Objective[0]-1e-9 {
		t.Errorf("objective with 4 restarts %v < single start %v", multi.Objective[0], single.Objective[0])
	}
	if multi.Restart[0] == 0 {
		for k := range cfg.Dims {
			if !mat.EqualApprox(multi.Bases[0][k], single.Bases[0][k], 1e-5) {
				t.Errorf("restart 0 was kept but differs from the single-start run")
			}
		}
	}
	if got := ClusteringObjective(s.X, multi.Bases[0]); math.Abs(got-multi.Objective[0]) > 1e-9 {
		t.Errorf("Result.Objective %v, ClusteringObjective %v", multi.Objective[0], got)
	}
}

// TestValidation: every bad parameter gives an error naming it.
func TestValidation(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 8, Dims: []int{2}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.SampleCounts([]int{4}, 2)
	if err != nil {
		t.Fatal(err)
	}
	good := Instance{X: s.X}
	nan := mat.DenseCopyOf(s.X)
	nan.Set(1, 2, math.NaN())
	inf := mat.DenseCopyOf(s.X)
	inf.Set(0, 0, math.Inf(1))
	base := func() Config { c := testConfig(ParamSoftMax, 2, 2); c.Steps = 1; return c }
	cases := []struct {
		name  string
		edit  func(*Config)
		insts []Instance
		want  string
	}{
		{"steps", func(c *Config) { c.Steps = 0 }, nil, "Steps"},
		{"batch", func(c *Config) { c.BatchSize = 0 }, nil, "BatchSize"},
		{"eta zero", func(c *Config) { c.StepSize = 0 }, nil, "StepSize"},
		{"eta negative", func(c *Config) { c.StepSize = -1 }, nil, "StepSize"},
		{"eta NaN", func(c *Config) { c.StepSize = math.NaN() }, nil, "StepSize"},
		{"final eta", func(c *Config) { c.FinalStepSize = 0 }, nil, "FinalStepSize"},
		{"T", func(c *Config) { c.T = 0 }, nil, "T = 0"},
		{"sigma min", func(c *Config) { c.SigmaMin = 0 }, nil, "SigmaMin"},
		{"sigma max < min", func(c *Config) { c.SigmaMin, c.SigmaMax = 1, 0.5 }, nil, "SigmaMax"},
		{"sigma inf", func(c *Config) { c.SigmaMax = math.Inf(1) }, nil, "SigmaMax"},
		{"lambda", func(c *Config) { c.Lambda = func(float64) float64 { return -1 } }, nil, "Lambda"},
		{"levels sigma", func(c *Config) { c.Levels = []diffusion.Level{{S: 1, Sigma: 0, Lambda: 1}} }, nil, "level 0 has σ_t = 0"},
		{"levels s", func(c *Config) { c.Levels = []diffusion.Level{{S: -1, Sigma: 1, Lambda: 1}} }, nil, "level 0 has s_t = -1"},
		{"no dims", func(c *Config) { c.Dims = nil }, nil, "Dims"},
		{"d > n", func(c *Config) { c.Dims = []int{2, 9} }, nil, "Dims[1]"},
		{"d zero", func(c *Config) { c.Dims = []int{0, 2} }, nil, "Dims[0]"},
		{"single K", func(c *Config) { c.Parameterization = ParamSingleGaussian }, nil, "K = 1"},
		{"param", func(c *Config) { c.Parameterization = 7 }, nil, "Parameterization"},
		{"pi length", func(c *Config) { c.Pi = []float64{1} }, nil, "Pi"},
		{"pi sum", func(c *Config) { c.Pi = []float64{0.5, 0.6} }, nil, "Pi"},
		{"pi negative", func(c *Config) { c.Pi = []float64{-0.5, 1.5} }, nil, "Pi[0]"},
		{"steps per exec", func(c *Config) { c.StepsPerExec = 0 }, nil, "StepsPerExec"},
		{"log every", func(c *Config) { c.LogEvery = 0 }, nil, "LogEvery"},
		{"restarts", func(c *Config) { c.Restarts = 0 }, nil, "Restarts"},
		{"polar", func(c *Config) { c.PolarIterations = 0 }, nil, "PolarIterations"},
		{"init", func(c *Config) { c.Init = 5 }, nil, "Init"},
		{"perturbation", func(c *Config) { c.InitPerturbation = -1 }, nil, "InitPerturbation"},
		{"schedule", func(c *Config) { c.Schedule = 9 }, nil, "Schedule"},
		{"decay steps", func(c *Config) { c.Schedule, c.DecaySteps = ScheduleInvSqrt, 0 }, nil, "DecaySteps"},
		{"tol", func(c *Config) { c.Tol = -0.1 }, nil, "Tol"},
		{"tol NaN", func(c *Config) { c.Tol = math.NaN() }, nil, "Tol"},
		{"window", func(c *Config) { c.Window = 1 }, nil, "Window"},
		{"kernel", func(c *Config) { c.Kernel = 4 }, nil, "Kernel"},
		{"graph tol", func(c *Config) { c.Kernel, c.Tol = KernelGraph, 0.1 }, nil, "KernelGraph"},
		{"no truth", func(c *Config) { c.Init = InitNearTruth }, nil, "Truth"},
		{"truth shape", func(c *Config) { c.Init = InitNearTruth }, []Instance{{X: s.X, Truth: []*mat.Dense{mat.NewDense(8, 2, nil), mat.NewDense(7, 2, nil)}}}, "Truth[1]"},
		{"no instances", nil, []Instance{}, "instances"},
		{"nil data", nil, []Instance{{}}, "data X"},
		{"NaN data", nil, []Instance{good, {X: nan}}, "instance 1: data X[1,2] = NaN"},
		{"Inf data", nil, []Instance{{X: inf}}, "X[0,0] = +Inf"},
		{"n mismatch", nil, []Instance{good, {X: mat.NewDense(3, 5, nil)}}, "dimension n = 5"},
	}
	for _, c := range cases {
		cfg := base()
		if c.edit != nil {
			c.edit(&cfg)
		}
		insts := c.insts
		if insts == nil {
			insts = []Instance{good}
		}
		_, err := Train(cfg, insts)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not name %q", c.name, err, c.want)
		}
	}
}

// TestUnequalDimsAndProgress trains bases of different dimensions (d = 1, 3)
// with unequal π, checks shapes and orthonormality, the progress callback,
// and that a cancelled context stops training.
func TestUnequalDimsAndProgress(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 10, Dims: []int{1, 3}, Pi: []float64{0.25, 0.75}, Orthogonal: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.SampleCounts([]int{3, 9}, 6)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(ParamSoftMax, 1, 3)
	cfg.Pi = []float64{0.25, 0.75}
	cfg.Steps, cfg.LogEvery = 30, 10
	var calls []int
	res, err := TrainContext(context.Background(), cfg, []Instance{{X: s.X}}, func(u progress.Update) {
		if u.Total != float64(cfg.Steps) {
			t.Errorf("progress total %v, want %d", u.Total, cfg.Steps)
		}
		calls = append(calls, int(u.Done))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || calls[len(calls)-1] != cfg.Steps {
		t.Errorf("progress calls %v, want a last call with %d", calls, cfg.Steps)
	}
	if got := res.LossSteps; len(got) != 3 || got[2] != 30 {
		t.Errorf("LossSteps = %v, want [10 20 30]", got)
	}
	for k, d := range cfg.Dims {
		if r, c := res.Bases[0][k].Dims(); r != 10 || c != d {
			t.Errorf("U_%d is %d×%d, want 10×%d", k, r, c, d)
		}
		if e := orthonormalityError(res.Bases[0][k]); e > 2e-6 {
			t.Errorf("U_%d: max |UᵀU − I| = %.3g", k, e)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TrainContext(ctx, cfg, []Instance{{X: s.X}}, nil); err != context.Canceled {
		t.Errorf("cancelled context: error %v, want context.Canceled", err)
	}
}

// TestNoiseLevelsFollowTheConfig: T levels uniform in σ with λ = Lambda(σ),
// or Levels when set.
func TestNoiseLevelsFollowTheConfig(t *testing.T) {
	cfg := DefaultConfig(ParamSingleGaussian, 3)
	cfg.T, cfg.SigmaMin, cfg.SigmaMax = 4, 0.1, 0.4
	cfg.Lambda = func(s float64) float64 { return 1 / s }
	lv, err := cfg.NoiseLevels()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.1, 0.2, 0.3, 0.4} {
		if math.Abs(lv[i].Sigma-want) > 1e-15 || lv[i].S != 1 || math.Abs(lv[i].Lambda-1/want) > 1e-12 {
			t.Errorf("level %d = %+v, want σ = %v, s = 1, λ = 1/σ", i, lv[i], want)
		}
	}
	cfg.T = 1
	if lv, _ := cfg.NoiseLevels(); len(lv) != 1 || lv[0].Sigma != 0.1 {
		t.Errorf("T = 1: levels %+v, want σ = σ_min", lv)
	}
	cfg.Levels = []diffusion.Level{{S: 0.5, Sigma: 2, Lambda: 3}}
	if lv, _ := cfg.NoiseLevels(); len(lv) != 1 || lv[0] != cfg.Levels[0] {
		t.Errorf("explicit levels %+v, want %+v", lv, cfg.Levels)
	}
}
