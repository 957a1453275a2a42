package phase

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/seed"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

// Options are the settings of a sweep that are not part of the grid.
type Options struct {
	// Tau is the success threshold τ > 0 on the error.
	Tau float64
	// Train returns Algorithm 1's hyperparameters for a parameterization and
	// the component dimensions (nil: DefaultTrain). The sweep sets Seed and
	// Backend itself.
	Train func(p dae.Parameterization, dims ...int) dae.Config
	// Workers is the number of goroutines for the classical runs (0: the
	// number of CPUs).
	Workers int
	// Progress, when set, is told as runs finish.
	Progress progress.Func
	// Backend runs Algorithm 1 (nil: backend.Default()).
	Backend compute.Backend
	// Shard restricts the sweep to part i of n of the grid's runs (in the
	// order of Grid.Keys); zero: every run.
	Shard results.Shard
}

// DefaultOptions are the options of Figures 4 and 8: τ = subspace.DefaultTau
// (0.5), Algorithm 1 by DefaultTrain, one worker per CPU, the default
// backend, every run of the grid.
func DefaultOptions() Options { return Options{Tau: subspace.DefaultTau} }

func (o *Options) validate() error {
	if !(o.Tau > 0) || math.IsInf(o.Tau, 0) {
		return param.Errorf("phase", "Tau", o.Tau, "a finite success threshold τ > 0 (DefaultOptions has %v)", subspace.DefaultTau)
	}
	if o.Workers < 0 {
		return param.Errorf("phase", "Workers", o.Workers, "≥ 0 (0: one per CPU)")
	}
	return o.Shard.Validate()
}

// DefaultTrain is the configuration of Algorithm 1 in the sweeps:
// dae.ConvergedConfig (each run stops on convergence, at most 4000 steps;
// the steps taken are recorded in the rows), started for K ≥ 2 from the initialization of eq. (48)
// (dae.InitNearTruth: U_k = P_O(U⋆_k + δG_k), δ = 0.5), as the paper does for
// mixtures (Appendix E.1), and from a random basis for K = 1. From a random
// start the soft-max DAE often stops in a local minimum that mixes the
// subspaces (about a third of the runs for n = 48, K = 2, d = 3, at any
// N_k), which would hide the phase transition; from eq. (48) the runs with
// N_k ≥ d recover U⋆ and those with N_k < d drift away from it along the
// directions the samples leave undetermined.
func DefaultTrain(p dae.Parameterization, dims ...int) dae.Config {
	return sweepInit(dae.ConvergedConfig(p, dims...))
}

// FixedTrain is DefaultTrain with dae.DefaultConfig's fixed number of steps
// and geometric schedule instead of stopping on convergence: what the
// benchmarks against PyTorch run (the GoMLX graph kernel has no stopping).
func FixedTrain(p dae.Parameterization, dims ...int) dae.Config {
	return sweepInit(dae.DefaultConfig(p, dims...))
}

// sweepInit starts mixtures (K ≥ 2) from eq. (48), as DefaultTrain explains.
func sweepInit(c dae.Config) dae.Config {
	if len(c.Dims) >= 2 {
		c.Init = dae.InitNearTruth
	}
	return c
}

// TrainConfig is Algorithm 1's configuration for K components of dimension
// d: the single-Gaussian DAE (eq. 11) for K = 1, the soft-max DAE (eq. 9) for
// K ≥ 2, hyperparameters from Options.Train.
func (o *Options) TrainConfig(k, d int, seed uint64) dae.Config {
	p := dae.ParamSoftMax
	if k == 1 {
		p = dae.ParamSingleGaussian
	}
	dims := make([]int, k)
	for i := range dims {
		dims[i] = d
	}
	train := o.Train
	if train == nil {
		train = DefaultTrain
	}
	cfg := train(p, dims...)
	cfg.Parameterization, cfg.Dims = p, dims
	cfg.Seed = seed
	cfg.Backend = o.Backend
	return cfg
}

