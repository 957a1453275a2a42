package subspace

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// DefaultTau is the success threshold of Figures 4 and 8 (ours; see docs/choices.md).
const DefaultTau = 0.5

// Success is the recovery criterion of the phase-transition experiments
// (Theorems 2 and 4): after the best permutation π (BestPermutation),
//
//	max_k ‖U_{π(k)}U_{π(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F ≤ τ.
//
// Since ‖P − P⋆‖²_F = 2d − 2‖UᵀU⋆‖²_F ∈ [0, 2d], τ = DefaultTau = 0.5 is a
// small fraction of the largest possible distance √(2d).
//
// Errors: τ ≤ 0 or NaN, and those of BestPermutation.
func Success(est, truth []*mat.Dense, tau float64) (bool, error) {
	if math.IsNaN(tau) || tau <= 0 {
		return false, fmt.Errorf("subspace: success threshold τ = %v, want τ > 0 (default %v)", tau, DefaultTau)
	}
	_, maxDist, err := BestPermutation(est, truth)
	if err != nil {
		return false, err
	}
	return maxDist <= tau, nil
}
