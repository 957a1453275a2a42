package experiment

import "math"

// Crossing returns the first x where the piecewise-linear curve through
// (x[i], y[i]) (x increasing) reaches level, interpolating linearly between the
// two points around the crossing (in x, or in log x when logX). ok is false
// when the curve never reaches level.
func Crossing(x, y []float64, level float64, logX bool) (float64, bool) {
	for i := range x {
		if y[i] == level {
			return x[i], true
		}
		if i == 0 {
			continue
		}
		if (y[i-1] < level) != (y[i] < level) {
			t := (level - y[i-1]) / (y[i] - y[i-1])
			if logX {
				return math.Exp(math.Log(x[i-1]) + t*(math.Log(x[i])-math.Log(x[i-1]))), true
			}
			return x[i-1] + t*(x[i]-x[i-1]), true
		}
	}
	return 0, false
}
