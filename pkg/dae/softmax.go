package dae

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// SoftMax is the denoiser of eq. (9), the MoLRG posterior mean (eq. 8) with
// the bases U_k as parameters:
//
//	x_θ(x_t, t) = 1/(s_t(1+σ_t²)) · Σ_k w_k(θ; x_t) U_kU_kᵀx_t,
//	w_k = softmax_k( log π_k − (d_k/2)·log(1 + σ_t⁻²) + φ_t‖U_kᵀx_t‖² ),
//	φ_t = 1 / (2 s_t² σ_t² (1+σ_t²)).
//
// xt is [..., B, n]; s and sigma are [..., B] or scalars; bases[k] is
// [..., n, d_k] or [n, d_k]; pi holds π_k (nil means π_k = 1/K, and then the
// log π_k term cancels in the softmax).
func SoftMax(xt, s, sigma *Node, bases []*Node, pi []float64) *Node {
	checkSamples("SoftMax", xt, bases)
	if pi != nil && len(pi) != len(bases) {
		panic(fmt.Sprintf("dae.SoftMax: %d mixing weights π for K = %d bases, want one per basis", len(pi), len(bases)))
	}
	sB, sigmaB := perSample(s, xt), perSample(sigma, xt)
	one := ConstAs(sigmaB, 1)
	sigma2 := Square(sigmaB)
	// φ_t = 1 / (2 s² σ² (1+σ²)), shape [..., B, 1].
	phi := Inverse(Mul(ConstAs(sigmaB, 2), Mul(Square(sB), Mul(sigma2, Add(one, sigma2)))))
	// log(1 + σ⁻²)
	logRatio := Log1p(Inverse(sigma2))
	logits := make([]*Node, len(bases))
	recon := make([]*Node, len(bases))
	for k, u := range bases {
		c := project(xt, u) // U_kᵀx_t: [..., B, d_k]
		dk := u.Shape().Dimensions[u.Rank()-1]
		q := ReduceAndKeep(Square(c), ReduceSum, -1) // ‖U_kᵀx_t‖²: [..., B, 1]
		logit := Sub(Mul(phi, q), Mul(ConstAs(q, float64(dk)/2), logRatio))
		if pi != nil {
			logit = Add(logit, ConstAs(q, math.Log(pi[k])))
		}
		logits[k] = logit
		recon[k] = reconstruct(c, u) // U_kU_kᵀx_t: [..., B, n]
	}
	w := Softmax(Concatenate(logits, -1), -1) // [..., B, K]
	var sum *Node
	for k := range bases {
		term := Mul(SliceAxis(w, -1, AxisElem(k)), recon[k])
		if sum == nil {
			sum = term
		} else {
			sum = Add(sum, term)
		}
	}
	return Mul(shrinkage(sB, sigmaB), sum)
}
