package sampler

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/molrg/molrg/pkg/tensormat"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/gonum/mat"
)

// Denoiser is a denoiser in the EDM convention (s_t = 1):
// D(x;σ) ≈ E[x₀ | x₀ + σε]. x has shape [B, …] (one sample per leading index)
// and the result must have the same shape. The Sampler always passes sigma as
// a [B] vector of x's dtype; a Denoiser should also accept a scalar sigma.
// molrg's ground-truth posterior mean (eq. 8) and the U-Net's DenoiseGraph
// both fit this type.
type Denoiser func(x, sigma *graph.Node) *graph.Node

// Method is an ODE solver for one step of the probability-flow ODE.
type Method int

const (
	// Euler is the first-order step x' = D + (σ'/σ)(x − D): deterministic
	// DDIM in the EDM/VE parameterization, and DDIM inversion when σ' > σ.
	Euler Method = iota
	// Heun is the second-order step of Karras et al. (2022, Algorithm 1):
	// an Euler step then the trapezoidal correction; the step to σ' = 0 is
	// an Euler step.
	Heun
)

func (m Method) String() string {
	switch m {
	case Euler:
		return "Euler"
	case Heun:
		return "Heun"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Options configures a Sampler.
type Options struct {
	// Shape is the shape of one sample as the denoiser sees it, e.g. [C, H, W];
	// its product must be n, the number of columns of the data. nil means [n].
	Shape []int
	// DType is the dtype of the denoiser's input and output (the ODE itself is
	// integrated in float64). The zero value means Float64.
	DType dtypes.DType
	// Store holds the denoiser's variables when it reads them from a
	// model.Scope (a trained U-Net, e.g. unet.Net.Store()): the step graphs
	// are then run by a model.Exec on this store and see the variables'
	// current values at every call. nil for variable-free denoisers, or for
	// denoisers that embed their weights as constants when the graph is
	// built (then make a new Sampler after more training).
	Store *model.Store
}

// Sampler integrates the probability-flow ODE of one denoiser. Its step
// graphs are compiled once per batch shape and reused. It is safe for
// concurrent use.
type Sampler struct {
	backend compute.Backend
	denoise Denoiser
	shape   []int
	dtype   dtypes.DType
	store   *model.Store

	once        sync.Once
	euler, heun caller
	execErr     error
}

// caller is what graph.Exec and model.Exec have in common.
type caller interface {
	Call(args ...any) ([]*tensors.Tensor, error)
}

// New returns a Sampler for the denoiser d on the given backend.
func New(backend compute.Backend, d Denoiser, opts Options) (*Sampler, error) {
	if backend == nil {
		return nil, fmt.Errorf("sampler: backend is nil, want a GoMLX backend (backend.Must())")
	}
	if d == nil {
		return nil, fmt.Errorf("sampler: denoiser is nil, want a graph function D(x, σ)")
	}
	for i, s := range opts.Shape {
		if s < 1 {
			return nil, fmt.Errorf("sampler: sample shape %v has dimension %d = %d, want every dimension ≥ 1", opts.Shape, i, s)
		}
	}
	dt := opts.DType
	if dt == dtypes.InvalidDType {
		dt = dtypes.Float64
	}
	if !dt.IsFloat() {
		return nil, fmt.Errorf("sampler: denoiser dtype %s, want a float dtype", dt)
	}
	return &Sampler{backend: backend, denoise: d, shape: append([]int(nil), opts.Shape...), dtype: dt, store: opts.Store}, nil
}

// Result is the outcome of an integration from σ_0 to σ_N.
type Result struct {
	X      *mat.Dense // the final state x_N (B×n)
	Sigmas []float64  // the noise levels σ_0, …, σ_N
	// With a kept trajectory: Trajectory[i] = x_i (i = 0…N, Trajectory[N] = X)
	// and Denoised[i] = D(x_i; σ_i) (i = 0…N−1); nil otherwise.
	Trajectory []*mat.Dense
	Denoised   []*mat.Dense
}

// Integrate solves the probability-flow ODE dx/dσ = (x − D(x;σ))/σ from x
// (the state at sigmas[0]) through every level of sigmas, with the given
// method. A decreasing grid samples (its last level may be 0, where the state
// becomes D(x;σ_{N−1})); an increasing grid inverts. keep records the
// trajectory.
func (s *Sampler) Integrate(x *mat.Dense, sigmas []float64, method Method, keep bool) (*Result, error) {
	if err := validateSigmas(sigmas); err != nil {
		return nil, err
	}
	if method != Euler && method != Heun {
		return nil, fmt.Errorf("sampler: method %v, want Euler or Heun", method)
	}
	b, n, err := s.checkData(x)
	if err != nil {
		return nil, err
	}
	s.once.Do(s.compile)
	if s.execErr != nil {
		return nil, s.execErr
	}
	res := &Result{Sigmas: append([]float64(nil), sigmas...)}
	state, err := tensormat.FromMatrix(x, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	if keep {
		res.Trajectory = append(res.Trajectory, mat.DenseCopyOf(x))
	}
	for i := 0; i+1 < len(sigmas); i++ {
		exec := s.euler
		if method == Heun && sigmas[i+1] != 0 {
			exec = s.heun
		}
		outs, err := exec.Call(state, sigmas[i], sigmas[i+1])
		if err != nil {
			return nil, fmt.Errorf("sampler: step %d (σ = %v → %v): %w", i, sigmas[i], sigmas[i+1], err)
		}
		state.FinalizeAll() // our copy of x or an intermediate state
		state = outs[0]
		if keep {
			xi, err1 := tensormat.ToDense(state, b, n)
			di, err2 := tensormat.ToDense(outs[1], b, n)
			if err := errors.Join(err1, err2); err != nil {
				return nil, err
			}
			res.Trajectory = append(res.Trajectory, xi)
			res.Denoised = append(res.Denoised, di)
		}
		outs[1].FinalizeAll()
	}
	if res.X, err = tensormat.ToDense(state, b, n); err != nil {
		return nil, err
	}
	state.FinalizeAll()
	if keep {
		res.X = res.Trajectory[len(res.Trajectory)-1]
	}
	return res, nil
}

// checkData validates x (B×n, matching the sample shape, no NaN or Inf).
func (s *Sampler) checkData(x *mat.Dense) (b, n int, err error) {
	if x == nil || x.IsEmpty() {
		return 0, 0, fmt.Errorf("sampler: data x is empty, want a B×n matrix with B, n ≥ 1")
	}
	b, n = x.Dims()
	if len(s.shape) > 0 {
		p := 1
		for _, d := range s.shape {
			p *= d
		}
		if p != n {
			return 0, 0, fmt.Errorf("sampler: data x has n = %d columns but the sample shape %v has %d entries, want them equal", n, s.shape, p)
		}
	}
	for i := range b {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("sampler: data x[%d][%d] = %v, want finite values (no NaN or Inf)", i, j, v)
			}
		}
	}
	return b, n, nil
}
