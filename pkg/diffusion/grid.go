package diffusion

import (
	"fmt"
	"math"
)

// EDMRho is the ρ of the EDM time discretization.
const EDMRho = 7

// EDMSigmas returns the noise levels of the EDM time discretization
// (Karras et al. 2022, eq. 5), from σ_max down to σ_min:
//
//	σ_i = (σ_max^{1/ρ} + i/(N−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ,   i = 0, …, N−1,
//
// with N = steps ≥ 2, and a final σ_N = 0 appended when final0 is set (as the
// EDM sampler does). ρ = 1 is uniform in σ; larger ρ puts more steps at low σ.
func EDMSigmas(sigmaMin, sigmaMax float64, steps int, rho float64, final0 bool) ([]float64, error) {
	if err := (EDM{SigmaMin: sigmaMin, SigmaMax: sigmaMax}).Validate(); err != nil {
		return nil, err
	}
	if err := checkSteps(steps); err != nil {
		return nil, err
	}
	if !(rho > 0) || math.IsInf(rho, 0) {
		return nil, fmt.Errorf("diffusion: ρ = %v, want a finite ρ > 0", rho)
	}
	a, b := math.Pow(sigmaMax, 1/rho), math.Pow(sigmaMin, 1/rho)
	out := make([]float64, steps, steps+1)
	for i := range steps {
		out[i] = math.Pow(a+float64(i)/float64(steps-1)*(b-a), rho)
	}
	out[0], out[steps-1] = sigmaMax, sigmaMin // exact endpoints
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
