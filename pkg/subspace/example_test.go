package subspace_test

import (
	"fmt"

	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

// K-subspaces (eq. 18) recovers three orthogonal 6-dimensional subspaces of
// ℝ⁴⁸ from N_k = 2d noise-free samples each (Theorem 4), and PCA (eq. 12)
// recovers one subspace from N = d samples (Theorem 2).
func Example() {
	model, err := molrg.New(molrg.Params{N: 48, Dims: []int{6, 6, 6}, Orthogonal: true}, 1)
	if err != nil {
		panic(err)
	}
	data, err := model.SampleCounts([]int{12, 12, 12}, 2)
	if err != nil {
		panic(err)
	}
	res, err := subspace.KSubspaces(data.X, model.Dims(), subspace.KSubspacesOptions{Init: subspace.InitSpectral, Seed: 3})
	if err != nil {
		panic(err)
	}
	ok, err := subspace.Success(res.Bases, model.Bases, subspace.DefaultTau)
	if err != nil {
		panic(err)
	}
	_, maxDist, _ := subspace.BestPermutation(res.Bases, model.Bases)
	fmt.Printf("K-subspaces: success %v, max distance < 1e-9: %v\n", ok, maxDist < 1e-9)

	one := data.X.Slice(0, 6, 0, 48) // the first N = d = 6 samples, all from component 0
	u, err := subspace.PCA(mat.DenseCopyOf(one), 6)
	if err != nil {
		panic(err)
	}
	fmt.Printf("PCA with N = d: distance < 1e-9: %v\n", subspace.Distance(u, model.Bases[0]) < 1e-9)
	// Output:
	// K-subspaces: success true, max distance < 1e-9: true
	// PCA with N = d: distance < 1e-9: true
}
