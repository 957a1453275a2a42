package sampler_test

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
)

// Sample a MoLRG (two orthogonal subspaces of ℝ¹², d = 2 and 3) with the EDM
// Heun sampler and the ground-truth denoiser E[x₀|x_t] (eq. 8): every sample
// lands on one of the subspaces, with no training at all.
func Example() {
	m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 1)
	if err != nil {
		panic(err)
	}
	denoise := func(x, sigma *graph.Node) *graph.Node {
		return m.PosteriorMeanGraph(x, graph.ScalarOne(x.Graph(), x.DType()), sigma) // s_t = 1
	}
	s, err := sampler.New(backend.Must(), denoise, sampler.Options{})
	if err != nil {
		panic(err)
	}
	res, err := s.EDMSeed(100, 12, 42, sampler.DefaultConfig(), true)
	if err != nil {
		panic(err)
	}
	onUnion := 0
	for i := range 100 {
		x := res.X.RawRowView(i)
		if min(distToSpan(m.Bases[0], x), distToSpan(m.Bases[1], x)) < 1e-6*norm(x) {
			onUnion++
		}
	}
	fmt.Printf("%d noise levels from σ = %g to %g\n", len(res.Sigmas), res.Sigmas[0], res.Sigmas[18])
	fmt.Printf("%d of 100 samples on the union of subspaces\n", onUnion)
	// Output:
	// 19 noise levels from σ = 80 to 0
	// 100 of 100 samples on the union of subspaces
}
