package subspace

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Distance is the subspace distance ‖UUᵀ − VVᵀ‖_F between the spans of two
// matrices with orthonormal columns (n×d and n×d'). It uses
// ‖UUᵀ − VVᵀ‖²_F = d + d' − 2‖UᵀV‖²_F, so it never forms an n×n matrix.
func Distance(u, v mat.Matrix) float64 {
	_, d := u.Dims()
	_, dv := v.Dims()
	var c mat.Dense
	c.Mul(u.T(), v)
	f := mat.Norm(&c, 2)
	return math.Sqrt(math.Max(0, float64(d+dv)-2*f*f))
}
