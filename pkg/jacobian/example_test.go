package jacobian_test

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/molrg"
)

// The numerical rank (eq. 46) of the Jacobian of the ground-truth denoiser
// E[x₀|x_t] (eq. 8) for two orthogonal planes in ℝ¹⁰: at high SNR a point
// near one plane sees only that plane (rank d = 2); at low SNR both planes
// contribute (rank Σd_k = 4, the bound of Lemma 2).
func Example() {
	m, _ := molrg.New(molrg.Params{N: 10, Dims: []int{2, 2}, Orthogonal: true}, 1)
	denoise := func(x, sigma *graph.Node) *graph.Node {
		return m.PosteriorMeanGraph(x, graph.ScalarOne(x.Graph(), x.DType()), sigma)
	}
	c, err := jacobian.New(backend.Must(), denoise, jacobian.Options{})
	if err != nil {
		panic(err)
	}
	points, _ := m.SampleCounts([]int{1, 1}, 2) // one point on each plane
	for _, sigma := range []float64{0.01, 30} {
		js, err := c.At(points.X, sigma)
		if err != nil {
			panic(err)
		}
		ranks, _ := jacobian.Ranks(js, metrics.RankFraction)
		fmt.Printf("σ = %g: ranks %v\n", sigma, ranks)
	}
	// Output:
	// σ = 0.01: ranks [2 2]
	// σ = 30: ranks [4 4]
}
