package unet

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
)

// SigmaData is σ_d of EDM (the data standard deviation assumed by the
// preconditioning), 0.5.
const SigmaData = 0.5

// Scalings returns EDM's preconditioning coefficients (Karras et al. 2022,
// Table 1; SPEC "EDM details") for noise level σ > 0 and data scale σ_d:
//
//	c_skip = σ_d²/(σ²+σ_d²),  c_out = σ·σ_d/√(σ²+σ_d²),
//	c_in = 1/√(σ²+σ_d²),      c_noise = ln(σ)/4.
func Scalings(sigma, sigmaData float64) (cSkip, cOut, cIn, cNoise float64) {
	s2, d2 := sigma*sigma, sigmaData*sigmaData
	cSkip = d2 / (s2 + d2)
	cOut = sigma * sigmaData / math.Sqrt(s2+d2)
	cIn = 1 / math.Sqrt(s2+d2)
	cNoise = math.Log(sigma) / 4
	return
}

// ScalingsGraph is Scalings for a batch of noise levels sigma [B] (graph
// version, same dtype as sigma).
func ScalingsGraph(sigma *Node, sigmaData float64) (cSkip, cOut, cIn, cNoise *Node) {
	d2 := sigmaData * sigmaData
	s2d2 := AddScalar(Square(sigma), d2)
	cSkip = Div(Scalar(sigma.Graph(), sigma.DType(), d2), s2d2)
	cIn = Reciprocal(Sqrt(s2d2))
	cOut = Mul(MulScalar(sigma, sigmaData), cIn)
	cNoise = MulScalar(Log(sigma), 0.25)
	return
}

// PreconditionGraph builds EDM's denoiser
//
//	D(x; σ) = c_skip(σ)·x + c_out(σ)·F(c_in(σ)·x; c_noise(σ))
//
// (EDMPrecond.forward) for x [B, …] and sigma [B], where F(xIn, cNoise) is
// the raw network (xIn shaped like x, cNoise [B]).
func PreconditionGraph(x, sigma *Node, sigmaData float64, F func(xIn, cNoise *Node) *Node) *Node {
	b := x.Shape().Dimensions[0]
	cSkip, cOut, cIn, cNoise := ScalingsGraph(sigma, sigmaData)
	bcast := func(c *Node) *Node {
		dims := make([]int, x.Rank())
		for i := range dims {
			dims[i] = 1
		}
		dims[0] = b
		return Reshape(c, dims...)
	}
	fx := F(Mul(bcast(cIn), x), cNoise)
	return Add(Mul(bcast(cSkip), x), Mul(bcast(cOut), fx))
}
