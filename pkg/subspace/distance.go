package subspace

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Distance is the subspace distance ‖UUᵀ − VVᵀ‖_F between the spans of two
// matrices with orthonormal columns (n×d and n×d'). For such matrices
//
//	‖UUᵀ − VVᵀ‖²_F = d + d' − 2‖UᵀV‖²_F = ‖V − U(UᵀV)‖²_F + ‖U − V(VᵀU)‖²_F,
//
// and Distance evaluates the right-hand form: it never forms an n×n matrix
// and, unlike d + d' − 2‖UᵀV‖²_F, does not lose half the digits to
// cancellation when the subspaces nearly coincide (a distance of 1e-12 is
// resolved rather than rounded to ~1e-8). It panics if the row counts differ.
func Distance(u, v mat.Matrix) float64 {
	var c mat.Dense
	c.Mul(u.T(), v) // UᵀV, d×d'
	return math.Sqrt(residual2(v, u, &c) + residual2(u, v, c.T()))
}

// residual2 returns ‖A − B·C‖²_F where C = BᵀA is given.
func residual2(a, b, c mat.Matrix) float64 {
	var r mat.Dense
	r.Mul(b, c)
	r.Sub(a, &r)
	f := mat.Norm(&r, 2) // Frobenius norm
	return f * f
}
