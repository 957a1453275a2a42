package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// RankFraction is the fraction of the Frobenius norm kept by the numerical
// rank in the paper (eq. 46).
const RankFraction = 0.99

// NumericalRank is the numerical rank of eq. (46):
//
//	rank = min{ r : √(Σ_{i≤r} s_i²) > frac·√(Σ_i s_i²) },
//
// the number of largest singular values that hold more than the fraction frac
// of the Frobenius norm. sv need not be sorted (it is sorted by decreasing
// |s| on a copy). All zeros give rank 0; when no r passes (frac = 1, up to
// rounding) the rank is the number of nonzero values. It panics if
// CheckSpectrum fails.
func NumericalRank(sv []float64, frac float64) int {
	if err := CheckSpectrum(sv, frac); err != nil {
		panic(err)
	}
	s := make([]float64, len(sv))
	for i, v := range sv {
		s[i] = math.Abs(v)
	}
	slices.SortFunc(s, func(a, b float64) int { return cmp.Compare(b, a) })
	total := 0.0
	for _, v := range s {
		total += v * v
	}
	if total == 0 {
		return 0
	}
	target := frac * math.Sqrt(total)
	cum, nonzero := 0.0, 0
	for r, v := range s {
		cum += v * v
		if math.Sqrt(cum) > target {
			return r + 1
		}
		if v > 0 {
			nonzero = r + 1
		}
	}
	return nonzero
}

// CheckSpectrum validates the input of NumericalRank: finite values and
// 0 < frac ≤ 1.
func CheckSpectrum(sv []float64, frac float64) error {
	if math.IsNaN(frac) || frac <= 0 || frac > 1 {
		return fmt.Errorf("metrics: rank fraction = %v, want 0 < frac ≤ 1 (the paper uses 0.99)", frac)
	}
	for i, v := range sv {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("metrics: singular value s_%d = %v, want finite values", i, v)
		}
	}
	return nil
}