// Sweep runs every run of the grid (of Options.Shard's part of it) for
// which done is false (done may be nil), and passes the rows to emit in
// batches: one batch per (n, K, d, method), in the order of Grid.Keys.
// Algorithm 1 trains all instances and N_k of a (n, K, d) in one
// dae.TrainContext call; the classical runs are spread over Options.Workers
// goroutines. Cancelling ctx stops the sweep between runs (Algorithm 1:
// between graph executions) and returns ctx.Err(); batches already emitted
// are complete.
func Sweep(ctx context.Context, g Grid, opts Options, done func(Key) bool, emit func([]Row) error) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if err := opts.validate(); err != nil {
		return err
	}
	if err := opts.validateTrain(g); err != nil {
		return err
	}
	type group struct {
		n, k, d int
		method  Method
		keys    []Key
	}
	var groups []group
	total, skipped := 0, 0
	for i, key := range g.Keys() {
		if !opts.Shard.Has(i) {
			continue
		}
		if done != nil && done(key) {
			skipped++
			continue
		}
		total++
		last := len(groups) - 1
		if last < 0 || groups[last].n != key.N || groups[last].k != key.K || groups[last].d != key.D || groups[last].method != key.Method {
			groups = append(groups, group{n: key.N, k: key.K, d: key.D, method: key.Method})
			last++
		}
		groups[last].keys = append(groups[last].keys, key)
	}
	counter := progress.NewCounter(opts.Progress, float64(total), "runs", skipped)
	for _, gr := range groups {
		stage := fmt.Sprintf("n=%d K=%d d=%d %s", gr.n, gr.k, gr.d, gr.method)
		counter.Stage(stage)
		var rows []Row
		var err error
		switch gr.method {
		case SGD:
			rows, err = runSGD(ctx, g, &opts, gr.k, gr.d, gr.keys, func(f float64) { counter.Add(f, "") })
		case Classic:
			rows, err = runClassic(ctx, g, &opts, gr.keys, func(f float64) { counter.Add(f, "") })
		}
		if err != nil {
			counter.Finish(false)
			return err
		}
		if err := emit(rows); err != nil {
			counter.Finish(false)
			return err
		}
	}
	counter.Finish(true)
	return nil
}

