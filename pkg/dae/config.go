package dae

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/molrg/molrg/pkg/diffusion"
)

// Parameterization selects the denoiser trained by Algorithm 1.
type Parameterization int

const (
	// ParamSoftMax is the soft-max DAE of eq. (9) (SoftMax).
	ParamSoftMax Parameterization = iota
	// ParamSingleGaussian is the single low-rank Gaussian DAE of eq. (11)
	// (SingleGaussian); it needs K = 1.
	ParamSingleGaussian
	// ParamHardMax is the hard-max DAE of eqs. (16)–(17) (HardMax).
	ParamHardMax
)

func (p Parameterization) String() string {
	switch p {
	case ParamSoftMax:
		return "soft-max (eq. 9)"
	case ParamSingleGaussian:
		return "single Gaussian (eq. 11)"
	case ParamHardMax:
		return "hard-max (eqs. 16-17)"
	}
	return fmt.Sprintf("Parameterization(%d)", int(p))
}

// DAE returns the denoiser as a graph function; pi are the mixing weights
// used by the soft-max logits (nil: uniform).
func (p Parameterization) DAE(pi []float64) DAE {
	switch p {
	case ParamSoftMax:
		return func(xt, _, s, sigma *Node, bases []*Node) *Node { return SoftMax(xt, s, sigma, bases, pi) }
	case ParamSingleGaussian:
		return func(xt, _, s, sigma *Node, bases []*Node) *Node {
			if len(bases) != 1 {
				panic(fmt.Sprintf("dae: the single Gaussian DAE (eq. 11) has one basis, got K = %d", len(bases)))
			}
			return SingleGaussian(xt, s, sigma, bases[0])
		}
	case ParamHardMax:
		return func(xt, x0, s, sigma *Node, bases []*Node) *Node { return HardMax(xt, x0, s, sigma, bases) }
	}
	panic(fmt.Sprintf("dae: unknown parameterization %d", int(p)))
}

// Init selects how Algorithm 1 initializes the bases.
type Init int

const (
	// InitRandom draws every U_k uniformly (Haar) from O^{n×d_k}.
	InitRandom Init = iota
	// InitNearTruth starts at the true bases plus a perturbation (eq. 48):
	// U_k = P_O(U⋆_k + δ·G_k), G_k with i.i.d. N(0, 1/n) entries, δ =
	// Config.InitPerturbation. It needs Instance.Truth.
	InitNearTruth
)

