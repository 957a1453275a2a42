package jacobian

import (
	"fmt"

	"github.com/molrg/molrg/pkg/metrics"
	"gonum.org/v1/gonum/mat"
)

// SVD factors a Jacobian J = U·diag(S)·Vᵀ (thin SVD, gonum) with the singular
// values S in decreasing order. The columns v_i of V are the editing
// directions of Figure 6: x_θ(x_t + λv_i) ≈ x_θ(x_t) + λ s_i u_i.
func SVD(j *mat.Dense) (u *mat.Dense, s []float64, v *mat.Dense, err error) {
	if j == nil || j.IsEmpty() {
		return nil, nil, nil, fmt.Errorf("jacobian: matrix is empty, want an m×n Jacobian")
	}
	var svd mat.SVD
	if !svd.Factorize(j, mat.SVDThin) {
		return nil, nil, nil, fmt.Errorf("jacobian: SVD did not converge (does the Jacobian hold NaN or Inf?)")
	}
	u, v = new(mat.Dense), new(mat.Dense)
	svd.UTo(u)
	svd.VTo(v)
	return u, svd.Values(nil), v, nil
}

// SingularValues returns the singular values of j in decreasing order.
func SingularValues(j *mat.Dense) ([]float64, error) {
	if j == nil || j.IsEmpty() {
		return nil, fmt.Errorf("jacobian: matrix is empty, want an m×n Jacobian")
	}
	var svd mat.SVD
	if !svd.Factorize(j, mat.SVDNone) {
		return nil, fmt.Errorf("jacobian: SVD did not converge (does the Jacobian hold NaN or Inf?)")
	}
	return svd.Values(nil), nil
}

// Ranks returns the numerical rank (eq. 46) of every Jacobian, with the
// fraction frac of the Frobenius norm (metrics.RankFraction = 0.99 in the
// paper).
func Ranks(js []*mat.Dense, frac float64) ([]int, error) {
	if err := metrics.CheckSpectrum(nil, frac); err != nil {
		return nil, err
	}
	out := make([]int, len(js))
	for i, j := range js {
		s, err := SingularValues(j)
		if err != nil {
			return nil, fmt.Errorf("jacobian %d: %w", i, err)
		}
		if err := metrics.CheckSpectrum(s, frac); err != nil {
			return nil, fmt.Errorf("jacobian %d: %w", i, err)
		}
		out[i] = metrics.NumericalRank(s, frac)
	}
	return out, nil
}

// RankAlong evaluates the numerical rank (eq. 46) of ∂D(x;σ_i)/∂x at the B
// points of every state xs[i] of a sampling trajectory (B×n each, e.g.
// sampler.Result.Trajectory with its Sigmas), as in Figure 3. Levels σ_i = 0
// (the final clean state) are skipped: ranks[i] is nil there. ranks[i][b] is
// the rank at point b of step i.
func (c *Computer) RankAlong(xs []*mat.Dense, sigmas []float64, frac float64) ([][]int, error) {
	if len(xs) != len(sigmas) {
		return nil, fmt.Errorf("jacobian: %d trajectory states but %d noise levels, want one level per state", len(xs), len(sigmas))
	}
	ranks := make([][]int, len(xs))
	for i, x := range xs {
		if sigmas[i] == 0 {
			continue
		}
		js, err := c.At(x, sigmas[i])
		if err != nil {
			return nil, fmt.Errorf("jacobian: step %d (σ = %v): %w", i, sigmas[i], err)
		}
		if ranks[i], err = Ranks(js, frac); err != nil {
			return nil, fmt.Errorf("jacobian: step %d (σ = %v): %w", i, sigmas[i], err)
		}
	}
	return ranks, nil
}
