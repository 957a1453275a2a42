package dae

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/progress"
	"gonum.org/v1/gonum/mat"
)

// Instance is one independent training problem for Algorithm 1.
type Instance struct {
	X     *mat.Dense   // N×n training data x⁽ⁱ⁾, one sample per row
	Truth []*mat.Dense // U⋆_k (n×d_k), needed only by InitNearTruth
	Seed  uint64       // instance seed; with Config.Seed it fixes the init and every random draw
}

// Result is the outcome of Algorithm 1 on a batch of instances.
type Result struct {
	Bases     [][]*mat.Dense // Bases[i][k]: the trained U_k (n×d_k) of instance i
	Objective []float64      // Objective[i]: the clustering objective (18) of Bases[i] on instance i's data
	Restart   []int          // Restart[i]: the restart that gave Bases[i] (0 when Config.Restarts = 1)
	Steps     []int          // Steps[i]: SGD steps Bases[i] took (Config.Steps unless it converged)
	Converged []bool         // Converged[i]: Bases[i] met the convergence test (Config.Tol > 0)
	Loss      [][]float64    // Loss[i][w]: minibatch loss of instance i averaged over window w (NaN once it stopped)
	LossSteps []int          // LossSteps[w]: number of steps done at the end of window w
	MeanLoss  []float64      // MeanLoss[w]: Loss[·][w] averaged over the instances still running
	// Snapshots[c][i][k]: U_k of instance i (the restart in Restart[i])
	// after Config.Snapshots[c] steps.
	Snapshots [][][]*mat.Dense
}

// Train runs Algorithm 1 on every instance, all of them in one graph.
// See TrainContext.
func Train(cfg Config, instances []Instance) (*Result, error) {
	return TrainContext(context.Background(), cfg, instances, nil)
}

// TrainContext runs Algorithm 1 (minibatch SGD on the loss (6) with
// U_k ← P_O(U_k − η∇_{U_k}ℓ) after every step) on every instance, all of
// them in one graph: the data are padded to [I, N_max, n] and each instance
// draws its minibatch only from its own N_i rows. Each step draws, per
// instance and per minibatch slot, a sample index uniformly from 0..N_i−1 (with
// replacement), a noise level uniformly from the T levels and ε ~ N(0, Iₙ).
// The instances must share n; each has its own seed, and an instance gets the
// same result whether trained alone or in a batch.
//
// With Config.Restarts = R > 1 every instance is trained from R
// initializations (all in the same graph) and the run with the largest
// clustering objective (18), Σ_i max_k ‖U_kᵀx_i‖², is returned.
//
// report, when not nil, is told the number of steps done after every graph
// execution. Cancelling ctx stops training between executions and
// returns ctx.Err().
func TrainContext(ctx context.Context, cfg Config, instances []Instance, report progress.Func) (*Result, error) {
	n, err := validateInstances(&cfg, instances)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(n); err != nil {
		return nil, err
	}

	// Runs: every instance × every restart, each with its own RNG key.
	numRuns := len(instances) * cfg.Restarts
	runInst := make([]int, numRuns)
	keys := make([]uint64, numRuns)
	for i, in := range instances {
		for r := range cfg.Restarts {
			run := i*cfg.Restarts + r
			runInst[run] = i
			keys[run] = restartKey(InstanceKey(cfg.Seed, in.Seed), r)
		}
	}
	data := make([][]float32, len(instances))
	for i, in := range instances {
		r, _ := in.X.Dims()
		data[i] = make([]float32, 0, r*n)
		for a := range r {
			for b := range n {
				data[i] = append(data[i], float32(in.X.At(a, b)))
			}
		}
	}
	init := initBases(&cfg, instances, runInst, keys, n)
	counter := progress.NewCounter(report, float64(cfg.Steps), "steps", 0)
	defer counter.Finish(false)
	reported := 0
	stepsDone := func(done int) { // the kernels report the steps done so far
		counter.Add(float64(done-reported), "")
		reported = done
	}
	var out *trained
	if cfg.Kernel == KernelHost {
		out, err = trainHost(ctx, &cfg, data, runInst, keys, init, n, stepsDone)
	} else {
		out, err = trainGraph(ctx, &cfg, data, runInst, keys, init, n, stepsDone)
	}
	if err != nil {
		return nil, err
	}
	return collect(&cfg, instances, out, n), nil
}

