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
//
// It is kept out of `go test ./...` and `go vet ./...` by the bench build tag.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
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

func main() {
	k := flag.Int("k", 2, "number of components K")
	d := flag.Int("d", 6, "subspace dimension d")
	n := flag.Int("n", 48, "ambient dimension n")
	nks := flag.String("nk", "1-24", "samples per component N_k, lo-hi")
	instances := flag.Int("instances", 20, "instances per N_k (all N_k × instances train as one batch)")
	steps := flag.Int("steps", 500, "SGD steps for XLA and PyTorch (the step-size schedule spans these steps)")
	goSteps := flag.Int("go-steps", 25, "SGD steps timed on the pure-Go backend (0: skip it)")
	seed := flag.Uint64("seed", 1, "seed")
	python := flag.String("python", ".venv/bin/python", "Python with torch (bash bench/setup_torch.sh)")
	threads := flag.String("threads", "1,0", "PyTorch thread counts to time, comma-separated (0: its default, one per core)")
	flag.Parse()
	if err := run(*k, *d, *n, *nks, *instances, *steps, *goSteps, *seed, *python, *threads); err != nil {
		fmt.Fprintln(os.Stderr, "phasebench:", err)
		os.Exit(1)
	}
}

type problemSpec struct {
	Instances        int    `json:"instances"`
	NMax             int    `json:"nmax"`
	N                int    `json:"n"`
	T                int    `json:"T"`
	Dims             []int  `json:"dims"`
	Steps            int    `json:"steps"`
	Batch            int    `json:"batch"`
	Parameterization string `json:"parameterization"`
	PolarIterations  int    `json:"polar_iterations"`
	Threads          int    `json:"threads"`
	Blob             string `json:"blob"`
}

