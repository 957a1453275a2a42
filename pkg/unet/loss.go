package unet

import (
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph"
)

// EDM's training distribution of noise levels: ln σ ~ N(PMean, PStd²)
// (docs/mathematics.md#edm-preconditioning-and-loss).
const (
	PMean = -1.2
	PStd  = 1.2
)

// LossWeight is EDM's λ(σ) = (σ² + σ_d²)/(σ·σ_d)² = 1/c_out(σ)².
func LossWeight(sigma, sigmaData float64) float64 {
	return (sigma*sigma + sigmaData*sigmaData) / (sigma * sigmaData * sigma * sigmaData)
}

// SampleSigma draws σ = exp(pMean + pStd·n), n ~ N(0, 1).
func SampleSigma(rng *rand.Rand, pMean, pStd float64) float64 {
	return math.Exp(pMean + pStd*rng.NormFloat64())
}

// LossWeightGraph is LossWeight for sigma [B].
func LossWeightGraph(sigma *Node, sigmaData float64) *Node {
	d2 := sigmaData * sigmaData
	return Div(AddScalar(Square(sigma), d2), MulScalar(Square(sigma), d2))
}

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
	return Mul(LossWeightGraph(sigma, sigmaData), ReduceSum(Square(Sub(d, x0)), axes...))
}
