package diffusion

import (
	"fmt"
	"math"
)

// EDMRho is the ρ of the EDM time discretization.
const EDMRho = 7

// RhoGrid returns steps+1 noise levels from `from` to `to` (both included),
// equally spaced in σ^{1/ρ}:
//
//	σ_i = (from^{1/ρ} + i/steps·(to^{1/ρ} − from^{1/ρ}))^ρ,   i = 0, …, steps.
//
// ρ = 1 is uniform in σ; ρ = 7 is the EDM spacing (more levels at low σ). A
// decreasing grid (from > to) is what a sampler walks down; an increasing one
// inverts (DDIM inversion). The grid from b to a is the grid from a to b
// reversed. Only the last level may be 0.
func RhoGrid(from, to float64, steps int, rho float64) ([]float64, error) {
	if steps < 1 {
		return nil, fmt.Errorf("diffusion: number of steps = %d, want steps ≥ 1", steps)
	}
	if !(from > 0) || math.IsInf(from, 0) {
		return nil, fmt.Errorf("diffusion: starting noise level σ = %v, want a finite σ > 0", from)
	}
	if !(to >= 0) || math.IsInf(to, 0) || to == from {
		return nil, fmt.Errorf("diffusion: final noise level σ = %v, want a finite σ ≥ 0 different from the starting level %v", to, from)
	}
	if !(rho > 0) || math.IsInf(rho, 0) {
		return nil, fmt.Errorf("diffusion: ρ = %v, want a finite ρ > 0", rho)
	}
	a, b := math.Pow(from, 1/rho), math.Pow(to, 1/rho)
	g := make([]float64, steps+1)
	for i := range g {
		g[i] = math.Pow(a+float64(i)/float64(steps)*(b-a), rho)
	}
	g[0], g[steps] = from, to // exact endpoints
	return g, nil
}

// EDMSigmas returns the noise levels of the EDM time discretization
// (Karras et al. 2022, eq. 5), from σ_max down to σ_min:
//
//	σ_i = (σ_max^{1/ρ} + i/(N−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ,   i = 0, …, N−1,
//
// (the RhoGrid from σ_max to σ_min in N−1 steps; N = 1 gives σ_max alone),
// and a final σ_N = 0 appended when final0 is set, as the EDM sampler does.
func EDMSigmas(sigmaMin, sigmaMax float64, steps int, rho float64, final0 bool) ([]float64, error) {
	if err := (EDM{SigmaMin: sigmaMin, SigmaMax: sigmaMax}).Validate(); err != nil {
		return nil, err
	}
	if steps < 1 {
		return nil, fmt.Errorf("diffusion: number of steps N = %d, want N ≥ 1", steps)
	}
	out := []float64{sigmaMax}
	if steps > 1 {
		var err error
		if out, err = RhoGrid(sigmaMax, sigmaMin, steps-1, rho); err != nil {
			return nil, err
		}
	} else if !(rho > 0) || math.IsInf(rho, 0) {
		return nil, fmt.Errorf("diffusion: ρ = %v, want a finite ρ > 0", rho)
	}
	if final0 {
		out = append(out, 0)
	}
	return out, nil
}

// EDMTimes returns the times t_i of the schedule whose noise levels σ_{t_i}
// follow the EDM discretization between σ_{TMin} and σ_{TMax} (see
// EDMSigmas); with final0 a final t_N = 0 (σ = 0, s = 1) is appended.
func EDMTimes(sch Schedule, steps int, rho float64, final0 bool) ([]float64, error) {
	if err := validate(sch); err != nil {
		return nil, err
	}
	if err := checkSteps(steps); err != nil {
		return nil, err
	}
	sig, err := EDMSigmas(sch.Sigma(sch.TMin()), sch.Sigma(sch.TMax()), steps, rho, final0)
	if err != nil {
		return nil, err
	}
	for i, s := range sig {
		sig[i] = sch.SigmaInv(s)
	}
	sig[0], sig[steps-1] = sch.TMax(), sch.TMin()
	return sig, nil
}

// UniformTimes returns steps ≥ 2 times equally spaced in t from TMax down to
// TMin, t_i = t_max + i/(N−1)·(t_min − t_max); with final0 a final t_N = 0 is
// appended.
func UniformTimes(sch Schedule, steps int, final0 bool) ([]float64, error) {
	if err := validate(sch); err != nil {
		return nil, err
	}
	if err := checkSteps(steps); err != nil {
		return nil, err
	}
	lo, hi := sch.TMin(), sch.TMax()
	out := make([]float64, steps, steps+1)
	for i := range steps {
		out[i] = hi + float64(i)/float64(steps-1)*(lo-hi)
	}
	out[steps-1] = lo
	if final0 {
		out = append(out, 0)
	}
	return out, nil
}

func checkSteps(steps int) error {
	if steps < 2 {
		return fmt.Errorf("diffusion: number of steps N = %d, want N ≥ 2", steps)
	}
	return nil
}
