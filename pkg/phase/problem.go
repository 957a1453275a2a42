package phase

import (
	"fmt"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/seed"
	"gonum.org/v1/gonum/mat"
)

// RunSeed derives the seed of one run from the sweep seed and the run's
// coordinates (n, K, d, N_k, instance) alone (seed.Derive), so that any run
// can be redone by itself with the same draws. Both methods of a cell see the
// same problem.
func RunSeed(s uint64, n, k, d, nk, instance int) uint64 {
	return seed.Derive(s, "phase", n, k, d, nk, instance)
}

// Problem is the data of one run: a MoLRG with K orthogonal d-dimensional
// subspaces in ℝⁿ and N_k samples of each component.
type Problem struct {
	Truth []*mat.Dense // U⋆_k, n×d each
	X     *mat.Dense   // K·N_k samples, one per row, grouped by component
	Seed  uint64       // the run seed (RunSeed)
}

// Instance is the Algorithm 1 instance Sweep trains on p: its data, its
// truth (for the initialization of eq. 48) and its own seed.
func (p *Problem) Instance() dae.Instance {
	return dae.Instance{X: p.X, Truth: p.Truth, Seed: seed.Derive(p.Seed, "sgd")}
}

// NewProblem draws the problem of run (K, d, N_k, instance) of a sweep with
// ambient dimension n, noise level δ and sweep seed: the bases from
// molrg.New(Params{N: n, Dims: K×d, Orthogonal: true, Noise: δ}) and N_k
// samples per component from SampleCounts, both seeded from RunSeed.
func NewProblem(n, k, d, nk, instance int, noise float64, sweepSeed uint64) (*Problem, error) {
	if k < 1 || d < 1 || nk < 1 || instance < 0 {
		return nil, fmt.Errorf("phase: problem K = %d, d = %d, N_k = %d, instance = %d: want K, d, N_k ≥ 1 and instance ≥ 0", k, d, nk, instance)
	}
	rs := RunSeed(sweepSeed, n, k, d, nk, instance)
	dims := make([]int, k)
	counts := make([]int, k)
	for i := range dims {
		dims[i], counts[i] = d, nk
	}
	m, err := molrg.New(molrg.Params{N: n, Dims: dims, Orthogonal: true, Noise: noise}, seed.Derive(rs, "model"))
	if err != nil {
		return nil, fmt.Errorf("phase: K = %d, d = %d: %w", k, d, err)
	}
	s, err := m.SampleCounts(counts, seed.Derive(rs, "samples"))
	if err != nil {
		return nil, fmt.Errorf("phase: K = %d, d = %d, N_k = %d: %w", k, d, nk, err)
	}
	return &Problem{Truth: m.Bases, X: s.X, Seed: rs}, nil
}

// Problem draws the problem of the run key of a sweep with the given seed
// (see NewProblem).
func (k Key) Problem(sweepSeed uint64) (*Problem, error) {
	return NewProblem(k.N, k.K, k.D, k.Nk, k.Instance, k.Noise, sweepSeed)
}
