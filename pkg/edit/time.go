package edit

import (
	"math"

	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/sampler"
)

// PaperTime is the paper's edit time t = 0.7·t_max (Section 4.2, as a
// fraction of t_max).
const PaperTime = 0.7

// TimeSigma converts an edit time t = frac·t_max of the paper's DDPM into
// a noise level of this project's EDM convention: the paper's network is a
// DDPM (variance preserving, linear β from 10⁻⁴ to 0.02 over 1000 steps),
// whose continuous form is diffusion.DefaultVP, so σ_t = σ^VP(frac·t_max)
// (eq. 3: the VP state is s_t(x_0 + σ_tε), the EDM state x_0 + σ_tε; t = 0.7
// gives σ_t = 11.81). It then takes the nearest level (in log σ) of the EDM
// sampler's grid cfg (18 steps by default: σ_5 = 12.91), so that a fresh
// sample stopped there and continued is the sampler's own sample
// (the project's choice). It returns σ and its index in cfg.Sigmas().
func TimeSigma(frac float64, cfg sampler.Config) (sigma float64, index int, err error) {
	if !(frac > 0 && frac <= 1) {
		return 0, 0, param.Errorf("edit", "T", frac, "0 < t/t_max ≤ 1")
	}
	vp := diffusion.DefaultVP()
	target := vp.Sigma(frac * vp.TMax())
	levels, err := cfg.Sigmas()
	if err != nil {
		return 0, 0, err
	}
	best := math.Inf(1)
	for i, s := range levels[:len(levels)-1] {
		if d := math.Abs(math.Log(s) - math.Log(target)); d < best {
			best, sigma, index = d, s, i
		}
	}
	return sigma, index, nil
}
