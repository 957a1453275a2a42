package experiment

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/sampler"
)

// RankCurve is the curve of Figures 3 and 7: the mean over the initial
// noises of rank(∂D(x_i;σ_i)/∂x_i)/n (eq. 46) at every step i of the Heun
// trajectory, against SNR = 1/σ_i (the trajectory goes from low to high SNR).
type RankCurve struct {
	Name  string
	SNR   []float64
	Ratio []float64
}

// RankAlongHeun samples `noises` trajectories of the 18-step Heun sampler
// (sampler.DefaultConfig) of the denoiser from the initial noises of seed,
// and returns the rank-ratio curve: the numerical rank (eq. 46, fraction
// frac) of the denoiser's Jacobian at every state x_i and its level σ_i,
// divided by n (the product of the sample shape), averaged over the noises.
func RankAlongHeun(be compute.Backend, spec DenoiserSpec, n, noises int, s uint64, frac float64) (RankCurve, error) {
	if noises < 1 {
		return RankCurve{}, fmt.Errorf("experiment: noises = %d, want ≥ 1", noises)
	}
	smp, err := sampler.New(be, spec.D, sampler.Options{Shape: spec.Shape, DType: spec.DType, Store: spec.Store})
	if err != nil {
		return RankCurve{}, err
	}
	res, err := smp.EDMSeed(noises, n, s, sampler.DefaultConfig(), true)
	if err != nil {
		return RankCurve{}, err
	}
	jc, err := jacobian.New(be, spec.D, jacobian.Options{Shape: spec.Shape, DType: spec.DType, Store: spec.Store})
	if err != nil {
		return RankCurve{}, err
	}
	ranks, err := jc.RankAlong(res.Trajectory, res.Sigmas, frac)
	if err != nil {
		return RankCurve{}, err
	}
	snr, ratio, err := jacobian.RankRatios(ranks, res.Sigmas, n)
	if err != nil {
		return RankCurve{}, err
	}
	return RankCurve{Name: spec.Name, SNR: snr, Ratio: ratio}, nil
}

// RatioAt returns the curve's rank ratio at the step whose SNR is nearest to
// snr (in log scale); 0 for an empty curve.
func (c RankCurve) RatioAt(snr float64) float64 {
	best, bi := 0.0, -1
	for i, s := range c.SNR {
		d := logDistance(s, snr)
		if bi < 0 || d < best {
			best, bi = d, i
		}
	}
	if bi < 0 {
		return 0
	}
	return c.Ratio[bi]
}
