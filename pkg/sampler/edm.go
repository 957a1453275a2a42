package sampler

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Noise returns a B×n matrix of independent standard normal entries; the same
// seed gives the same matrix.
func Noise(b, n int, seed uint64) (*mat.Dense, error) {
	if b < 1 || n < 1 {
		return nil, fmt.Errorf("sampler: noise of size B×n = %d×%d, want B ≥ 1 and n ≥ 1", b, n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x65646d6e6f697365))
	z := mat.NewDense(b, n, nil)
	for i := range z.RawMatrix().Data {
		z.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return z, nil
}

// EDM runs the deterministic EDM Heun sampler (Karras et al. 2022,
// Algorithm 1 with S_churn = 0) from the initial noise z (B×n, standard
// normal): x_0 = t_0·z = σ_max·z, then Heun steps down the levels of
// cfg.Sigmas(), the step to t_N = 0 being an Euler step. keep records the
// trajectory x_0, …, x_N with its levels and denoised estimates.
func (s *Sampler) EDM(z *mat.Dense, cfg Config, keep bool) (*Result, error) {
	sigmas, err := cfg.Sigmas()
	if err != nil {
		return nil, err
	}
	if _, _, err := s.checkData(z); err != nil {
		return nil, err
	}
	var x mat.Dense
	x.Scale(sigmas[0], z)
	return s.Integrate(&x, sigmas, Heun, keep)
}

// EDMSeed is EDM from B initial noises drawn with the given seed; n is the
// number of columns (the product of the sample shape).
func (s *Sampler) EDMSeed(b, n int, seed uint64, cfg Config, keep bool) (*Result, error) {
	z, err := Noise(b, n, seed)
	if err != nil {
		return nil, err
	}
	return s.EDM(z, cfg, keep)
}

// DDIM runs deterministic DDIM sampling in the VE/EDM parameterization from x
// (the state at sigmas[0]) down a decreasing grid (see diffusion.RhoGrid): at every step
// x_{σ'} = D(x;σ) + (σ'/σ)(x − D(x;σ)), the Euler step of the
// probability-flow ODE. A last level 0 returns the denoised estimate.
func (s *Sampler) DDIM(x *mat.Dense, sigmas []float64, keep bool) (*Result, error) {
	if len(sigmas) >= 2 && sigmas[1] > sigmas[0] {
		return nil, fmt.Errorf("sampler: DDIM sampling needs a decreasing grid of noise levels, got σ_0 = %v < σ_1 = %v (use Invert)", sigmas[0], sigmas[1])
	}
	return s.Integrate(x, sigmas, Euler, keep)
}

// Invert runs DDIM inversion: the same Euler step as DDIM, up an increasing
// grid, mapping a sample x (taken as the state at sigmas[0] > 0, e.g. σ_min)
// to the latent x_σ at the last level. DDIM on the reversed grid maps it back;
// the round trip error vanishes as the number of steps grows.
func (s *Sampler) Invert(x *mat.Dense, sigmas []float64, keep bool) (*Result, error) {
	if len(sigmas) >= 2 && sigmas[1] < sigmas[0] {
		return nil, fmt.Errorf("sampler: DDIM inversion needs an increasing grid of noise levels, got σ_0 = %v > σ_1 = %v (use DDIM)", sigmas[0], sigmas[1])
	}
	return s.Integrate(x, sigmas, Euler, keep)
}
