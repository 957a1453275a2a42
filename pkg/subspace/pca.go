package subspace

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// PCA returns the top-d right singular vectors of the data x (N×n, one sample
// per row) as an n×d matrix with orthonormal columns, in order of decreasing
// singular value. It is a maximizer of eq. (12),
//
//	max_{U ∈ O^{n×d}} Σ_i ‖Uᵀx⁽ⁱ⁾‖²,
//
// which by Theorem 1 is what training the single-Gaussian denoiser (eq. 11)
// with loss (6) computes. Samples are not centred: the subspaces of a MoLRG
// pass through the origin.
//
// When rank(x) < d (for instance N < d, the regime of Theorem 2 where recovery
// fails) the last d − rank(x) columns are an orthonormal basis of part of the
// null space of x chosen by the SVD routine: every such choice attains the
// same value of eq. (12).
//
// Errors: N < 1, NaN or ±Inf in x, d < 1 or d > n.
func PCA(x *mat.Dense, d int) (*mat.Dense, error) {
	_, n, err := checkData(x)
	if err != nil {
		return nil, err
	}
	if d < 1 || d > n {
		return nil, fmt.Errorf("subspace: PCA dimension d = %d, want 1 ≤ d ≤ n = %d", d, n)
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDFullV) {
		return nil, errors.New("subspace: PCA: the SVD of the data did not converge")
	}
	var v mat.Dense
	svd.VTo(&v)
	return mat.DenseCopyOf(v.Slice(0, n, 0, d)), nil
}

// PCAObjective is the objective of eq. (12), Σ_i ‖Uᵀx⁽ⁱ⁾‖² = ‖XU‖²_F, for data
// x (N×n, one sample per row) and a basis u (n×d). Like gonum's matrix
// operations it panics when the shapes do not match.
func PCAObjective(x *mat.Dense, u mat.Matrix) float64 {
	var p mat.Dense
	p.Mul(x, u)
	s := 0.0
	r, _ := p.Dims()
	for i := range r {
		for _, v := range p.RawRowView(i) {
			s += v * v
		}
	}
	return s
}
