package dae

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// HardMax is the denoiser of eqs. (16)–(17):
//
//	x_θ(x_t, t) = U_k̂U_k̂ᵀx_t / (s_t(1+σ_t²)),  k̂ = argmax_k ‖U_kᵀx₀‖,
//
// where the clean sample x₀ picks the component (ties go to the lowest k).
// The choice k̂ carries no gradient. xt and x0 are [..., B, n]; s and sigma
// are [..., B] or scalars; bases[k] is [..., n, d_k] or [n, d_k]. Minimizing
// the loss (6) with it is subspace clustering, eq. (18) (Theorem 3).
func HardMax(xt, x0, s, sigma *Node, bases []*Node) *Node {
	checkSamples("HardMax", xt, bases)
	if !x0.Shape().Equal(xt.Shape()) {
		panic(fmt.Sprintf("dae.HardMax: x₀ of shape %s and x_t of shape %s, want equal shapes", x0.Shape(), xt.Shape()))
	}
	sB, sigmaB := perSample(s, xt), perSample(sigma, xt)
	norms := make([]*Node, len(bases))
	for k, u := range bases {
		norms[k] = ReduceAndKeep(Square(project(x0, u)), ReduceSum, -1) // ‖U_kᵀx₀‖²: [..., B, 1]
	}
	all := StopGradient(Concatenate(norms, -1))                  // [..., B, K]
	khat := ArgMax(all, -1)                                      // [..., B]
	onehot := StopGradient(OneHot(khat, len(bases), xt.DType())) // [..., B, K]
	var sum *Node
	for k, u := range bases {
		term := Mul(SliceAxis(onehot, -1, AxisElem(k)), reconstruct(project(xt, u), u))
		if sum == nil {
			sum = term
		} else {
			sum = Add(sum, term)
		}
	}
	return Mul(shrinkage(sB, sigmaB), sum)
}
