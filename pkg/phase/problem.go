package phase

import (
	"fmt"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// splitMix64 is the SplitMix64 finalizer, a bijective 64-bit mixer.
func splitMix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// RunSeed derives the seed of one run from the sweep seed and the run's
// coordinates (K, d, N_k, instance) alone, so that any run can be redone by
// itself with the same draws. Both methods of a cell see the same problem.
func RunSeed(seed uint64, k, d, nk, instance int) uint64 {
	h := splitMix64(seed ^ 0x7068617365) // "phase"
	for _, v := range []int{k, d, nk, instance} {
		h = splitMix64(h ^ uint64(v))
	}
	return h
}

// Streams of a run seed: one per independent use.
const (
	streamModel = iota + 1
	streamSamples
	streamSGD
	streamClassic
)

// stream derives the seed of one use (model, samples, SGD, classic) from a
// run seed.
func stream(runSeed uint64, s int) uint64 {
	return splitMix64(runSeed + uint64(s)*0x632BE59BD9B4E019)
}

// Problem is the data of one run: a MoLRG with K orthogonal d-dimensional
// subspaces in ℝⁿ and N_k samples of each component.
type Problem struct {
	Truth []*mat.Dense // U⋆_k, n×d each
	X     *mat.Dense   // K·N_k samples, one per row, grouped by component
	Seed  uint64       // the run seed (RunSeed)
}

// NewProblem draws the problem of run (K, d, N_k, instance) of a sweep with
// ambient dimension n, noise level δ and sweep seed: the bases from
// molrg.New(Params{N: n, Dims: K×d, Orthogonal: true, Noise: δ}) and N_k
// samples per component from SampleCounts, both seeded from RunSeed.
func NewProblem(n, k, d, nk, instance int, noise float64, seed uint64) (*Problem, error) {
	if k < 1 || d < 1 || nk < 1 || instance < 0 {
		return nil, fmt.Errorf("phase: problem K = %d, d = %d, N_k = %d, instance = %d: want K, d, N_k ≥ 1 and instance ≥ 0", k, d, nk, instance)
	}
	rs := RunSeed(seed, k, d, nk, instance)
	dims := make([]int, k)
	counts := make([]int, k)
	for i := range dims {
		dims[i], counts[i] = d, nk
	}
	m, err := molrg.New(molrg.Params{N: n, Dims: dims, Orthogonal: true, Noise: noise}, stream(rs, streamModel))
	if err != nil {
		return nil, fmt.Errorf("phase: K = %d, d = %d: %w", k, d, err)
	}
	s, err := m.SampleCounts(counts, stream(rs, streamSamples))
	if err != nil {
		return nil, fmt.Errorf("phase: K = %d, d = %d, N_k = %d: %w", k, d, nk, err)
	}
	return &Problem{Truth: m.Bases, X: s.X, Seed: rs}, nil
}

// Problem draws the problem of one run of the grid (see NewProblem).
func (g Grid) Problem(k, d, nk, instance int) (*Problem, error) {
	return NewProblem(g.N, k, d, nk, instance, g.Noise, g.Seed)
}

// Problem draws the problem of the run key of a sweep with the given seed
// (see NewProblem).
func (k Key) Problem(seed uint64) (*Problem, error) {
	return NewProblem(k.N, k.K, k.D, k.Nk, k.Instance, k.Noise, seed)
}
