package theorem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/tensormat"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/dae"
	"gonum.org/v1/gonum/mat"
)

// MonteCarloLoss estimates the training loss (6) of the DAE p (eq. 9, 11 or
// 16, with mixing weights pi for eq. 9) with the given bases on the data x,
// by averaging dae.SampleLoss — the integrand Algorithm 1 differentiates —
// over `draws` independent ε ~ N(0, Iₙ) for every sample and every level, in
// float64 on the backend. It returns the estimate and its standard error
// (conservative: the spread of the terms includes their differences across
// samples and levels). It is the independent check of SingleGaussianLoss and
// HardMaxLoss.
func MonteCarloLoss(be compute.Backend, p dae.Parameterization, pi []float64, x *mat.Dense, bases []*mat.Dense, levels []diffusion.Level, draws int, seed uint64) (mean, stderr float64, err error) {
	means, errs, err := MonteCarloLosses(be, p, pi, x, [][]*mat.Dense{bases}, levels, draws, seed)
	if err != nil {
		return 0, 0, err
	}
	return means[0], errs[0], nil
}

// MonteCarloLosses is MonteCarloLoss for several sets of bases of the same
// shapes, evaluated with one compiled graph and the same noise draws (common
// random numbers, so differences between the sets are estimated precisely).
func MonteCarloLosses(be compute.Backend, p dae.Parameterization, pi []float64, x *mat.Dense, sets [][]*mat.Dense, levels []diffusion.Level, draws int, seed uint64) (means, stderrs []float64, err error) {
	if len(sets) < 1 {
		return nil, nil, fmt.Errorf("theorem: no sets of bases, want at least one")
	}
	for _, bases := range sets {
		if err := checkData(x, bases); err != nil {
			return nil, nil, err
		}
		if len(bases) != len(sets[0]) {
			return nil, nil, fmt.Errorf("theorem: sets of %d and %d bases, want the same K in every set", len(sets[0]), len(bases))
		}
		for k, u := range bases {
			if _, d := u.Dims(); d != sets[0][k].RawMatrix().Cols {
				return nil, nil, fmt.Errorf("theorem: basis U_%d has d = %d in one set and %d in another, want equal shapes", k, d, sets[0][k].RawMatrix().Cols)
			}
		}
	}
	if err := diffusion.CheckLevels(levels); err != nil {
		return nil, nil, err
	}
	if draws < 1 {
		return nil, nil, fmt.Errorf("theorem: draws = %d, want draws ≥ 1", draws)
	}
	r, n := x.Dims()
	b := r * len(levels) * draws
	x0 := make([]float64, 0, b*n)
	eps := make([]float64, 0, b*n)
	s, sigma, lambda := make([]float64, 0, b), make([]float64, 0, b), make([]float64, 0, b)
	rng := rand.New(rand.NewPCG(seed, 0x6d63))
	for i := range r {
		row := x.RawRowView(i)
		for _, l := range levels {
			for range draws {
				x0 = append(x0, row...)
				for range n {
					eps = append(eps, rng.NormFloat64())
				}
				s, sigma, lambda = append(s, l.S), append(sigma, l.Sigma), append(lambda, l.Lambda)
			}
		}
	}
	fixed := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(x0, b, n), tensors.FromFlatDataAndDimensions(eps, b, n),
		tensors.FromValue(s), tensors.FromValue(sigma), tensors.FromValue(lambda),
	}
	denoiser := p.DAE(pi)
	exec, err := NewExec(be, func(in []*Node) *Node {
		return dae.SampleLoss(denoiser, in[5:], in[0], in[1], in[2], in[3], in[4])
	})
	if err != nil {
		return nil, nil, err
	}
	defer exec.Finalize()
	for _, bases := range sets {
		args := make([]any, 0, len(fixed)+len(bases))
		for _, t := range fixed {
			args = append(args, t)
		}
		for _, u := range bases {
			ut, err := tensormat.FromMatrix(u, dtypes.Float64)
			if err != nil {
				return nil, nil, err
			}
			args = append(args, ut)
		}
		out, err := exec.Call(args...)
		if err != nil {
			return nil, nil, fmt.Errorf("theorem: Monte-Carlo loss: %w", err)
		}
		v, err := tensors.CopyFlatData[float64](out[0])
		if err != nil {
			return nil, nil, err
		}
		var sum, sum2 float64
		for _, e := range v {
			sum += e
		}
		mean := sum / float64(len(v))
		for _, e := range v {
			sum2 += (e - mean) * (e - mean)
		}
		stderr := 0.0
		if len(v) > 1 {
			stderr = math.Sqrt(sum2 / float64(len(v)-1) / float64(len(v)))
		}
		means, stderrs = append(means, mean), append(stderrs, stderr)
	}
	return means, stderrs, nil
}
