package experiment

import (
	"math"
	"testing"
)

func TestCrossing(t *testing.T) {
	for _, tc := range []struct {
		x, y  []float64
		level float64
		logX  bool
		want  float64
		ok    bool
	}{
		{[]float64{1, 2, 4}, []float64{0, 0.4, 0.8}, 0.5, false, 2.5, true},
		{[]float64{1, 4}, []float64{0, 1}, 0.5, true, 2, true},
		{[]float64{1, 2}, []float64{0.1, 0.2}, 0.5, false, 0, false},
		{[]float64{1, 2, 3}, []float64{0.1, 0.5, 0.9}, 0.5, false, 2, true},
		{[]float64{1, 2}, []float64{0.9, 0.1}, 0.5, false, 1.5, true},
	} {
		got, ok := Crossing(tc.x, tc.y, tc.level, tc.logX)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Crossing(%v, %v, %v) = %v, %v; want %v, %v", tc.x, tc.y, tc.level, got, ok, tc.want, tc.ok)
		}
	}
}
