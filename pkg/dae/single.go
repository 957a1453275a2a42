package dae

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// SingleGaussian is the denoiser of eq. (11), the posterior mean of a single
// low-rank Gaussian N(0, UUᵀ):
//
//	x_θ(x_t, t) = UUᵀx_t / (s_t(1+σ_t²)).
//
// xt is [..., B, n]; s and sigma are [..., B] or scalars; u is [..., n, d] or
// [n, d]. Minimizing the loss (6) with it is PCA (Theorem 1).
func SingleGaussian(xt, s, sigma, u *Node) *Node {
	checkSamples("SingleGaussian", xt, []*Node{u})
	sB, sigmaB := perSample(s, xt), perSample(sigma, xt)
	return Mul(shrinkage(sB, sigmaB), reconstruct(project(xt, u), u))
}