// restartKey derives the key of restart r; restart 0 keeps the instance key,
// so Restarts = 1 and the first restart of Restarts > 1 coincide.
func restartKey(key uint64, r int) uint64 {
	if r == 0 {
		return key
	}
	return splitMix64(key ^ splitMix64(uint64(r)+0x72657374))
}

// initBases draws the initial U_k of every run: [runs, n, d_k] row-major
// per component.
func initBases(cfg *Config, instances []Instance, runInst []int, keys []uint64, n int) [][]float32 {
	out := make([][]float32, len(cfg.Dims))
	for k, d := range cfg.Dims {
		flat := make([]float32, 0, len(runInst)*n*d)
		for run, i := range runInst {
			var truth *mat.Dense
			if cfg.Init == InitNearTruth {
				truth = instances[i].Truth[k]
			}
			u := InitialBasis(cfg, keys[run], k, truth, n)
			for a := range n {
				for b := range d {
					flat = append(flat, float32(u.At(a, b)))
				}
			}
		}
		out[k] = flat
	}
	return out
}

// InitialBasis is the initial U_k of the run with RNG key key (see
// InstanceKey): Haar-random for InitRandom, NearTruth(truth) for
// InitNearTruth. Both draw from the stream (key, "init"+k).
func InitialBasis(cfg *Config, key uint64, k int, truth *mat.Dense, n int) *mat.Dense {
	rng := rand.New(rand.NewPCG(key, 0x696e6974+uint64(k)))
	if cfg.Init == InitNearTruth {
		return NearTruth(truth, cfg.InitPerturbation, rng)
	}
	return molrg.RandomOrthonormal(n, cfg.Dims[k], rng)
}

// NearTruth is the initialization of eq. (48): P_O(U⋆ + δ·G), G with
// i.i.d. N(0, 1/n) entries drawn from rng, projected with gonum's SVD.
func NearTruth(truth *mat.Dense, delta float64, rng *rand.Rand) *mat.Dense {
	n, d := truth.Dims()
	y := mat.DenseCopyOf(truth)
	scale := delta / math.Sqrt(float64(n))
	for a := range n {
		for b := range d {
			y.Set(a, b, y.At(a, b)+scale*rng.NormFloat64())
		}
	}
	var svd mat.SVD
	if !svd.Factorize(y, mat.SVDThin) {
		return y
	}
	var w, v mat.Dense
	svd.UTo(&w)
	svd.VTo(&v)
	y.Mul(&w, v.T())
	return y
}

// collect turns the kernel's output into a Result, keeping for every
// instance the restart with the largest objective (18).
func collect(cfg *Config, instances []Instance, out *trained, n int) *Result {
	numInst, numR := len(instances), cfg.Restarts
	basesOf := func(flat [][]float32, run int) []*mat.Dense {
		us := make([]*mat.Dense, len(cfg.Dims))
		for k, d := range cfg.Dims {
			u := mat.NewDense(n, d, nil)
			for a := range n {
				for b := range d {
					u.Set(a, b, float64(flat[k][(run*n+a)*d+b]))
				}
			}
			us[k] = u
		}
		return us
	}
	runBases := func(run int) []*mat.Dense { return basesOf(out.bases, run) }
	res := &Result{
		Bases:     make([][]*mat.Dense, numInst),
		Objective: make([]float64, numInst),
		Restart:   make([]int, numInst),
		Steps:     make([]int, numInst),
		Converged: make([]bool, numInst),
		Loss:      make([][]float64, numInst),
	}
	for i, in := range instances {
		for r := range numR {
			us := runBases(i*numR + r)
			obj := ClusteringObjective(in.X, us)
			if r == 0 || obj > res.Objective[i] {
				res.Bases[i], res.Objective[i], res.Restart[i] = us, obj, r
			}
		}
		run := out.runs[i*numR+res.Restart[i]]
		res.Steps[i], res.Converged[i] = run.steps, run.converged
	}
	for _, flat := range out.snapshots {
		snap := make([][]*mat.Dense, numInst)
		for i := range numInst {
			snap[i] = basesOf(flat, i*numR+res.Restart[i])
		}
		res.Snapshots = append(res.Snapshots, snap)
	}
	for start := 0; start < len(out.loss); start += cfg.LogEvery {
		end := min(start+cfg.LogEvery, len(out.loss))
		mean, running := 0.0, 0
		for i := range numInst {
			run := i*numR + res.Restart[i]
			s, m := 0.0, 0
			for _, row := range out.loss[start:end] {
				if v := row[run]; !math.IsNaN(float64(v)) {
					s += float64(v)
					m++
				}
			}
			w := math.NaN()
			if m > 0 {
				w = s / float64(m)
				mean += w
				running++
			}
			res.Loss[i] = append(res.Loss[i], w)
		}
		res.LossSteps = append(res.LossSteps, end)
		res.MeanLoss = append(res.MeanLoss, mean/float64(running))
	}
	return res
}