// Run runs the sweep into the results table at path (a .csv file, see
// pkg/results), resuming it: runs whose rows are already there are skipped,
// a torn last line is redone, and new rows are appended a batch at a time.
// The table is locked while the sweep runs, and its settings (seed, τ,
// Algorithm 1's hyperparameters, the backend, the shard) are recorded beside
// it; resuming with other settings is refused. Run returns the rows of the
// grid (of the shard), from the file and new.
func Run(ctx context.Context, g Grid, path string, opts Options) ([]Row, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := opts.validateTrain(g); err != nil {
		return nil, err
	}
	be, err := backend.OrDefault(opts.Backend)
	if err != nil {
		return nil, err
	}
	opts.Backend = be
	t, old, err := results.Open[Row](path, results.Options{Settings: newSettings(g, &opts), Backend: backend.Label(be), Shard: opts.Shard})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	have := make(map[Key]Row, len(old))
	for _, r := range old {
		if _, ok := have[r.Key]; !ok {
			have[r.Key] = r
		}
	}
	err = Sweep(ctx, g, opts, func(k Key) bool { _, ok := have[k]; return ok }, func(rows []Row) error {
		if err := t.Append(rows...); err != nil {
			return err
		}
		for _, r := range rows {
			have[r.Key] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := t.Close(); err != nil {
		return nil, err
	}
	var rows []Row
	for i, k := range g.Keys() {
		if opts.Shard.Has(i) {
			rows = append(rows, have[k])
		}
	}
	return rows, nil
}

// Merge joins the results tables of the shards of one sweep into the table
// at out (see results.Merge: the shards' settings must agree and together
// be shards 0 … n−1 of n) and returns the number of rows added.
func Merge(out string, shards []string) (int, error) {
	return results.Merge(out, shards, func(r Row) string { return r.Key.String() })
}

// score turns fitted bases into a row.
func score(key Key, p *Problem, bases []*mat.Dense, tau float64, seconds float64) (Row, error) {
	errs, err := subspace.Errors(bases, p.Truth)
	if err != nil {
		return Row{}, fmt.Errorf("phase: %s: %w", key, err)
	}
	worst := 0.0
	for _, e := range errs {
		if math.IsNaN(e) || e > worst {
			worst = e
		}
	}
	return Row{Key: key, Error: worst, Success: worst <= tau, Seconds: seconds}, nil
}

// runSGD trains Algorithm 1 on all the runs of one (K, d) in one call.
func runSGD(ctx context.Context, g Grid, opts *Options, k, d int, keys []Key, report func(float64)) ([]Row, error) {
	problems := make([]*Problem, len(keys))
	instances := make([]dae.Instance, len(keys))
	for i, key := range keys {
		p, err := key.Problem(g.Seed)
		if err != nil {
			return nil, err
		}
		problems[i] = p
		instances[i] = p.Instance()
	}
	cfg := opts.TrainConfig(k, d, g.Seed)
	start := time.Now()
	last := 0.0
	res, err := dae.TrainContext(ctx, cfg, instances, func(u progress.Update) {
		f := u.Fraction() * float64(len(keys))
		report(f - last)
		last = f
	})
	if err != nil {
		return nil, fmt.Errorf("phase: Algorithm 1 for K = %d, d = %d: %w", k, d, err)
	}
	seconds := time.Since(start).Seconds() / float64(len(keys))
	rows := make([]Row, len(keys))
	for i, key := range keys {
		if rows[i], err = score(key, problems[i], res.Bases[i], opts.Tau, seconds); err != nil {
			return nil, err
		}
		rows[i].Steps, rows[i].Converged = res.Steps[i], res.Converged[i]
	}
	return rows, nil
}

// runClassic fits PCA (K = 1) or spectral K-subspaces (K ≥ 2) to every run,
// on Options.Workers goroutines.
func runClassic(ctx context.Context, g Grid, opts *Options, keys []Key, report func(float64)) ([]Row, error) {
	workers := opts.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	rows := make([]Row, len(keys))
	errs := make([]error, len(keys))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rows[i], errs[i] = ClassicRun(keys[i], g.Seed, opts.Tau)
				report(1)
			}
		}()
	}
	var cancelled error
feed:
	for i := range keys {
		select {
		case next <- i:
		case <-ctx.Done():
			cancelled = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if cancelled != nil {
		return nil, cancelled
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// ClassicRun does one classical run: PCA (subspace.PCA, eq. 12) for K = 1,
// K-subspaces with the spectral initialization (subspace.KSubspaces,
// eq. 18) for K ≥ 2, on the problem of key for the sweep seed, scored with
// threshold tau.
func ClassicRun(key Key, sweepSeed uint64, tau float64) (Row, error) {
	start := time.Now()
	p, err := key.Problem(sweepSeed)
	if err != nil {
		return Row{}, err
	}
	var bases []*mat.Dense
	if key.K == 1 {
		u, err := subspace.PCA(p.X, key.D)
		if err != nil {
			return Row{}, fmt.Errorf("phase: %s: %w", key, err)
		}
		bases = []*mat.Dense{u}
	} else {
		dims := make([]int, key.K)
		for i := range dims {
			dims[i] = key.D
		}
		res, err := subspace.KSubspaces(p.X, dims, subspace.KSubspacesOptions{Init: subspace.InitSpectral, Seed: seed.Derive(p.Seed, "classic")})
		if err != nil {
			return Row{}, fmt.Errorf("phase: %s: %w", key, err)
		}
		bases = res.Bases
	}
	return score(key, p, bases, tau, time.Since(start).Seconds())
}
