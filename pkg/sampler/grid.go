package sampler

import (
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/diffusion"
)

// Config holds the EDM sampler's time discretization (Karras et al. 2022,
// eq. 5 and Algorithm 1).
type Config struct {
	Steps    int     // N ≥ 1: number of noise levels t_0 > … > t_{N−1} (t_N = 0 is appended)
	SigmaMin float64 // σ_min > 0: the last nonzero level t_{N−1}
	SigmaMax float64 // σ_max > σ_min: the first level t_0
	Rho      float64 // ρ > 0: the spacing exponent
}

// DefaultConfig is the paper's sampler (docs/mathematics.md#heun-sampler): Heun, 18 steps,
// σ_min = 0.002, σ_max = 80, ρ = 7.
func DefaultConfig() Config {
	edm := diffusion.DefaultEDM()
	return Config{Steps: 18, SigmaMin: edm.SigmaMin, SigmaMax: edm.SigmaMax, Rho: diffusion.EDMRho}
}

// Validate returns an error naming the first bad parameter and its allowed range.
func (c Config) Validate() error {
	if c.Steps < 1 {
		return fmt.Errorf("sampler: number of steps N = %d, want N ≥ 1", c.Steps)
	}
	if !finite(c.SigmaMin) || c.SigmaMin <= 0 {
		return fmt.Errorf("sampler: σ_min = %v, want a finite σ_min > 0", c.SigmaMin)
	}
	if !finite(c.SigmaMax) || c.SigmaMax <= c.SigmaMin {
		return fmt.Errorf("sampler: σ_max = %v, want a finite σ_max > σ_min = %v", c.SigmaMax, c.SigmaMin)
	}
	if !finite(c.Rho) || c.Rho <= 0 {
		return fmt.Errorf("sampler: ρ = %v, want a finite ρ > 0", c.Rho)
	}
	return nil
}

// Sigmas returns the N+1 time steps of EDM (Karras et al. 2022, eq. 5),
// t_0 = σ_max > … > t_{N−1} = σ_min and t_N = 0 (diffusion.EDMSigmas).
// With N = 1 the only nonzero level is σ_max.
func (c Config) Sigmas() ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return diffusion.EDMSigmas(c.SigmaMin, c.SigmaMax, c.Steps, c.Rho, true)
}

// validateSigmas checks a grid for Integrate: at least two levels, all finite,
// strictly monotone, and none zero except possibly the last of a decreasing grid.
func validateSigmas(sigmas []float64) error {
	if len(sigmas) < 2 {
		return fmt.Errorf("sampler: %d noise levels given, want at least 2 (a start and an end)", len(sigmas))
	}
	up := sigmas[1] > sigmas[0]
	for i, s := range sigmas {
		last := i == len(sigmas)-1
		if !finite(s) || s < 0 || (s == 0 && !last) {
			return fmt.Errorf("sampler: noise level σ_%d = %v, want a finite σ > 0 (σ = 0 only as the last level)", i, s)
		}
		if i > 0 && (sigmas[i] > sigmas[i-1]) != up || i > 0 && sigmas[i] == sigmas[i-1] {
			return fmt.Errorf("sampler: noise levels σ_%d = %v, σ_%d = %v break monotonicity, want a strictly increasing or decreasing grid", i-1, sigmas[i-1], i, s)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