func run(k, d, n int, nkRange string, numInst, steps, goSteps int, seed uint64, python string, threadList string) error {
	var threads []int
	for _, f := range strings.Split(threadList, ",") {
		var t int
		if _, err := fmt.Sscanf(strings.TrimSpace(f), "%d", &t); err != nil || t < 0 {
			return fmt.Errorf("-threads %q: want thread counts ≥ 0", threadList)
		}
		threads = append(threads, t)
	}
	var lo, hi int
	if _, err := fmt.Sscanf(strings.Replace(nkRange, "-", " ", 1), "%d %d", &lo, &hi); err != nil || lo < 1 || hi < lo {
		return fmt.Errorf("-nk %q: want lo-hi with 1 ≤ lo ≤ hi", nkRange)
	}
	param := dae.ParamSoftMax
	pname := "softmax"
	if k == 1 {
		param, pname = dae.ParamSingleGaussian, "single"
	}
	dims := make([]int, k)
	for i := range dims {
		dims[i] = d
	}
	cfg := phase.DefaultTrain(param, dims...)
	cfg.Steps = steps
	cfg.Seed = seed
	if cfg.Levels != nil || cfg.Lambda != nil || cfg.Restarts != 1 || cfg.Pi != nil {
		return fmt.Errorf("the PyTorch reference covers s = 1, λ = 1, one restart and equal π_k only")
	}

	// The problems: every N_k × instance of one (K, d) of the sweep grid.
	var problems []*phase.Problem
	var ins []dae.Instance
	for nk := lo; nk <= hi; nk++ {
		for i := range numInst {
			p, err := phase.NewProblem(n, k, d, nk, i, 0, seed)
			if err != nil {
				return err
			}
			problems = append(problems, p)
			ins = append(ins, dae.Instance{X: p.X, Truth: p.Truth, Seed: p.Seed})
		}
	}
	numI := len(ins)
	fmt.Printf("Algorithm 1, %v, n = %d, K = %d, d = %d, N_k = %d..%d × %d instances = %d problems in one batch, batch %d, T = %d, %d Newton–Schulz iterations\n",
		param, n, k, d, lo, hi, numInst, numI, cfg.BatchSize, cfg.T, cfg.PolarIterations)

	// Export for PyTorch.
	dir, err := os.MkdirTemp("", "phasebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	nMax := 0
	for _, in := range ins {
		nMax = max(nMax, in.X.RawMatrix().Rows)
	}
	var blob bytes.Buffer
	put := func(v any) { _ = binary.Write(&blob, binary.LittleEndian, v) }
	data := make([]float32, numI*nMax*n)
	counts := make([]int32, numI)
	keys := make([]uint64, numI)
	for i, in := range ins {
		r, _ := in.X.Dims()
		counts[i] = int32(r)
		keys[i] = dae.InstanceKey(cfg.Seed, in.Seed)
		for a := range r {
			for b := range n {
				data[(i*nMax+a)*n+b] = float32(in.X.At(a, b))
			}
		}
	}
	put(data)
	put(counts)
	put(keys)
	levels := make([]float32, 0, 3*cfg.T)
	for t := range cfg.T {
		sigma := cfg.SigmaMin
		if cfg.T > 1 {
			sigma += (cfg.SigmaMax - cfg.SigmaMin) * float64(t) / float64(cfg.T-1)
		}
		levels = append(levels, 1, float32(sigma), 1)
	}
	put(levels)
	lr := make([]float32, steps)
	for i := range lr {
		f := 0.0
		if steps > 1 {
			f = float64(i) / float64(steps-1)
		}
		lr[i] = float32(cfg.StepSize * math.Pow(cfg.FinalStepSize/cfg.StepSize, f))
	}
	put(lr)
	for c := range k {
		flat := make([]float32, 0, numI*n*d)
		for i, in := range ins {
			var truth *mat.Dense
			if in.Truth != nil {
				truth = in.Truth[c]
			}
			u := dae.InitialBasis(&cfg, keys[i], c, truth, n)
			for a := range n {
				for b := range d {
					flat = append(flat, float32(u.At(a, b)))
				}
			}
		}
		put(flat)
	}
	blobPath := filepath.Join(dir, "problem.bin")
	if err := os.WriteFile(blobPath, blob.Bytes(), 0o644); err != nil {
		return err
	}
	spec := problemSpec{Instances: numI, NMax: nMax, N: n, T: cfg.T, Dims: dims, Steps: steps, Batch: cfg.BatchSize,
		Parameterization: pname, PolarIterations: cfg.PolarIterations, Blob: blobPath}
	js, _ := json.Marshal(spec)
	specPath := filepath.Join(dir, "problem.json")
	if err := os.WriteFile(specPath, js, 0o644); err != nil {
		return err
	}

	// Ours: the host kernel (the default), then GoMLX graphs on XLA (the
	// default backend) and on the pure-Go backend (fewer steps).
	ours, oursRate, _, err := timeTrain(cfg, ins, dae.KernelHost, nil)
	if err != nil {
		return err
	}
	fmt.Printf("  ours, host kernel (Go, %d goroutines): %d steps in %.2f s\n", runtime.GOMAXPROCS(0), steps, float64(steps)/oursRate)
	xla, info, err := backend.New()
	if err != nil {
		return err
	}
	xlaRes, xlaRate, compile, err := timeTrain(cfg, ins, dae.KernelGraph, xla)
	if err != nil {
		return err
	}
	fmt.Printf("  ours, GoMLX graph on %s (%s): %d steps in %.2f s (compile %.1f s apart)\n", info.Name, info.Device, steps, float64(steps)/xlaRate, compile.Seconds())
	goRate := math.NaN()
	if goSteps > 0 {
		gb, err := backend.Go()
		if err != nil {
			return err
		}
		gcfg := cfg
		gcfg.Steps = goSteps
		_, goRate, compile, err = timeTrain(gcfg, ins, dae.KernelGraph, gb)
		if err != nil {
			return err
		}
		fmt.Printf("  ours, GoMLX graph on go (pure Go): %d steps in %.2f s (compile %.1f s apart)\n", goSteps, float64(goSteps)/goRate, compile.Seconds())
	}

	// PyTorch, once per thread count.
	var torchRates []float64
	var torchNames []string
	var flat []float32
	for ti, th := range threads {
		spec.Threads = th
		js, _ := json.Marshal(spec)
		if err := os.WriteFile(specPath, js, 0o644); err != nil {
			return err
		}
		outPath := filepath.Join(dir, "bases.bin")
		cmd := exec.Command(python, "bench/torch_alg1.py", specPath, outPath)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("PyTorch reference (%s bench/torch_alg1.py; install with bash bench/setup_torch.sh): %w", python, err)
		}
		var tr struct {
			Seconds float64 `json:"seconds"`
			Steps   int     `json:"steps"`
			Threads int     `json:"threads"`
			Torch   string  `json:"torch"`
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &tr); err != nil {
			return fmt.Errorf("PyTorch output %q: %w", out, err)
		}
		torchRates = append(torchRates, float64(tr.Steps)/tr.Seconds)
		torchNames = append(torchNames, fmt.Sprintf("PyTorch %d thread(s)", tr.Threads))
		fmt.Printf("  PyTorch %s CPU, %d thread(s): %d steps in %.2f s\n", tr.Torch, tr.Threads, tr.Steps, tr.Seconds)
		if ti > 0 {
			continue
		}
		raw, err := os.ReadFile(outPath)
		if err != nil {
			return err
		}
		flat = make([]float32, len(raw)/4)
		if err := binary.Read(bytes.NewReader(raw), binary.LittleEndian, flat); err != nil {
			return err
		}
		if len(flat) != k*numI*n*d {
			return fmt.Errorf("PyTorch wrote %d numbers, want %d", len(flat), k*numI*n*d)
		}
	}

	// Agreement: errors and success on the same data.
	torchBases := make([][]*mat.Dense, numI)
	for i := range problems {
		for c := range k {
			u := mat.NewDense(n, d, nil)
			off := (c*numI + i) * n * d
			for a := range n {
				for b := range d {
					u.Set(a, b, float64(flat[off+a*d+b]))
				}
			}
			torchBases[i] = append(torchBases[i], u)
		}
	}
	if err := agreement("ours (host) and PyTorch", problems, ours.Bases, torchBases); err != nil {
		return err
	}
	if err := agreement("ours host and XLA graph", problems, ours.Bases, xlaRes.Bases); err != nil {
		return err
	}
	fmt.Printf("steps/s (%d problems per step): ours host %.1f, ours XLA graph %.1f, ours pure-Go graph %.1f", numI, oursRate, xlaRate, goRate)
	for i, r := range torchRates {
		fmt.Printf(", %s %.1f", torchNames[i], r)
	}
	fmt.Println()
	for i, r := range torchRates {
		fmt.Printf("ratio ours/%s: host %.2f×, XLA graph %.2f×, pure-Go graph %.2f×\n", torchNames[i], oursRate/r, xlaRate/r, goRate/r)
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
		ea, err := worst(a[i], p.Truth)
		if err != nil {
			return err
		}
		eb, err := worst(b[i], p.Truth)
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
// the result and the steps per second of the timed run.
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

func worst(est, truth []*mat.Dense) (float64, error) {
	errs, err := subspace.Errors(est, truth)
	if err != nil {
		return 0, err
	}
	w := 0.0
	for _, e := range errs {
		if math.IsNaN(e) || e > w {
			w = e
		}
	}
	return w, nil
}
