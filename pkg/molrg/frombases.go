package molrg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// OrthonormalTol is the tolerance of FromBases on max |U_kᵀU_k − I|.
const OrthonormalTol = 1e-6

// FromBases builds a noiseless Model (δ = 0) from given bases U⋆_k ∈ O^{n×d_k}
// and mixing weights π (nil means π_k = 1/K). Every basis must have n rows and
// orthonormal columns, to OrthonormalTol in every entry of U_kᵀU_k − I. The
// subspaces need not be mutually orthogonal. The bases are copied.
func FromBases(bases []*mat.Dense, pi []float64) (*Model, error) {
	if len(bases) < 1 {
		return nil, fmt.Errorf("molrg: number of components K = %d, want K ≥ 1", len(bases))
	}
	m := &Model{}
	for k, u := range bases {
		if u == nil || u.IsEmpty() {
			return nil, fmt.Errorf("molrg: basis U_%d is empty, want an n×d_k matrix with 1 ≤ d_k ≤ n", k)
		}
		n, d := u.Dims()
		if k == 0 {
			m.N = n
		}
		if n != m.N {
			return nil, fmt.Errorf("molrg: basis U_%d has n = %d rows, want the same n = %d as U_0", k, n, m.N)
		}
		if d > n {
			return nil, fmt.Errorf("molrg: basis U_%d has d_%d = %d columns, want 1 ≤ d_k ≤ n = %d", k, k, d, n)
		}
		if e := orthonormalityError(u); !(e <= OrthonormalTol) {
			return nil, fmt.Errorf("molrg: basis U_%d is not orthonormal: max |U_kᵀU_k − I| = %.3g, want ≤ %g", k, e, OrthonormalTol)
		}
		m.Bases = append(m.Bases, mat.DenseCopyOf(u))
	}
	if pi == nil {
		pi = make([]float64, len(bases))
		for k := range pi {
			pi[k] = 1 / float64(len(bases))
		}
	}
	if err := validatePi(pi, len(bases)); err != nil {
		return nil, err
	}
	m.Pi = append([]float64(nil), pi...)
	return m, nil
}

// orthonormalityError is max_ij |(UᵀU − I)_ij| (NaN if U has NaN entries).
func orthonormalityError(u *mat.Dense) float64 {
	var g mat.Dense
	g.Mul(u.T(), u)
	_, d := g.Dims()
	e := 0.0
	for i := range d {
		for j := range d {
			v := g.At(i, j)
			if i == j {
				v--
			}
			if math.IsNaN(v) {
				return math.NaN()
			}
			e = math.Max(e, math.Abs(v))
		}
	}
	return e
}
