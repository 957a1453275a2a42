package molrg

import "github.com/gomlx/gomlx/core/graph"

// Denoiser returns the ground-truth denoiser of the model in the EDM / VE
// convention (s_t = 1), D(x; σ) = E[x₀ | x₀ + σε] (eq. 8), as a graph
// function of x [B, n] and σ ([B] or a scalar). It has the signature of
// sampler.Denoiser and of the functions pkg/jacobian differentiates.
func (m *Model) Denoiser() func(x, sigma *graph.Node) *graph.Node {
	return func(x, sigma *graph.Node) *graph.Node {
		return m.PosteriorMeanGraph(x, graph.ScalarOne(x.Graph(), x.DType()), sigma) // s_t = 1
	}
}
