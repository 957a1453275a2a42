package theorem

import (
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

// levelCoefficients returns the level averages of λ_t, λ_t·c(σ_t) with
// c(σ) = (1+2σ²)/(1+σ²)², and λ_t·σ_t²/(1+σ_t²)².
func levelCoefficients(levels []diffusion.Level) (lam, lamC, lamV float64) {
	for _, l := range levels {
		s2 := l.Sigma * l.Sigma
		q := (1 + s2) * (1 + s2)
		lam += l.Lambda
		lamC += l.Lambda * (1 + 2*s2) / q
		lamV += l.Lambda * s2 / q
	}
	t := float64(len(levels))
	return lam / t, lamC / t, lamV / t
}

// checkX validates data: N ≥ 1 rows and finite entries.
func checkX(x *mat.Dense) error {
	if x == nil || x.IsEmpty() {
		return fmt.Errorf("theorem: empty data, want N ≥ 1 samples")
	}
	r, c := x.Dims()
	for i := range r {
		for j := range c {
			if v := x.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("theorem: data entry (%d, %d) = %v, want finite values", i, j, v)
			}
		}
	}
	return nil
}

// checkData validates data and bases: N ≥ 1 rows, finite entries, every basis
// n×d_k with 1 ≤ d_k ≤ n.
func checkData(x *mat.Dense, bases []*mat.Dense) error {
	if err := checkX(x); err != nil {
		return err
	}
	_, n := x.Dims()
	if len(bases) < 1 {
		return fmt.Errorf("theorem: %d bases, want K ≥ 1", len(bases))
	}
	for k, u := range bases {
		if u == nil || u.IsEmpty() {
			return fmt.Errorf("theorem: basis U_%d is empty", k)
		}
		if r, d := u.Dims(); r != n || d > n {
			return fmt.Errorf("theorem: basis U_%d is %d×%d, want n×d_k with n = %d and d_k ≤ n", k, r, d, n)
		}
	}
	return nil
}

// SingleGaussianLoss returns the exact expected training loss (eq. 6) of the
// single-Gaussian DAE x_θ = UUᵀx_t/(s_t(1+σ_t²)) (eq. 11) on the data x,
// averaged uniformly over the levels. Per sample and level (s_t cancels),
//
//	E_ε‖x_θ − x‖² = ‖x‖² − (1+2σ²)/(1+σ²)²·‖Uᵀx‖² + dσ²/(1+σ²)²,
//
// so the loss is a − b·Σ_i‖Uᵀx_i‖²/N (see SingleGaussianAffine).
func SingleGaussianLoss(x, u *mat.Dense, levels []diffusion.Level) (float64, error) {
	if err := checkData(x, []*mat.Dense{u}); err != nil {
		return 0, err
	}
	_, d := u.Dims()
	a, b, err := SingleGaussianAffine(x, d, levels)
	if err != nil {
		return 0, err
	}
	r, _ := x.Dims()
	return a - b*subspace.PCAObjective(x, u)/float64(r), nil
}

// SingleGaussianAffine returns the coefficients of Theorem 1: for every
// U ∈ O^{n×d} the expected loss (6) of the DAE (11) on the data x is
//
//	ℓ(U) = a − b·F(U)/N,   F(U) = Σ_i ‖Uᵀx_i‖² (the PCA objective, eq. 12),
//
// with a = mean_t λ_t·(mean_i ‖x_i‖²) + d·mean_t λ_tσ_t²/(1+σ_t²)² and
// b = mean_t λ_t(1+2σ_t²)/(1+σ_t²)² > 0: minimizing the loss is maximizing F.
func SingleGaussianAffine(x *mat.Dense, d int, levels []diffusion.Level) (a, b float64, err error) {
	if err := checkX(x); err != nil {
		return 0, 0, err
	}
	_, n := x.Dims()
	if d < 1 || d > n {
		return 0, 0, fmt.Errorf("theorem: subspace dimension d = %d, want 1 ≤ d ≤ n = %d", d, n)
	}
	if err := diffusion.CheckLevels(levels); err != nil {
		return 0, 0, err
	}
	lam, lamC, lamV := levelCoefficients(levels)
	r, _ := x.Dims()
	norm2 := mat.Norm(x, 2)
	return lam*norm2*norm2/float64(r) + float64(d)*lamV, lamC, nil
}

// HardMaxLoss returns the exact expected training loss (eq. 6) of the
// hard-max DAE x_θ = U_k̂U_k̂ᵀx_t/(s_t(1+σ_t²)), k̂ = argmax_k ‖U_kᵀx₀‖
// (eqs. 16–17, ties to the lowest k), on the data x, averaged uniformly over
// the levels. Per sample and level,
//
//	E_ε‖x_θ − x‖² = ‖x‖² − (1+2σ²)/(1+σ²)²·‖U_k̂ᵀx‖² + d_k̂σ²/(1+σ²)².
func HardMaxLoss(x *mat.Dense, bases []*mat.Dense, levels []diffusion.Level) (float64, error) {
	if err := checkData(x, bases); err != nil {
		return 0, err
	}
	if err := diffusion.CheckLevels(levels); err != nil {
		return 0, err
	}
	lam, lamC, lamV := levelCoefficients(levels)
	r, _ := x.Dims()
	var total float64
	for i := range r {
		row := x.RowView(i)
		best, bestD := -1.0, 0
		for _, u := range bases {
			var c mat.VecDense
			c.MulVec(u.T(), row)
			if e := mat.Dot(&c, &c); e > best { // ties keep the lowest k
				_, d := u.Dims()
				best, bestD = e, d
			}
		}
		total += lam*mat.Dot(row, row) - lamC*best + float64(bestD)*lamV
	}
	return total / float64(r), nil
}

// HardMaxAffine returns the coefficients of Theorem 3: when every d_k = d,
// the expected loss (6) of the hard-max DAE (16) on the data x is
//
//	ℓ(U_1, …, U_K) = a − b·G/N,   G = Σ_k Σ_{i∈C_k} ‖U_kᵀx_i‖² (eq. 18),
//
// with the same a and b as SingleGaussianAffine: minimizing the loss is
// subspace clustering.
func HardMaxAffine(x *mat.Dense, d int, levels []diffusion.Level) (a, b float64, err error) {
	return SingleGaussianAffine(x, d, levels)
}

// RecoveryLowerBound is the failure bound of Theorem 2: with N < d noiseless
// samples of a d-dimensional subspace U⋆, every U ∈ O^{n×d} whose span
// contains the data maximizes the PCA objective (12), and completing the
// N-dimensional span of the data with d − N directions orthogonal to U⋆ gives
// an optimum with ‖UUᵀ − U⋆U⋆ᵀ‖_F = √(2d − 2N). So the worst optimum is at
// least √(2(d−N)) away from the truth. It is 0 for N ≥ d.
func RecoveryLowerBound(d, samples int) float64 {
	if samples >= d {
		return 0
	}
	return math.Sqrt(2 * float64(d-max(samples, 0)))
}
