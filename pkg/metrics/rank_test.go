package metrics_test

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/metrics"
)

func TestNumericalRank(t *testing.T) {
	cases := []struct {
		name string
		sv   []float64
		frac float64
		want int
	}{
		{"all zeros", []float64{0, 0, 0}, 0.99, 0},
		{"empty", nil, 0.99, 0},
		{"one large value", []float64{100, 1e-3, 1e-3, 1e-3}, 0.99, 1},
		{"one large value, unsorted", []float64{1e-3, 1e-3, 100}, 0.99, 1},
		// Equal values: √(r/n) > 0.99 ⇔ r > 0.9801·n.
		{"4 equal", []float64{2, 2, 2, 2}, 0.99, 4},
		{"100 equal", make100(1), 0.99, 99},
		{"100 equal, frac 0.5", make100(1), 0.5, 26},
		// 3,4: √9 = 3 ≤ 0.99·5, √25 = 5 > 4.95.
		{"3-4-5", []float64{3, 4}, 0.99, 2},
		{"3-4-5, frac 0.79", []float64{4, 3}, 0.79, 1},
		{"3-4-5, frac 0.8 (not strictly above)", []float64{4, 3}, 0.8, 2},
		{"frac 1 counts nonzero values", []float64{5, 1, 0, 0}, 1, 2},
		{"negative values by magnitude", []float64{-10, 0.01}, 0.99, 1},
		// Geometric spectrum 2^-i, i = 0..9: Σ_{i<r} 4^-i / Σ 4^-i > 0.9801
		// first at r = 3 (1.3125/1.3333 = 0.984; r = 2: 1.25/1.3333 = 0.9375).
		{"geometric", geometric(10), 0.99, 3},
	}
	for _, c := range cases {
		if got := metrics.NumericalRank(c.sv, c.frac); got != c.want {
			t.Errorf("%s: rank %d, want %d", c.name, got, c.want)
		}
	}
}

func make100(v float64) []float64 {
	s := make([]float64, 100)
	for i := range s {
		s[i] = v
	}
	return s
}

func geometric(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.Pow(2, -float64(i))
	}
	return s
}

func TestNumericalRankInvalid(t *testing.T) {
	if err := metrics.CheckSpectrum([]float64{1, math.NaN()}, 0.99); err == nil {
		t.Error("NaN singular value accepted")
	}
	for _, f := range []float64{0, -0.5, 1.5, math.NaN()} {
		if err := metrics.CheckSpectrum([]float64{1}, f); err == nil {
			t.Errorf("fraction %v accepted", f)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NumericalRank with frac 0 did not panic")
		}
	}()
	metrics.NumericalRank([]float64{1}, 0)
}
