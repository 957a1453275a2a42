package metrics_test

import (
	"fmt"

	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/molrg"
)

// The GL score (eq. 21) of a model that memorized its training set is 0; one
// that samples the MoLRG itself scores about 1. The numerical rank (eq. 46)
// of a spectrum with five equal values and small noise is 5.
func Example() {
	m, _ := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 1)
	train, _ := m.Sample(100, 1)
	fresh, _ := m.Sample(1000, 2)
	generated, _ := m.Sample(1000, 3)

	memorized, _ := metrics.GL(train.X, fresh.X, train.X)
	generalized, _ := metrics.GL(generated.X, fresh.X, train.X)
	fmt.Printf("GL(memorized) = %.2f, GL(fresh draw) ≈ %.1f\n", memorized, generalized)

	sv := []float64{1, 1, 1, 1, 1, 1e-3, 1e-3, 1e-3}
	fmt.Println("numerical rank:", metrics.NumericalRank(sv, metrics.RankFraction))
	// Output:
	// GL(memorized) = 0.00, GL(fresh draw) ≈ 1.0
	// numerical rank: 5
}
