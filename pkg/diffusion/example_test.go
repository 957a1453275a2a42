package diffusion_test

import (
	"fmt"

	"github.com/molrg/molrg/pkg/diffusion"
)

// The 18-step EDM discretization of the VP schedule: times t_i whose noise
// levels σ_{t_i} follow the ρ = 7 spacing, then the loss weights of eq. (6).
func Example() {
	vp := diffusion.DefaultVP()
	ts, err := diffusion.EDMTimes(vp, 18, diffusion.EDMRho, true)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d times, t = %.3g … %.3g, then %g\n", len(ts), ts[0], ts[17], ts[18])
	fmt.Printf("σ_t from %.4g down to %.3g; s_t²(1+σ_t²) = %.6f\n",
		vp.Sigma(ts[0]), vp.Sigma(ts[17]), vp.S(ts[5])*vp.S(ts[5])*(1+vp.Sigma(ts[5])*vp.Sigma(ts[5])))
	for _, w := range []diffusion.Weighting{diffusion.Uniform, diffusion.EDMWeighting, diffusion.Sigma2} {
		fmt.Printf("λ_%s(σ = 0.5) = %g\n", w, w.Lambda(0.5))
	}
	// Output:
	// 19 times, t = 1 … 1e-05, then 0
	// σ_t from 152.2 down to 0.001; s_t²(1+σ_t²) = 1.000000
	// λ_uniform(σ = 0.5) = 1
	// λ_edm(σ = 0.5) = 8
	// λ_sigma2(σ = 0.5) = 0.25
}
