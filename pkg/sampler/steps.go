package sampler

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// compile creates the step executors (each compiles once per batch shape).
func (s *Sampler) compile() {
	s.euler, s.execErr = s.newExec(s.eulerStep)
	if s.execErr == nil {
		s.heun, s.execErr = s.newExec(s.heunStep)
	}
}

// newExec wraps a step in a graph.Exec, or in a model.Exec when the denoiser
// reads variables from a store.
func (s *Sampler) newExec(step func(x, sigma, next *Node) (*Node, *Node)) (caller, error) {
	if s.store == nil {
		e, err := NewExec(s.backend, step)
		if err != nil {
			return nil, err
		}
		return e.SetMaxCache(-1), nil
	}
	e, err := model.NewExec(s.backend, s.store, func(_ *model.Scope, x, sigma, next *Node) (*Node, *Node) {
		return step(x, sigma, next)
	})
	if err != nil {
		return nil, err
	}
	return e.SetMaxCache(-1), nil
}

// denoised evaluates D(x;σ) for the float64 state x [B, n] and a float64
// scalar σ, in the denoiser's shape and dtype; the result is float64 [B, n].
func (s *Sampler) denoised(x, sigma *Node) *Node {
	b, n := x.Shape().Dim(0), x.Shape().Dim(1)
	dims := append([]int{b}, s.shape...)
	if len(s.shape) == 0 {
		dims = []int{b, n}
	}
	xin := ConvertDType(Reshape(x, dims...), s.dtype)
	sig := BroadcastToDims(ConvertDType(sigma, s.dtype), b)
	out := s.denoise(xin, sig)
	if !out.Shape().Equal(xin.Shape()) {
		panic(fmt.Errorf("sampler: denoiser returned shape %s for an input of shape %s, want the same shape", out.Shape(), xin.Shape()))
	}
	return Reshape(ConvertDType(out, dtypes.Float64), b, n)
}

// eulerStep is the probability-flow ODE Euler step (DDIM in the VE/EDM
// parameterization): x' = D + (σ'/σ)(x − D), D = D(x;σ).
// It returns x' and D.
func (s *Sampler) eulerStep(x, sigma, next *Node) (*Node, *Node) {
	d := s.denoised(x, sigma)
	return Add(d, Mul(Div(next, sigma), Sub(x, d))), d
}

// heunStep is one step of Karras et al. (2022), Algorithm 1 with S_churn = 0:
//
//	d  = (x − D(x;σ))/σ,          x̃ = x + (σ' − σ)·d        (Euler, lines 5–8)
//	d' = (x̃ − D(x̃;σ'))/σ',       x' = x + (σ' − σ)·(d + d')/2  (lines 9–11)
//
// valid for σ' ≠ 0. It returns x' and D(x;σ).
func (s *Sampler) heunStep(x, sigma, next *Node) (*Node, *Node) {
	den := s.denoised(x, sigma)
	h := Sub(next, sigma)
	d := Div(Sub(x, den), sigma)
	xe := Add(x, Mul(h, d))
	d2 := Div(Sub(xe, s.denoised(xe, next)), next)
	return Add(x, Mul(MulScalar(h, 0.5), Add(d, d2))), den
}
