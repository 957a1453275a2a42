package diffusion

import (
	"fmt"
	"math"
)

// Level is one noise level of a discretized time axis: the scale s_t, the
// noise σ_t and the loss weight λ_t of eq. (6).
type Level struct {
	S, Sigma, Lambda float64
}

// UniformLevels returns T ≥ 1 levels with σ_t equally spaced over
// [sigmaMin, sigmaMax] (T = 1: σ = sigmaMin), s_t = 1 (the EDM/VE process)
// and λ_t = lambda(σ_t) (nil: λ = 1): the time axis Algorithm 1 draws from.
func UniformLevels(t int, sigmaMin, sigmaMax float64, lambda func(sigma float64) float64) ([]Level, error) {
	if t < 1 {
		return nil, fmt.Errorf("diffusion: T = %d noise levels, want T ≥ 1", t)
	}
	if !(sigmaMin > 0) || math.IsInf(sigmaMin, 0) {
		return nil, fmt.Errorf("diffusion: σ_min = %v, want a finite σ_min > 0", sigmaMin)
	}
	if !(sigmaMax >= sigmaMin) || math.IsInf(sigmaMax, 0) {
		return nil, fmt.Errorf("diffusion: σ_max = %v, want a finite σ_max ≥ σ_min = %v", sigmaMax, sigmaMin)
	}
	lv := make([]Level, t)
	for i := range lv {
		sigma := sigmaMin
		if t > 1 {
			sigma = sigmaMin + (sigmaMax-sigmaMin)*float64(i)/float64(t-1)
		}
		lambda1 := 1.0
		if lambda != nil {
			lambda1 = lambda(sigma)
		}
		lv[i] = Level{S: 1, Sigma: sigma, Lambda: lambda1}
	}
	return lv, CheckLevels(lv)
}

// CheckLevels returns an error naming the first level whose s_t, σ_t or λ_t
// is not finite and > 0.
func CheckLevels(levels []Level) error {
	if len(levels) < 1 {
		return fmt.Errorf("diffusion: %d noise levels, want at least 1", len(levels))
	}
	for i, l := range levels {
		if !(l.S > 0) || math.IsInf(l.S, 0) {
			return fmt.Errorf("diffusion: level %d has s_t = %v, want a finite s_t > 0", i, l.S)
		}
		if !(l.Sigma > 0) || math.IsInf(l.Sigma, 0) {
			return fmt.Errorf("diffusion: level %d has σ_t = %v, want a finite σ_t > 0", i, l.Sigma)
		}
		if !(l.Lambda > 0) || math.IsInf(l.Lambda, 0) {
			return fmt.Errorf("diffusion: level %d (σ_t = %v) has λ_t = %v, want a finite λ_t > 0", i, l.Sigma, l.Lambda)
		}
	}
	return nil
}
