package dae

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// SampleLoss is the per-sample integrand of the training loss (eq. 6) at one
// draw of (t, ε):
//
//	λ_t · ‖x_θ(s_t x₀ + s_tσ_t ε, t) − x₀‖²,
//
// with x0 and eps of shape [..., B, n], s, sigma and lambda of shape [..., B]
// (or scalars) and bases[k] of shape [..., n, d_k] (or [n, d_k]). It returns
// [..., B].
func SampleLoss(dae DAE, bases []*Node, x0, eps, s, sigma, lambda *Node) *Node {
	if !x0.Shape().Equal(eps.Shape()) {
		panic(fmt.Sprintf("dae.SampleLoss: x₀ of shape %s and ε of shape %s, want equal shapes", x0.Shape(), eps.Shape()))
	}
	sB, sigmaB := perSample(s, x0), perSample(sigma, x0)
	// Forward process (eq. 3): x_t = s_t x₀ + s_t σ_t ε.
	xt := Add(Mul(sB, x0), Mul(Mul(sB, sigmaB), eps))
	r := Sub(dae(xt, x0, s, sigma, bases), x0)
	return Mul(lambda, ReduceSum(Square(r), -1))
}

// Loss is the minibatch estimate of the training loss (eq. 6): the mean over
// the B axis of SampleLoss. It returns the leading axes [...] (a scalar for
// x0 of shape [B, n]).
func Loss(dae DAE, bases []*Node, x0, eps, s, sigma, lambda *Node) *Node {
	return ReduceMean(SampleLoss(dae, bases, x0, eps, s, sigma, lambda), -1)
}