func (i Init) String() string {
	switch i {
	case InitRandom:
		return "random"
	case InitNearTruth:
		return "near-truth (eq. 48)"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Kernel selects how Algorithm 1 is computed; both compute the same steps
// from the same random draws and agree to float32 rounding.
type Kernel int

const (
	// KernelHost runs every step in Go on the host (host.go): float32, the
	// gradient of the loss (6) in closed form, AVX-512 where available, the
	// runs spread over GOMAXPROCS goroutines. Config.Backend is not used.
	KernelHost Kernel = iota
	// KernelGraph runs the steps as GoMLX graphs on Config.Backend, with
	// GoMLX's automatic differentiation (step.go).
	KernelGraph
)

func (k Kernel) String() string {
	switch k {
	case KernelHost:
		return "host"
	case KernelGraph:
		return "graph"
	}
	return fmt.Sprintf("Kernel(%d)", int(k))
}

// Config holds the hyperparameters of Algorithm 1. Values marked (ours) are
// not given in the paper; DefaultConfig documents why they were chosen.
type Config struct {
	Parameterization Parameterization
	Dims             []int     // d_k, one per component (K = len(Dims) ≥ 1); single Gaussian: K = 1
	Pi               []float64 // π_k in the soft-max logits; nil: 1/K

	// Time discretization: T levels with σ on a uniform grid over
	// [SigmaMin, SigmaMax] (T = 1: σ = SigmaMin), s_t = 1 (VE) and
	// λ_t = Lambda(σ_t) (nil: λ = 1). Levels, when set, replaces all of
	// these (e.g. a VP schedule from pkg/diffusion).
	T                  int
	SigmaMin, SigmaMax float64
	Lambda             func(sigma float64) float64
	Levels             []diffusion.Level

	Schedule      Schedule // step-size rule (schedule.go)
	StepSize      float64  // η at the first step, > 0
	FinalStepSize float64  // η at the last step, > 0 (ScheduleGeometric: geometric in between; = StepSize: constant)
	DecaySteps    float64  // ScheduleInvSqrt: t₀ of η_t = StepSize/√(1 + t/t₀), > 0
	BatchSize     int      // samples per instance per step (drawn uniformly with replacement)
	Steps         int      // SGD steps, the most a run takes when Tol > 0
	StepsPerExec  int      // SGD steps per graph execution (While loop; the pure-Go backend runs one), and per progress report
	LogEvery      int      // the loss curve averages the minibatch loss over windows of this many steps

	// Stopping on convergence (schedule.go): after every Window steps a run
	// compares the mean of its projections U_kU_kᵀ over the window with the
	// mean over the previous window; it has converged when
	// max_k ‖P̄_k − P̄'_k‖_F ≤ Tol. Tol = 0: every run takes Steps steps.
	Tol    float64
	Window int // steps per convergence window, ≥ 2

	Init             Init
	InitPerturbation float64 // δ of InitNearTruth, ≥ 0
	Restarts         int     // initializations per instance, ≥ 1; the one with the largest objective (18) is kept
	PolarIterations  int     // Newton–Schulz iterations of P_O, ≥ 1

	// Snapshots lists steps (increasing, 0 … Steps; 0 is the initial
	// bases) after which the bases are kept in Result.Snapshots: training
	// along the way, for figures. A run that stopped on convergence keeps its
	// final bases in the later snapshots. Snapshots do not change the result.
	Snapshots []int

	Seed    uint64          // run seed, mixed with every Instance.Seed
	Kernel  Kernel          // host (default) or GoMLX graphs on Backend
	Backend compute.Backend // KernelGraph only; nil: backend.Default(); a pure-Go backend should schedule one op at a time (backend.Go)

	unrolled bool // tests: unroll the steps even where a While loop is used
}

// DefaultConfig returns the defaults (ours) for Algorithm 1 with K = len(dims)
// components of dimensions dims and the given parameterization:
//
//   - σ_t on T = 10 levels uniform in [0.05, 0.2] (SNR 1/σ from 5 to 20),
//     s_t = 1, λ_t = 1. Theorems 1 and 3 hold at every noise level, so the
//     range is chosen for the SGD: for eq. (11) the expected loss is
//     const − c(σ)·Σ_i‖Uᵀx_i‖² with c(σ) = (1+2σ²)/(1+σ²)², largest at small
//     σ, while at the optimum the stochastic gradient still carries a term
//     (I−UUᵀ)ε·σ·rᵀU of size ~σ²√(nd) that grows with σ. On the tests' problems
//     σ_max = 0.5 leaves the bases ~0.05–0.15 from the optimum after 1000
//     steps, σ_max = 0.2 about 0.01–0.03. For eq. (9), φ_t = 1/(2σ²(1+σ²))
//     must be large for the weights w_k to separate the components, and
//     σ_min = 0.05 (φ ≤ 200) keeps the logits and their gradients moderate.
//   - η from 0.5 down to 0.005, geometrically. With P_O after every step a
//     large η acts like a subspace (power) iteration, U ← P_O((I + 2ηcΣ̂)U),
//     and reaches the basin of the optimum in tens of steps; the decay then
//     averages out the minibatch and ε noise.
//   - batch 32, 2000 steps, 50 steps per execution (a While loop; the
//     pure-Go backend runs one step per execution), loss logged every 50;
//     the host kernel; no stopping on convergence (Tol = 0; Window and
//     DecaySteps are those of ConvergedConfig, which keeps all of the above
//     but the schedule, the steps and Tol).
//   - random Haar initialization, one start, DefaultPolarIterations (12) Newton–Schulz iterations.
//     For K ≥ 2 the loss has spurious local minima from a random start
//     (bases that mix directions of different subspaces, as in K-subspaces):
//     the paper initializes near the truth (eq. 48, InitNearTruth; δ = 0.5
//     here puts U_k at distance ≈ 1 from U⋆_k), or use Restarts.
func DefaultConfig(p Parameterization, dims ...int) Config {
	return Config{
		Parameterization: p,
		Dims:             append([]int(nil), dims...),
		T:                10,
		SigmaMin:         0.05,
		SigmaMax:         0.2,
		Schedule:         ScheduleGeometric,
		StepSize:         0.5,
		FinalStepSize:    0.005,
		DecaySteps:       1000,
		BatchSize:        32,
		Steps:            2000,
		Window:           200,
		StepsPerExec:     50,
		LogEvery:         50,
		Init:             InitRandom,
		InitPerturbation: 0.5,
		Restarts:         1,
		PolarIterations:  DefaultPolarIterations,
	}
}

// ConvergedConfig is DefaultConfig with runs that stop on convergence
// (ours): ScheduleInvSqrt with η_t = 0.5/√(1 + t/1000), at most 4000 steps,
// the convergence test every Window = 200 steps with Tol = 0.05, then one
// annealing window down to η = 0.005. The step size decays slowly enough
// for the weak directions of barely full-rank data (see ScheduleInvSqrt), and
// runs that have settled stop after a few windows (about 700 steps where
// N_k ≫ d). Runs that cannot settle take all the steps: those with
// N_k < d, whose bases wander freely in the directions no sample determines,
// and those whose sample covariance has a tiny eigenvalue. On the noise-free
// phase-transition grid (bench/boundary) the success at N_k = d / d+1 is
// K = 1: 0.85 / 0.97 with 8000 steps, against 0.55 / 0.78 for DefaultConfig;
// 4000 steps keep the default sweep at about the cost of DefaultConfig's
// 2000 fixed steps with the geometric schedule (see bench/README.md).
func ConvergedConfig(p Parameterization, dims ...int) Config {
	c := DefaultConfig(p, dims...)
	c.Schedule, c.DecaySteps = ScheduleInvSqrt, 1000
	c.Steps, c.Window, c.Tol = 4000, 200, 0.05
	return c
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// NoiseLevels returns the discretized time axis Algorithm 1 draws from:
// Levels when set, else diffusion.UniformLevels(T, SigmaMin, SigmaMax,
// Lambda).
func (c Config) NoiseLevels() ([]diffusion.Level, error) {
	if c.Levels != nil {
		return append([]diffusion.Level(nil), c.Levels...), diffusion.CheckLevels(c.Levels)
	}
	return diffusion.UniformLevels(c.T, c.SigmaMin, c.SigmaMax, c.Lambda)
}

// levels is NoiseLevels for a Config that passed Validate (which checks
// the levels).
func (c *Config) levels() []diffusion.Level {
	lv, _ := c.NoiseLevels()
	return lv
}

// Validate checks every hyperparameter and returns an error naming the first
// bad one and its allowed range. n is the ambient dimension of the data.
func (c *Config) Validate(n int) error {
	if n < 1 {
		return fmt.Errorf("dae: ambient dimension n = %d, want n ≥ 1", n)
	}
	switch c.Parameterization {
	case ParamSoftMax, ParamHardMax, ParamSingleGaussian:
	default:
		return fmt.Errorf("dae: Parameterization = %d, want ParamSoftMax, ParamSingleGaussian or ParamHardMax", int(c.Parameterization))
	}
	if len(c.Dims) < 1 {
		return fmt.Errorf("dae: Dims has K = %d components, want K ≥ 1", len(c.Dims))
	}
	if c.Parameterization == ParamSingleGaussian && len(c.Dims) != 1 {
		return fmt.Errorf("dae: Dims has K = %d components, want K = 1 for the single Gaussian DAE (eq. 11)", len(c.Dims))
	}
	for k, d := range c.Dims {
		if d < 1 || d > n {
			return fmt.Errorf("dae: Dims[%d] = d_%d = %d, want 1 ≤ d_k ≤ n = %d", k, k, d, n)
		}
	}
	if c.Pi != nil {
		if len(c.Pi) != len(c.Dims) {
			return fmt.Errorf("dae: Pi has %d mixing weights for K = %d components, want one per component", len(c.Pi), len(c.Dims))
		}
		sum := 0.0
		for k, p := range c.Pi {
			if !(p > 0) || !finite(p) {
				return fmt.Errorf("dae: Pi[%d] = π_%d = %v, want 0 < π_k ≤ 1", k, k, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 {
			return fmt.Errorf("dae: Pi sums to %v, want Σπ_k = 1", sum)
		}
	}
	if _, err := c.NoiseLevels(); err != nil {
		return fmt.Errorf("dae: %w (Levels, or T, SigmaMin, SigmaMax and Lambda)", err)
	}
	if !(c.StepSize > 0) || !finite(c.StepSize) {
		return fmt.Errorf("dae: StepSize = η = %v, want a finite η > 0", c.StepSize)
	}
	if !(c.FinalStepSize > 0) || !finite(c.FinalStepSize) {
		return fmt.Errorf("dae: FinalStepSize = %v, want a finite value > 0 (= StepSize for a constant step)", c.FinalStepSize)
	}
	switch c.Schedule {
	case ScheduleGeometric:
	case ScheduleInvSqrt:
		if !(c.DecaySteps > 0) || !finite(c.DecaySteps) {
			return fmt.Errorf("dae: DecaySteps = t₀ = %v, want a finite t₀ > 0 for ScheduleInvSqrt", c.DecaySteps)
		}
	default:
		return fmt.Errorf("dae: Schedule = %d, want ScheduleGeometric or ScheduleInvSqrt", int(c.Schedule))
	}
	if !(c.Tol >= 0) || !finite(c.Tol) {
		return fmt.Errorf("dae: Tol = %v, want a finite Tol ≥ 0 (0: no stopping on convergence)", c.Tol)
	}
	if c.Window < 2 {
		return fmt.Errorf("dae: Window = %d, want Window ≥ 2 steps", c.Window)
	}
	if c.BatchSize < 1 {
		return fmt.Errorf("dae: BatchSize = %d, want BatchSize ≥ 1", c.BatchSize)
	}
	if c.Steps < 1 {
		return fmt.Errorf("dae: Steps = %d, want Steps ≥ 1", c.Steps)
	}
	if c.StepsPerExec < 1 {
		return fmt.Errorf("dae: StepsPerExec = %d, want StepsPerExec ≥ 1", c.StepsPerExec)
	}
	if c.LogEvery < 1 {
		return fmt.Errorf("dae: LogEvery = %d, want LogEvery ≥ 1", c.LogEvery)
	}
	switch c.Init {
	case InitRandom, InitNearTruth:
	default:
		return fmt.Errorf("dae: Init = %d, want InitRandom or InitNearTruth", int(c.Init))
	}
	if !(c.InitPerturbation >= 0) || !finite(c.InitPerturbation) {
		return fmt.Errorf("dae: InitPerturbation = δ = %v, want a finite δ ≥ 0", c.InitPerturbation)
	}
	if c.Restarts < 1 {
		return fmt.Errorf("dae: Restarts = %d, want Restarts ≥ 1", c.Restarts)
	}
	switch c.Kernel {
	case KernelHost:
	case KernelGraph:
		if c.Tol != 0 {
			return fmt.Errorf("dae: Tol = %v with KernelGraph, want Tol = 0: only the host kernel stops runs on convergence", c.Tol)
		}
	default:
		return fmt.Errorf("dae: Kernel = %d, want KernelHost or KernelGraph", int(c.Kernel))
	}
	if err := c.validateSnapshots(); err != nil {
		return err
	}
	if c.PolarIterations < 1 || c.PolarIterations > 200 {
		return fmt.Errorf("dae: PolarIterations = %d, want 1 ≤ PolarIterations ≤ 200", c.PolarIterations)
	}
	return nil
}
