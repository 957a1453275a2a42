package sampler

import (
	"fmt"
	"math"
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
	return Config{Steps: 18, SigmaMin: 0.002, SigmaMax: 80, Rho: 7}
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

// Sigmas returns the N+1 time steps of EDM (Karras et al. 2022, eq. 5):
//
//	t_i = (σ_max^{1/ρ} + i/(N−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, i < N;  t_N = 0.
//
// With N = 1 the only nonzero level is σ_max.
func (c Config) Sigmas() ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	t := make([]float64, c.Steps+1)
	a, b := math.Pow(c.SigmaMax, 1/c.Rho), math.Pow(c.SigmaMin, 1/c.Rho)
	for i := range c.Steps {
		f := 0.0
		if c.Steps > 1 {
			f = float64(i) / float64(c.Steps-1)
		}
		t[i] = math.Pow(a+f*(b-a), c.Rho)
	}
	t[0], t[c.Steps] = c.SigmaMax, 0
	if c.Steps > 1 {
		t[c.Steps-1] = c.SigmaMin
	}
	return t, nil
}

// Grid returns steps+1 noise levels going from `from` to `to` (both included),
// equally spaced in σ^{1/ρ}: σ_i = (from^{1/ρ} + i/steps·(to^{1/ρ} − from^{1/ρ}))^ρ.
// ρ = 1 gives a linear grid; ρ = 7 the EDM spacing. A decreasing grid
// (from > to) samples with DDIM; an increasing one (from < to) inverts. The
// grid from b to a is the grid from a to b reversed, so inversion followed by
// sampling visits the same levels. Only the last level may be 0.
func Grid(from, to float64, steps int, rho float64) ([]float64, error) {
	if steps < 1 {
		return nil, fmt.Errorf("sampler: number of steps = %d, want steps ≥ 1", steps)
	}
	if !finite(from) || from <= 0 {
		return nil, fmt.Errorf("sampler: starting noise level σ = %v, want a finite σ > 0", from)
	}
	if !finite(to) || to < 0 || to == from {
		return nil, fmt.Errorf("sampler: final noise level σ = %v, want a finite σ ≥ 0 different from the starting level %v", to, from)
	}
	if !finite(rho) || rho <= 0 {
		return nil, fmt.Errorf("sampler: ρ = %v, want a finite ρ > 0", rho)
	}
	a, b := math.Pow(from, 1/rho), math.Pow(to, 1/rho)
	g := make([]float64, steps+1)
	for i := range g {
		g[i] = math.Pow(a+float64(i)/float64(steps)*(b-a), rho)
	}
	g[0], g[steps] = from, to
	return g, nil
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
