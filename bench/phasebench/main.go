//go:build bench

// Command phasebench runs Algorithm 1 (pkg/dae) and its PyTorch reference
// (bench/torch_alg1.py) on the same problems of the phase-transition grid, in
// the same run, and prints the SGD steps per second of each and their ratio,
// and whether they agree (same success on the same data).
//
// Both sides get the same data, the same initial bases and the same random
// draws (minibatch indices, noise levels, ε from pkg/dae's counter-based
// hash), so their trained bases agree to float32 rounding.
//
//	bash bench/setup_torch.sh          # once: torch into .venv
//	go run -tags bench ./bench/phasebench -k 2 -d 6
//	go run -tags bench ./bench/phasebench -config converged -steps 0
//
// It is kept out of `go test ./...` and `go vet ./...` by the bench build tag.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/phase"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

type options struct {
	k, d, n, instances, steps, goSteps int
	nks, python, threads, config       string
	seed                               uint64
}

func main() {
	var o options
	flag.IntVar(&o.k, "k", 2, "number of components K")
	flag.IntVar(&o.d, "d", 6, "subspace dimension d")
	flag.IntVar(&o.n, "n", 48, "ambient dimension n")
	flag.StringVar(&o.nks, "nk", "1-24", "samples per component N_k, lo-hi")
	flag.IntVar(&o.instances, "instances", 20, "instances per N_k (all N_k × instances train as one batch)")
	flag.IntVar(&o.steps, "steps", 500, "Config.Steps for the host kernel, XLA and PyTorch (0: the config's)")
	flag.IntVar(&o.goSteps, "go-steps", 25, "SGD steps timed on the pure-Go backend (0: skip it)")
	flag.StringVar(&o.config, "config", "default", "Algorithm 1 configuration: default (dae.DefaultConfig: geometric schedule, fixed steps) or converged (phase.DefaultTrain, what molrg phase runs: dae.ConvergedConfig, stops on convergence; host kernel and PyTorch only)")
	flag.Uint64Var(&o.seed, "seed", 1, "seed")
	flag.StringVar(&o.python, "python", ".venv/bin/python", "Python with torch (bash bench/setup_torch.sh)")
	flag.StringVar(&o.threads, "threads", "1,0", "PyTorch thread counts to time, comma-separated (0: its default, one per core)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "phasebench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	var threads []int
	for _, f := range strings.Split(o.threads, ",") {
		var t int
		if _, err := fmt.Sscanf(strings.TrimSpace(f), "%d", &t); err != nil || t < 0 {
			return fmt.Errorf("-threads %q: want thread counts ≥ 0", o.threads)
		}
		threads = append(threads, t)
	}
	var lo, hi int
	if _, err := fmt.Sscanf(strings.Replace(o.nks, "-", " ", 1), "%d %d", &lo, &hi); err != nil || lo < 1 || hi < lo {
		return fmt.Errorf("-nk %q: want lo-hi with 1 ≤ lo ≤ hi", o.nks)
	}
	param, pname := dae.ParamSoftMax, "softmax"
	if o.k == 1 {
		param, pname = dae.ParamSingleGaussian, "single"
	}
	dims := make([]int, o.k)
	for i := range dims {
		dims[i] = o.d
	}
	cfg := phase.DefaultTrain(param, dims...) // molrg phase's: dae.ConvergedConfig with the sweep's initialization
	if o.config == "default" {
		cfg = phase.FixedTrain(param, dims...)
	}
	if o.steps > 0 {
		cfg.Steps = o.steps
	}
	cfg.Seed = o.seed
	if cfg.Levels != nil || cfg.Lambda != nil || cfg.Restarts != 1 || cfg.Pi != nil {
		return fmt.Errorf("the PyTorch reference covers s = 1, λ = 1, one restart and equal π_k only")
	}

	// The problems: every N_k × instance of one (K, d) of the sweep grid.
	var problems []*phase.Problem
	var ins []dae.Instance
	for nk := lo; nk <= hi; nk++ {
		for i := range o.instances {
			p, err := phase.NewProblem(o.n, o.k, o.d, nk, i, 0, o.seed)
			if err != nil {
				return err
			}
			problems = append(problems, p)
			ins = append(ins, p.Instance()) // the instance phase.Sweep trains
		}
	}
	numI := len(ins)
	fmt.Printf("Algorithm 1, %v, n = %d, K = %d, d = %d, N_k = %d..%d × %d instances = %d problems in one batch, batch %d, T = %d, %d Newton–Schulz iterations, %v schedule, at most %d steps, Tol %g\n",
		param, o.n, o.k, o.d, lo, hi, o.instances, numI, cfg.BatchSize, cfg.T, cfg.PolarIterations, cfg.Schedule, cfg.Steps, cfg.Tol)
	dir, err := os.MkdirTemp("", "phasebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	spec, err := exportProblems(dir, &cfg, ins, o.n, pname)
	if err != nil {
		return err
	}

	// Ours: the host kernel (the default), then GoMLX graphs on XLA (the
	// default backend) and on the pure-Go backend (fewer steps).
	ours, oursRate, _, err := timeTrain(cfg, ins, dae.KernelHost, nil)
	if err != nil {
		return err
	}
	fmt.Printf("  ours, host kernel (Go, %d goroutines): %d steps in %.2f s\n", runtime.GOMAXPROCS(0), cfg.Steps, float64(cfg.Steps)/oursRate)
	xlaRate, goRate := math.NaN(), math.NaN()
	var xlaRes *dae.Result
	if cfg.Tol == 0 {
		xla, info, err := backend.New()
		if err != nil {
			return err
		}
		var compile time.Duration
		xlaRes, xlaRate, compile, err = timeTrain(cfg, ins, dae.KernelGraph, xla)
		if err != nil {
			return err
		}
		fmt.Printf("  ours, GoMLX graph on %s (%s): %d steps in %.2f s (compile %.1f s apart)\n", info.Name, info.Device, cfg.Steps, float64(cfg.Steps)/xlaRate, compile.Seconds())
		if o.goSteps > 0 {
			gb, err := backend.Go()
			if err != nil {
				return err
			}
			gcfg := cfg
			gcfg.Steps = o.goSteps
			if _, goRate, compile, err = timeTrain(gcfg, ins, dae.KernelGraph, gb); err != nil {
				return err
			}
			fmt.Printf("  ours, GoMLX graph on go (pure Go): %d steps in %.2f s (compile %.1f s apart)\n", o.goSteps, float64(o.goSteps)/goRate, compile.Seconds())
		}
	}

	// PyTorch, once per thread count.
	var torchRates []float64
	var torchNames []string
	var first *torchRun
	for _, th := range threads {
		spec.Threads = th
		tr, err := runTorch(o.python, dir, spec)
		if err != nil {
			return err
		}
		torchRates = append(torchRates, float64(cfg.Steps)/tr.seconds)
		torchNames = append(torchNames, fmt.Sprintf("PyTorch %d thread(s)", tr.threads))
		fmt.Printf("  PyTorch %s CPU, %d thread(s): %d steps in %.2f s\n", tr.version, tr.threads, cfg.Steps, tr.seconds)
		if first == nil {
			first = tr
		}
	}

	if err := agreement("ours (host) and PyTorch", problems, ours.Bases, first.bases); err != nil {
		return err
	}
	if cfg.Tol > 0 {
		same, conv := 0, 0
		for i := range ins {
			if ours.Steps[i] == first.steps[i] && ours.Converged[i] == first.converged[i] {
				same++
			}
			if ours.Converged[i] {
				conv++
			}
		}
		fmt.Printf("stopping: same steps and convergence on %d of %d problems (%d converged)\n", same, numI, conv)
	}
	if xlaRes != nil {
		if err := agreement("ours host and XLA graph", problems, ours.Bases, xlaRes.Bases); err != nil {
			return err
		}
	}
	fmt.Printf("steps/s (%d problems per step): ours host %.1f, ours XLA graph %.1f, ours pure-Go graph %.1f", numI, oursRate, xlaRate, goRate)
	for i, r := range torchRates {
		fmt.Printf(", %s %.1f", torchNames[i], r)
	}
	fmt.Println()
	for i, r := range torchRates {
		fmt.Printf("ratio ours/%s: host %.2f×, XLA graph %.2f×", torchNames[i], oursRate/r, xlaRate/r)
		if o.goSteps > 0 {
			fmt.Printf(", pure-Go graph %.2f×", goRate/r)
		}
		fmt.Println()
	}
	return nil
}

// agreement prints on how many problems two sets of trained bases give the
// same success, and their largest differences.
func agreement(what string, problems []*phase.Problem, a, b [][]*mat.Dense) error {
	same, succA, succB := 0, 0, 0
	maxErrDiff, maxBasisDist := 0.0, 0.0
	for i, p := range problems {
		for c := range a[i] {
			maxBasisDist = math.Max(maxBasisDist, subspace.Distance(a[i][c], b[i][c]))
		}
		_, ea, err := subspace.BestPermutation(a[i], p.Truth) // the recovery error: the largest matched distance
		if err != nil {
			return err
		}
		_, eb, err := subspace.BestPermutation(b[i], p.Truth) // the recovery error: the largest matched distance
		if err != nil {
			return err
		}
		maxErrDiff = math.Max(maxErrDiff, math.Abs(ea-eb))
		sa, sb := ea <= subspace.DefaultTau, eb <= subspace.DefaultTau
		if sa == sb {
			same++
		}
		if sa {
			succA++
		}
		if sb {
			succB++
		}
	}
	fmt.Printf("agreement of %s: same success on %d of %d problems (%d and %d successes); max |error difference| %.2g; max ‖U_aU_aᵀ − U_bU_bᵀ‖_F %.2g\n",
		what, same, len(problems), succA, succB, maxErrDiff, maxBasisDist)
	return nil
}

// timeTrain compiles (one execution) and then times Algorithm 1; it returns
// the result and the steps per second of the timed run (Config.Steps over
// the wall time: with stopping on convergence, steps of the longest run).
func timeTrain(cfg dae.Config, ins []dae.Instance, kernel dae.Kernel, be compute.Backend) (*dae.Result, float64, time.Duration, error) {
	cfg.Kernel, cfg.Backend = kernel, be
	warm := cfg
	warm.Steps = min(cfg.Steps, cfg.StepsPerExec)
	start := time.Now()
	if _, err := dae.Train(warm, ins); err != nil {
		return nil, 0, 0, err
	}
	compile := time.Since(start)
	start = time.Now()
	res, err := dae.Train(cfg, ins)
	if err != nil {
		return nil, 0, 0, err
	}
	el := time.Since(start)
	// The warm-up's own steps ran too: subtract them from the compile time.
	compile = max(0, compile-time.Duration(float64(el)*float64(warm.Steps)/float64(cfg.Steps)))
	return res, float64(cfg.Steps) / el.Seconds(), compile, nil
}
