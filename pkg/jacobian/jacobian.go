package jacobian

import (
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

// Options configures a Computer.
type Options struct {
	// Shape is the shape of one sample as the function sees it, e.g. [C, H, W];
	// its product must be n, the number of columns of the points. nil means [n].
	Shape []int
	// DType is the dtype of the function's input (the Jacobian is returned in
	// float64). The zero value means Float64.
	DType dtypes.DType
	// Rows is the number of output coordinates differentiated per pass: the
	// function runs on a batch of Rows·B items. 0 means all n in one pass.
	Rows int
	// Store holds the function's variables when it reads them from a
	// model.Scope (a trained U-Net, e.g. unet.Net.Store()): the graph is then
	// run by a model.Exec on this store and sees the variables' current
	// values at every call. nil for variable-free functions.
	Store *model.Store
}

// Computer computes Jacobians of one denoiser D(x;σ) with respect to x. Its
// graph is compiled once per batch shape. It is safe for concurrent use.
type Computer struct {
	backend compute.Backend
	f       func(x, sigma *graph.Node) *graph.Node
	opts    Options

	once    sync.Once
	exec    caller
	execErr error
}

type caller interface {
	Call(args ...any) ([]*tensors.Tensor, error)
}

// New returns a Computer for the denoiser d (x [B, shape…], sigma [B] → same
// shape as x; any sampler.Denoiser fits). d must map every sample to n values.
func New(backend compute.Backend, d func(x, sigma *graph.Node) *graph.Node, opts Options) (*Computer, error) {
	if backend == nil {
		return nil, fmt.Errorf("jacobian: backend is nil, want a GoMLX backend (backend.Must())")
	}
	if d == nil {
		return nil, fmt.Errorf("jacobian: function is nil, want a graph function")
	}
	for i, s := range opts.Shape {
		if s < 1 {
			return nil, fmt.Errorf("jacobian: sample shape %v has dimension %d = %d, want every dimension ≥ 1", opts.Shape, i, s)
		}
	}
	if opts.Rows < 0 {
		return nil, fmt.Errorf("jacobian: rows per pass = %d, want Rows ≥ 0 (0 means all)", opts.Rows)
	}
	if opts.DType == dtypes.InvalidDType {
		opts.DType = dtypes.Float64
	}
	if !opts.DType.IsFloat() {
		return nil, fmt.Errorf("jacobian: dtype %s, want a float dtype", opts.DType)
	}
	opts.Shape = append([]int(nil), opts.Shape...)
	return &Computer{backend: backend, f: d, opts: opts}, nil
}

// Of returns the B Jacobians ∂f(x_b)/∂x_b (n×n each) of a batched function
// f: [B, n] → [B, n] at the rows x_b of x, in float64.
func Of(backend compute.Backend, f func(x *graph.Node) *graph.Node, x *mat.Dense) ([]*mat.Dense, error) {
	return OfShape(backend, f, x, nil)
}

// OfShape is Of for a function of image-shaped samples: f takes
// [B, shape…] (the rows of x reshaped) and returns B·n values.
func OfShape(backend compute.Backend, f func(x *graph.Node) *graph.Node, x *mat.Dense, shape []int) ([]*mat.Dense, error) {
	if f == nil {
		return nil, fmt.Errorf("jacobian: function is nil, want a graph function")
	}
	c, err := New(backend, func(x, _ *graph.Node) *graph.Node { return f(x) }, Options{Shape: shape})
	if err != nil {
		return nil, err
	}
	return c.At(x, 1)
}

// At returns the Jacobians ∂D(x_b;σ)/∂x_b (n×n, float64) at every row x_b of
// x, for one noise level σ > 0.
func (c *Computer) At(x *mat.Dense, sigma float64) ([]*mat.Dense, error) {
	if math.IsNaN(sigma) || math.IsInf(sigma, 0) || sigma <= 0 {
		return nil, fmt.Errorf("jacobian: noise level σ = %v, want a finite σ > 0", sigma)
	}
	b, n, err := c.checkData(x)
	if err != nil {
		return nil, err
	}
	c.once.Do(c.compile)
	if c.execErr != nil {
		return nil, c.execErr
	}
	rows := c.rowsPerPass(n)
	xt, err := tensormat.FromMatrix(x, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	defer xt.FinalizeAll()
	js := make([]*mat.Dense, b)
	for i := range js {
		js[i] = mat.NewDense(n, n, nil)
	}
	for r0 := 0; r0 < n; r0 += rows {
		outs, err := c.exec.Call(xt, sigma, int32(r0))
		if err != nil {
			return nil, fmt.Errorf("jacobian: %w", err)
		}
		flat := tensors.MustCopyFlatData[float64](outs[0]) // [B, rows, n]
		outs[0].FinalizeAll()
		for i := range b {
			for r := 0; r < rows && r0+r < n; r++ {
				copy(js[i].RawRowView(r0+r), flat[(i*rows+r)*n:(i*rows+r+1)*n])
			}
		}
	}
	return js, nil
}

func (c *Computer) checkData(x *mat.Dense) (b, n int, err error) {
	if x == nil || x.IsEmpty() {
		return 0, 0, fmt.Errorf("jacobian: points x are empty, want a B×n matrix with B, n ≥ 1")
	}
	b, n = x.Dims()
	if len(c.opts.Shape) > 0 {
		p := 1
		for _, d := range c.opts.Shape {
			p *= d
		}
		if p != n {
			return 0, 0, fmt.Errorf("jacobian: points have n = %d columns but the sample shape %v has %d entries, want them equal", n, c.opts.Shape, p)
		}
	}
	for i := range b {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("jacobian: x[%d][%d] = %v, want finite values (no NaN or Inf)", i, j, v)
			}
		}
	}
	return b, n, nil
}
