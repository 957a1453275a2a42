package dae_test

import (
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/subspace"
)

// Train the soft-max DAE (eq. 9) with Algorithm 1 on samples of a MoLRG with
// two orthogonal 2-dimensional subspaces in ℝ⁸, N_k = 6 ≥ d samples each,
// and check that the trained bases span the true subspaces (Theorem 3).
func ExampleTrain() {
	model, err := molrg.New(molrg.Params{N: 8, Dims: []int{2, 2}, Orthogonal: true}, 1)
	if err != nil {
		panic(err)
	}
	data, err := model.SampleCounts([]int{6, 6}, 2)
	if err != nil {
		panic(err)
	}
	cfg := dae.DefaultConfig(dae.ParamSoftMax, 2, 2)
	cfg.Init = dae.InitNearTruth // eq. (48), as in the paper's experiments
	cfg.Steps = 500
	res, err := dae.Train(cfg, []dae.Instance{{X: data.X, Truth: model.Bases, Seed: 3}})
	if err != nil {
		panic(err)
	}
	u := res.Bases[0]
	// Subspace distances up to the order of the components.
	d := math.Min(
		math.Max(subspace.Distance(u[0], model.Bases[0]), subspace.Distance(u[1], model.Bases[1])),
		math.Max(subspace.Distance(u[1], model.Bases[0]), subspace.Distance(u[0], model.Bases[1])))
	fmt.Println("recovered:", d < 0.1)
	fmt.Println("loss decreased:", res.MeanLoss[len(res.MeanLoss)-1] < res.MeanLoss[0])
	// Output:
	// recovered: true
	// loss decreased: true
}
