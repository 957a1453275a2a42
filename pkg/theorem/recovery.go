package theorem

import (
	"context"
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

// RecoveryConfig describes a recovery curve (Theorems 2 and 4): for every
// number of samples per component N_k in Nk and every instance, draw a MoLRG
// with the given parameters and exactly N_k samples of every component, fit
// it by the classical baseline (PCA for K = 1, K-subspaces for K ≥ 2) and by
// Algorithm 1, and measure the error after the best permutation.
type RecoveryConfig struct {
	Model      molrg.Params               // n, d_k, orthogonality, noise δ (Pi is not used: N_k samples of every component)
	Nk         []int                      // samples per component, each ≥ 1
	Instances  int                        // independent instances (model and data) per N_k, ≥ 1
	Seed       uint64                     // the same seed gives the same models, data and fits
	Tau        float64                    // success threshold (0: subspace.DefaultTau)
	KSubspaces subspace.KSubspacesOptions // options of the K ≥ 2 baseline (its Seed is mixed with the instance's)
	Train      *dae.Config                // Algorithm 1 (its Dims must be the model's); nil: baseline only
}

// RecoveryResult holds the errors max_k ‖U_{π(k)}U_{π(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F of
// every fit, indexed [j][r] for Nk[j] and instance r.
type RecoveryResult struct {
	Nk                    []int
	Baseline, Trained     [][]float64 // Trained is nil without Algorithm 1
	BaselineOK, TrainedOK [][]bool    // error ≤ τ
	Tau                   float64
}

// instanceSeed mixes the run seed, the N_k index and the instance.
func instanceSeed(seed uint64, j, r int) uint64 {
	return splitMix(seed ^ splitMix(uint64(j)<<32|uint64(r)))
}

func splitMix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Recovery runs the recovery curve of cfg. The baseline fits run on the host,
// Algorithm 1 trains every (N_k, instance) pair in one dae.TrainContext call;
// progress (may be nil) reports its steps.
func Recovery(ctx context.Context, cfg RecoveryConfig, progress func(done, total int)) (*RecoveryResult, error) {
	if err := cfg.Model.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Nk) < 1 {
		return nil, fmt.Errorf("theorem: no sample counts N_k, want at least one")
	}
	for _, nk := range cfg.Nk {
		if nk < 1 {
			return nil, fmt.Errorf("theorem: samples per component N_k = %d, want N_k ≥ 1", nk)
		}
	}
	if cfg.Instances < 1 {
		return nil, fmt.Errorf("theorem: Instances = %d, want ≥ 1", cfg.Instances)
	}
	tau := cfg.Tau
	if tau == 0 {
		tau = subspace.DefaultTau
	}
	if !(tau > 0) || math.IsInf(tau, 0) {
		return nil, fmt.Errorf("theorem: success threshold τ = %v, want 0 < τ < ∞", tau)
	}
	dims := cfg.Model.Dims
	if cfg.Train != nil {
		if len(cfg.Train.Dims) != len(dims) {
			return nil, fmt.Errorf("theorem: Algorithm 1 has K = %d components, want the model's K = %d", len(cfg.Train.Dims), len(dims))
		}
		for k := range dims {
			if cfg.Train.Dims[k] != dims[k] {
				return nil, fmt.Errorf("theorem: Algorithm 1 has d_%d = %d, want the model's d_%d = %d", k, cfg.Train.Dims[k], k, dims[k])
			}
		}
	}
	res := &RecoveryResult{Nk: append([]int(nil), cfg.Nk...), Tau: tau}
	var truths [][]*mat.Dense
	var instances []dae.Instance
	for j, nk := range cfg.Nk {
		res.Baseline = append(res.Baseline, make([]float64, cfg.Instances))
		res.BaselineOK = append(res.BaselineOK, make([]bool, cfg.Instances))
		for r := range cfg.Instances {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			seed := instanceSeed(cfg.Seed, j, r)
			m, err := molrg.New(cfg.Model, seed)
			if err != nil {
				return nil, err
			}
			counts := make([]int, len(dims))
			for k := range counts {
				counts[k] = nk
			}
			s, err := m.SampleCounts(counts, splitMix(seed))
			if err != nil {
				return nil, err
			}
			var est []*mat.Dense
			if len(dims) == 1 {
				u, err := subspace.PCA(s.X, dims[0])
				if err != nil {
					return nil, err
				}
				est = []*mat.Dense{u}
			} else {
				opts := cfg.KSubspaces
				opts.Seed ^= seed
				ks, err := subspace.KSubspaces(s.X, dims, opts)
				if err != nil {
					return nil, err
				}
				est = ks.Bases
			}
			_, e, err := subspace.BestPermutation(est, m.Bases)
			if err != nil {
				return nil, err
			}
			res.Baseline[j][r], res.BaselineOK[j][r] = e, e <= tau
			truths = append(truths, m.Bases)
			instances = append(instances, dae.Instance{X: s.X, Truth: m.Bases, Seed: seed})
		}
	}
	if cfg.Train == nil {
		return res, nil
	}
	tr, err := dae.TrainContext(ctx, *cfg.Train, instances, progress)
	if err != nil {
		return nil, err
	}
	for j := range cfg.Nk {
		res.Trained = append(res.Trained, make([]float64, cfg.Instances))
		res.TrainedOK = append(res.TrainedOK, make([]bool, cfg.Instances))
		for r := range cfg.Instances {
			i := j*cfg.Instances + r
			_, e, err := subspace.BestPermutation(tr.Bases[i], truths[i])
			if err != nil {
				return nil, err
			}
			res.Trained[j][r], res.TrainedOK[j][r] = e, e <= tau
		}
	}
	return res, nil
}

// MeanStd returns the mean and the standard deviation over instances of
// errors indexed [j][r].
func MeanStd(errs [][]float64) (mean, std []float64) {
	mean, std = make([]float64, len(errs)), make([]float64, len(errs))
	for j, row := range errs {
		if len(row) == 0 {
			continue
		}
		for _, e := range row {
			mean[j] += e
		}
		mean[j] /= float64(len(row))
		if len(row) > 1 {
			for _, e := range row {
				std[j] += (e - mean[j]) * (e - mean[j])
			}
			std[j] = math.Sqrt(std[j] / float64(len(row)-1))
		}
	}
	return mean, std
}

// Rate returns the fraction of successes over instances, indexed [j].
func Rate(ok [][]bool) []float64 {
	rate := make([]float64, len(ok))
	for j, row := range ok {
		for _, b := range row {
			if b {
				rate[j]++
			}
		}
		if len(row) > 0 {
			rate[j] /= float64(len(row))
		}
	}
	return rate
}
