package edit

import (
	"fmt"
	"math"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/tensormat"
	"gonum.org/v1/gonum/mat"
)

// operator applies A = diag(m)·J and AᵀA to blocks of vectors, where
// J = ∂D(x;σ)/∂x at one point x and level σ, and m is the 0/1 output mask
// (all ones without a mask). GoMLX has reverse-mode autodiff only, so the
// Jacobian-vector products J·v are double VJPs: with g(w) = Jᵀw (one VJP,
// linear in w), ⟨g(w), v⟩ = ⟨w, Jv⟩, so ∇_w⟨g(w), v⟩ = Jv.
//
// One call takes p vectors V (p×n) and returns U = A·V (as rows, p×n) and
// Z = Aᵀ·U = AᵀA·V (p×n): the two halves of a subspace-iteration step.
type operator struct {
	backend compute.Backend
	spec    experiment.DenoiserSpec
	n       int

	once    sync.Once
	exec    caller
	execErr error
}

type caller interface {
	Call(args ...any) ([]*tensors.Tensor, error)
}

func newOperator(be compute.Backend, spec experiment.DenoiserSpec, n int) *operator {
	return &operator{backend: be, spec: spec, n: n}
}

func (o *operator) compile() {
	if o.spec.Store == nil {
		e, err := NewExec(o.backend, o.graph)
		if err != nil {
			o.execErr = err
			return
		}
		o.exec = e.SetMaxCache(-1)
		return
	}
	e, err := model.NewExec(o.backend, o.spec.Store, func(_ *model.Scope, x, sigma, mask, v *Node) []*Node {
		return o.graph(x, sigma, mask, v)
	})
	if err != nil {
		o.execErr = err
		return
	}
	o.exec = e.SetMaxCache(-1)
}

// graph builds U = diag(m)·J·Vᵀ and Z = Jᵀ·U for x [n], σ (scalar), the
// mask m [n] and the block V [p, n] (all float64).
func (o *operator) graph(x, sigma, mask, v *Node) []*Node {
	p, n := v.Shape().Dim(0), v.Shape().Dim(1)
	dt := o.spec.DType
	if dt == dtypes.InvalidDType {
		dt = dtypes.Float64
	}
	xr := BroadcastToDims(InsertAxes(x, 0), p, n) // p copies of x
	dims := append([]int{p}, o.spec.Shape...)
	if len(o.spec.Shape) == 0 {
		dims = []int{p, n}
	}
	denoise := func(in *Node) *Node {
		sig := BroadcastToDims(ConvertDType(sigma, dt), p)
		y := o.spec.D(ConvertDType(Reshape(in, dims...), dt), sig)
		if y.Shape().Size() != p*n {
			panic(fmt.Errorf("edit: the denoiser returned shape %s for an input of shape %v, want %d values per sample", y.Shape(), dims, n))
		}
		return Reshape(ConvertDType(y, dtypes.Float64), p, n)
	}
	y := denoise(xr)
	w := ZerosLike(v)                               // the point where g(w) = Jᵀw is linearized (g is linear)
	g := Gradient(ReduceAllSum(Mul(y, w)), xr)[0]   // row b: Jᵀw_b
	jv := Gradient(ReduceAllSum(Mul(g, v)), w)[0]   // row b: J v_b (double VJP)
	u := StopGradient(Mul(jv, InsertAxes(mask, 0))) // A v_b = diag(m) J v_b
	z := Gradient(ReduceAllSum(Mul(y, u)), xr)[0]   // row b: Jᵀ u_b = AᵀA v_b
	return []*Node{u, z}
}

// apply returns U = A·V and Z = AᵀA·V for the columns of v (n×p), both n×p.
func (o *operator) apply(x []float64, sigma float64, mask []float64, v *mat.Dense) (u, z *mat.Dense, err error) {
	o.once.Do(o.compile)
	if o.execErr != nil {
		return nil, nil, fmt.Errorf("edit: compiling the Jacobian products: %w", o.execErr)
	}
	n, p := v.Dims()
	xt, err := tensormat.FromFlat(x, dtypes.Float64, n)
	if err != nil {
		return nil, nil, err
	}
	mt, err := tensormat.FromFlat(mask, dtypes.Float64, n)
	if err != nil {
		return nil, nil, err
	}
	vt, err := tensormat.FromMatrix(v.T(), dtypes.Float64)
	if err != nil {
		return nil, nil, err
	}
	defer func() { xt.FinalizeAll(); mt.FinalizeAll(); vt.FinalizeAll() }()
	outs, err := o.exec.Call(xt, sigma, mt, vt)
	if err != nil {
		return nil, nil, fmt.Errorf("edit: Jacobian products: %w", err)
	}
	defer func() { outs[0].FinalizeAll(); outs[1].FinalizeAll() }()
	ur, err := tensormat.ToDense(outs[0], p, n)
	if err != nil {
		return nil, nil, err
	}
	zr, err := tensormat.ToDense(outs[1], p, n)
	if err != nil {
		return nil, nil, err
	}
	u, z = mat.DenseCopyOf(ur.T()), mat.DenseCopyOf(zr.T())
	for _, m := range []*mat.Dense{u, z} {
		for _, val := range m.RawMatrix().Data {
			if math.IsNaN(val) || math.IsInf(val, 0) {
				return nil, nil, fmt.Errorf("edit: the Jacobian products hold NaN or Inf (σ = %v)", sigma)
			}
		}
	}
	return u, z, nil
}
