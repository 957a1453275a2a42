package unet

import (
	"github.com/molrg/molrg/pkg/diffusion"

	. "github.com/gomlx/gomlx/core/graph"
)

// EDMLossGraph is EDM's loss (EDMLoss.__call__) per image:
//
//	ℓ_i = λ(σ_i)·‖D(x₀ᵢ + σ_i·εᵢ; σ_i) − x₀ᵢ‖²,
//
// for clean images x0 [B, …], standard normal eps (same shape) and sigma
// [B]; it returns [B]. denoise builds D(x; σ). EDM's training objective is
// the batch mean of ℓ_i (loss.sum()/batch_size).
func EDMLossGraph(denoise func(xNoisy, sigma *Node) *Node, x0, eps, sigma *Node, sigmaData float64) *Node {
	b := x0.Shape().Dimensions[0]
	dims := make([]int, x0.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0] = b
	xn := Add(x0, Mul(Reshape(sigma, dims...), eps))
	d := denoise(xn, sigma)
	axes := make([]int, x0.Rank()-1)
	for i := range axes {
		axes[i] = i + 1
	}
	return Mul(diffusion.EDMLambdaGraph(sigma, sigmaData), ReduceSum(Square(Sub(d, x0)), axes...))
}
