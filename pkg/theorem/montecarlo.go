package theorem

import (
	"fmt"
	"math"
	"math/rand/v2"

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
// float64 on the backend. It returns the estimate and its standard error. It
// is the independent check of SingleGaussianLoss and HardMaxLoss.
func MonteCarloLoss(be compute.Backend, p dae.Parameterization, pi []float64, x *mat.Dense, bases []*mat.Dense, levels []dae.Level, draws int, seed uint64) (mean, stderr float64, err error) {
	if err := checkData(x, bases); err != nil {
		return 0, 0, err
	}
	if err := checkLevels(levels); err != nil {
		return 0, 0, err
	}
	if draws < 1 {
		return 0, 0, fmt.Errorf("theorem: draws = %d, want draws ≥ 1", draws)
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
	args := []any{
		tensors.FromFlatDataAndDimensions(x0, b, n), tensors.FromFlatDataAndDimensions(eps, b, n),
		tensors.FromValue(s), tensors.FromValue(sigma), tensors.FromValue(lambda),
	}
	for _, u := range bases {
		nr, d := u.Dims()
		args = append(args, tensors.FromFlatDataAndDimensions(append([]float64(nil), mat.DenseCopyOf(u).RawMatrix().Data...), nr, d))
	}
	denoiser := p.DAE(pi)
	exec, err := NewExec(be, func(in []*Node) *Node {
		return dae.SampleLoss(denoiser, in[5:], in[0], in[1], in[2], in[3], in[4])
	})
	if err != nil {
		return 0, 0, err
	}
	out, err := exec.Call(args...)
	if err != nil {
		return 0, 0, fmt.Errorf("theorem: Monte-Carlo loss: %w", err)
	}
	v, err := tensors.CopyFlatData[float64](out[0])
	if err != nil {
		return 0, 0, err
	}
	var sum, sum2 float64
	for _, e := range v {
		sum += e
	}
	mean = sum / float64(len(v))
	for _, e := range v {
		sum2 += (e - mean) * (e - mean)
	}
	if len(v) > 1 {
		stderr = math.Sqrt(sum2 / float64(len(v)-1) / float64(len(v)))
	}
	return mean, stderr, nil
}
