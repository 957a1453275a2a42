package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// AddNoise draws x_t = s·x₀ + s·σ·ε (eq. 3), ε ~ N(0, Iₙ) independent for
// every entry, for every row of x0, with the normal deviates of rng (row by
// row). It panics with the message of CheckLevel if s or σ is out of range,
// and if x0 is nil.
func AddNoise(x0 *mat.Dense, s, sigma float64, rng *rand.Rand) *mat.Dense {
	if err := CheckLevel(s, sigma); err != nil {
		panic(err)
	}
	if x0 == nil || rng == nil {
		panic(fmt.Errorf("diffusion: AddNoise needs data x₀ and a random source, got x₀ = %v, rng = %v", x0, rng))
	}
	r, c := x0.Dims()
	xt := mat.NewDense(r, c, nil)
	g := s * sigma
	for i := range r {
		in, out := x0.RawRowView(i), xt.RawRowView(i)
		for j := range c {
			out[j] = s*in[j] + g*rng.NormFloat64() // eq. 3
		}
	}
	return xt
}

// CheckLevel returns an error unless s > 0 and σ ≥ 0 are finite.
func CheckLevel(s, sigma float64) error {
	if !(s > 0) || math.IsInf(s, 0) {
		return fmt.Errorf("diffusion: scale s_t = %v, want a finite s_t > 0", s)
	}
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("diffusion: noise level σ_t = %v, want a finite σ_t ≥ 0", sigma)
	}
	return nil
}
