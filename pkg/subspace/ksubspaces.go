package subspace

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Init selects how K-subspaces chooses its initial labels.
type Init int

const (
	// InitRandom draws every label uniformly from {0,…,K−1}; K-subspaces is
	// run from Restarts such labelings and the run with the largest
	// objective (eq. 18) is kept. Random labels mix the components, and the
	// runs often stop in mixed local maxima (half of one subspace with half of
	// another); as d grows, more restarts are needed (for n = 48, K = 2,
	// d = 4, N_k = 8 about half the instances succeed with R = 10).
	InitRandom Init = iota
	// InitSpectral clusters the thresholded affinity A_ij = 1[|z_iᵀz_j| ≥ τ],
	// z_i = x_i/‖x_i‖, into K clusters by spectral clustering (see
	// SpectralLabels) and runs K-subspaces once from those labels. When the
	// affinity graph has K or more connected components (few samples per
	// subspace), the components are merged by average linkage on |z_iᵀz_j|
	// instead. Otherwise samples in connected components smaller than
	// min_k d_k (for instance an isolated sample) are left unlabelled by the
	// initialization: they would contaminate the first fit; the first argmax
	// step labels them. This is the initialization of Wang et al. and the one
	// to use for the phase-transition experiments.
	InitSpectral
)

// String names the initialization.
func (i Init) String() string {
	switch i {
	case InitRandom:
		return "random"
	case InitSpectral:
		return "spectral"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Defaults used when the corresponding option is left at zero (ours).
const (
	DefaultRestarts = 10  // random restarts R for InitRandom
	DefaultMaxIter  = 100 // fit/reassign rounds per run
)

// KSubspacesOptions configures KSubspaces. The zero value is usable: random
// initialization with DefaultRestarts restarts, DefaultMaxIter rounds, seed 0.
type KSubspacesOptions struct {
	Init     Init    // InitRandom or InitSpectral
	Restarts int     // R ≥ 0 restarts for InitRandom (0: DefaultRestarts); ignored by InitSpectral
	MaxIter  int     // ≥ 0 fit/reassign rounds per run (0: DefaultMaxIter)
	Seed     uint64  // the same seed gives the same result
	Tau      float64 // affinity threshold τ ∈ [0, 1] for InitSpectral (0: AffinityTau(N, max_k d_k))
}

// KSubspacesResult is the outcome of KSubspaces.
type KSubspacesResult struct {
	Bases      []*mat.Dense // U_k ∈ O^{n×d_k}, in the order of dims
	Labels     []int        // argmax_k ‖U_kᵀx_i‖ for every sample (ties: lowest k, or the previous label)
	Objective  float64      // eq. (18): Σ_k Σ_{i∈C_k} ‖U_kᵀx_i‖²
	Iterations int          // fit/reassign rounds of the returned run
	Converged  bool         // the labels stopped changing before MaxIter
	Tau        float64      // affinity threshold used (InitSpectral only)
}

// KSubspaces clusters the data x (N×n, one sample per row) into K = len(dims)
// subspaces of dimensions d_k by the K-subspaces method (Wang et al., ICML
// 2022), a local maximizer of the subspace-clustering objective of eq. (18),
//
//	max Σ_k Σ_{i∈C_k} ‖U_kᵀx_i‖²,  C_k = {i : ‖U_kᵀx_i‖ ≥ ‖U_lᵀx_i‖ ∀l},
//
// which by Theorem 3 is what training the hard-max denoiser (eqs. 16–17)
// computes. From initial labels it alternates
//
//  1. fit: U_k = top-d_k eigenvectors of the cluster scatter Σ_{i∈C_k} x_i x_iᵀ;
//  2. reassign: label_i = argmax_k ‖U_kᵀx_i‖ (a sample keeps its label on a tie);
//
// until the labels stop changing or MaxIter rounds. Both steps never decrease
// eq. (18). The data are used as given (not normalized) so that the objective
// is exactly eq. (18); normalizing does not change the argmax step.
//
// A cluster with fewer samples than d_k (empty included) cannot determine
// its basis. It is re-seeded deterministically: its basis is the top
// eigenvectors of its own scatter (one per sample), completed by the top
// principal directions of the residuals x_i − U_bU_bᵀx_i of all samples with
// respect to the best-fitting basis b fitted so far in this round — the
// directions the other subspaces explain worst. Such clusters are handled after
// the well-populated ones, in index order.
//
// Errors: N < 1, NaN or ±Inf in x, K < 1, d_k < 1 or d_k > n, Restarts < 0,
// MaxIter < 0, τ outside [0, 1], an unknown Init.
func KSubspaces(x *mat.Dense, dims []int, opts KSubspacesOptions) (*KSubspacesResult, error) {
	nSamples, n, err := checkData(x)
	if err != nil {
		return nil, err
	}
	if err := checkDims(dims, n); err != nil {
		return nil, err
	}
	if opts.Restarts < 0 {
		return nil, fmt.Errorf("subspace: K-subspaces restarts R = %d, want R ≥ 0 (0: default %d)", opts.Restarts, DefaultRestarts)
	}
	if opts.MaxIter < 0 {
		return nil, fmt.Errorf("subspace: K-subspaces MaxIter = %d, want MaxIter ≥ 0 (0: default %d)", opts.MaxIter, DefaultMaxIter)
	}
	if math.IsNaN(opts.Tau) || opts.Tau < 0 || opts.Tau > 1 {
		return nil, fmt.Errorf("subspace: affinity threshold τ = %v, want 0 ≤ τ ≤ 1 (0: default 0.5·√(log N)/√d)", opts.Tau)
	}
	maxIter := opts.MaxIter
	if maxIter == 0 {
		maxIter = DefaultMaxIter
	}
	k := len(dims)
	switch opts.Init {
	case InitRandom:
		restarts := opts.Restarts
		if restarts == 0 {
			restarts = DefaultRestarts
		}
		var best *KSubspacesResult
		for r := range restarts {
			rng := rand.New(rand.NewPCG(opts.Seed, 0x6b737562+uint64(r)))
			labels := make([]int, nSamples)
			for i := range labels {
				labels[i] = rng.IntN(k)
			}
			res := runKSubspaces(x, dims, labels, maxIter)
			if best == nil || res.Objective > best.Objective {
				best = res
			}
		}
		return best, nil
	case InitSpectral:
		tau := opts.Tau
		if tau == 0 {
			dmax := 0
			for _, d := range dims {
				dmax = max(dmax, d)
			}
			tau = AffinityTau(nSamples, dmax)
		}
		dmin := dims[0]
		for _, d := range dims {
			dmin = min(dmin, d)
		}
		labels := spectralLabels(x, k, tau, dmin, opts.Seed)
		res := runKSubspaces(x, dims, labels, maxIter)
		res.Tau = tau
		return res, nil
	}
	return nil, fmt.Errorf("subspace: K-subspaces Init = %v, want InitRandom or InitSpectral", opts.Init)
}

// checkDims validates the subspace dimensions: K ≥ 1 and 1 ≤ d_k ≤ n.
func checkDims(dims []int, n int) error {
	if len(dims) < 1 {
		return fmt.Errorf("subspace: number of subspaces K = len(dims) = 0, want K ≥ 1")
	}
	for k, d := range dims {
		if d < 1 || d > n {
			return fmt.Errorf("subspace: subspace dimension d_%d = %d, want 1 ≤ d_k ≤ n = %d", k, d, n)
		}
	}
	return nil
}

// runKSubspaces alternates fit and reassign from the given labels (which it
// owns) for at most maxIter rounds.
func runKSubspaces(x *mat.Dense, dims, labels []int, maxIter int) *KSubspacesResult {
	res := &KSubspacesResult{}
	for it := 1; it <= maxIter; it++ {
		bases := fitBases(x, dims, labels)
		next, obj := assign(x, bases, labels)
		res.Bases, res.Objective, res.Iterations = bases, obj, it
		same := true
		for i := range next {
			if next[i] != labels[i] {
				same = false
				break
			}
		}
		labels = next
		if same {
			res.Converged = true
			break
		}
	}
	res.Labels = labels
	return res
}

// ClusteringObjective evaluates eq. (18) for fixed bases: every sample is
// assigned to argmax_k ‖U_kᵀx_i‖ (ties go to the lowest k) and the objective
// is Σ_i max_k ‖U_kᵀx_i‖². Like gonum's matrix operations it panics when the
// shapes do not match.
func ClusteringObjective(x *mat.Dense, bases []*mat.Dense) (objective float64, labels []int) {
	labels, objective = assign(x, bases, nil)
	return objective, labels
}

// assign returns argmax_k ‖U_kᵀx_i‖² for every sample and the objective (18).
// With prev non-nil a sample keeps prev[i] unless another basis is strictly
// better, so that K-subspaces cannot cycle between tied labelings.
func assign(x *mat.Dense, bases []*mat.Dense, prev []int) ([]int, float64) {
	nSamples, _ := x.Dims()
	proj := make([][]float64, len(bases)) // proj[k][i] = ‖U_kᵀx_i‖²
	for k, u := range bases {
		proj[k] = rowNorms2(x, u)
	}
	labels := make([]int, nSamples)
	obj := 0.0
	for i := range labels {
		best := 0
		if prev != nil && prev[i] >= 0 {
			best = prev[i]
		}
		for k := range bases {
			if proj[k][i] > proj[best][i] {
				best = k
			}
		}
		labels[i] = best
		obj += proj[best][i]
	}
	return labels, obj
}

// rowNorms2 returns ‖Uᵀx_i‖² for every row x_i of x.
func rowNorms2(x *mat.Dense, u mat.Matrix) []float64 {
	var p mat.Dense
	p.Mul(x, u)
	r, _ := p.Dims()
	out := make([]float64, r)
	for i := range out {
		for _, v := range p.RawRowView(i) {
			out[i] += v * v
		}
	}
	return out
}