// ClusteringObjective is the subspace-clustering objective of eq. (18),
// Σ_k Σ_{i∈C_k} ‖U_kᵀx_i‖² with C_k = {i : ‖U_kᵀx_i‖ ≥ ‖U_lᵀx_i‖ ∀l}, that
// is Σ_i max_k ‖U_kᵀx_i‖², for data x (one sample per row). With K = 1 it
// is the PCA objective of eq. (12).
func ClusteringObjective(x *mat.Dense, bases []*mat.Dense) float64 {
	r, _ := x.Dims()
	total := 0.0
	for i := range r {
		row := x.RowView(i)
		best := 0.0
		for _, u := range bases {
			var c mat.VecDense
			c.MulVec(u.T(), row)
			best = math.Max(best, mat.Dot(&c, &c))
		}
		total += best
	}
	return total
}

// validateInstances checks the instances and returns their common n.
func validateInstances(cfg *Config, instances []Instance) (int, error) {
	if len(instances) < 1 {
		return 0, fmt.Errorf("dae: %d instances, want at least 1", len(instances))
	}
	n := 0
	for i, in := range instances {
		if in.X == nil {
			return 0, fmt.Errorf("dae: instance %d: data X is nil, want an N×n matrix", i)
		}
		r, c := in.X.Dims()
		if r < 1 || c < 1 {
			return 0, fmt.Errorf("dae: instance %d: data X is %d×%d, want N ≥ 1 samples of dimension n ≥ 1", i, r, c)
		}
		if i == 0 {
			n = c
		} else if c != n {
			return 0, fmt.Errorf("dae: instance %d: data X has dimension n = %d, want n = %d like instance 0", i, c, n)
		}
		for a := range r {
			for b := range c {
				if v := in.X.At(a, b); !finite(v) {
					return 0, fmt.Errorf("dae: instance %d: data X[%d,%d] = %v, want finite values", i, a, b, v)
				}
			}
		}
		if cfg.Init == InitNearTruth {
			if len(in.Truth) != len(cfg.Dims) {
				return 0, fmt.Errorf("dae: instance %d: Truth has %d bases, want K = %d for InitNearTruth", i, len(in.Truth), len(cfg.Dims))
			}
			for k, u := range in.Truth {
				if u == nil {
					return 0, fmt.Errorf("dae: instance %d: Truth[%d] is nil, want an n×d_k matrix", i, k)
				}
				if ur, uc := u.Dims(); ur != n || (k < len(cfg.Dims) && uc != cfg.Dims[k]) {
					return 0, fmt.Errorf("dae: instance %d: Truth[%d] is %d×%d, want n×d_k = %d×%d", i, k, ur, uc, n, cfg.Dims[k])
				}
				for a := range n {
					for b := range cfg.Dims[k] {
						if !finite(u.At(a, b)) {
							return 0, fmt.Errorf("dae: instance %d: Truth[%d][%d,%d] = %v, want finite values", i, k, a, b, u.At(a, b))
						}
					}
				}
			}
		}
	}
	return n, nil
}
