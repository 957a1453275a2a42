//go:build bench

// Command boundary measures the phase transition of Figures 4 and 8 where it
// happens: the success rates of Algorithm 1 (pkg/dae) and of the classical
// methods (PCA, K-subspaces) at N_k = d−1, d, d+1, pooled over d, for every
// K, on the problems of the default sweep (pkg/phase: noise-free, seed 1,
// the same problems and Algorithm 1 seeds as phase.Sweep). It prints the
// rates with the runs they pool, Algorithm 1's mean steps per run and the
// fraction that converged, and the wall time.
//
//	go run -tags bench ./bench/boundary                  # dae.ConvergedConfig, K = 1, 2, 3, d = 1..12
//	go run -tags bench ./bench/boundary -config default  # dae.DefaultConfig (2000 steps, geometric)
//	go run -tags bench ./bench/boundary -k 1 -d 6 -steps 8000 -v
//
// It is kept out of `go test ./...` and `go vet ./...` by the bench build tag.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/phase"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

type options struct {
	defaults, nks         string
	steps                 int
	eta, finalEta, decay  float64
	tol, noise            float64
	window                int
	instances             int
	sgd, classic, verbose bool
}

func main() {
	var o options
	ks := flag.String("k", "1,2,3", "numbers of components K, comma-separated")
	ds := flag.String("d", "1-12", "subspace dimensions d: lo-hi or one value")
	flag.StringVar(&o.nks, "nk", "boundary", "samples per component: boundary (d−1, d, d+1) or lo-hi (the whole grid: 1-24)")
	flag.StringVar(&o.defaults, "config", "converged", "Algorithm 1 defaults: converged (dae.ConvergedConfig) or default (dae.DefaultConfig)")
	flag.IntVar(&o.instances, "instances", 20, "instances per cell")
	flag.IntVar(&o.steps, "steps", 0, "Config.Steps (0: the config's)")
	flag.Float64Var(&o.eta, "eta", 0, "Config.StepSize (0: the config's)")
	flag.Float64Var(&o.finalEta, "final-eta", 0, "Config.FinalStepSize (0: the config's)")
	flag.Float64Var(&o.decay, "decay", 0, "Config.DecaySteps (0: the config's)")
	flag.Float64Var(&o.tol, "tol", -1, "Config.Tol (negative: the config's)")
	flag.IntVar(&o.window, "window", 0, "Config.Window (0: the config's)")
	flag.Float64Var(&o.noise, "noise", 0, "noise level δ of the samples (the sweep's default: 0)")
	flag.BoolVar(&o.sgd, "sgd", true, "run Algorithm 1")
	flag.BoolVar(&o.classic, "classic", true, "run the classical methods")
	flag.BoolVar(&o.verbose, "v", false, "print every failed Algorithm 1 run with the smallest eigenvalue of its components' sample covariances")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "boundary:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "boundary:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*ks, *ds, o); err != nil {
		fmt.Fprintln(os.Stderr, "boundary:", err)
		os.Exit(1)
	}
}

// config is Algorithm 1's configuration for K components of dimension d:
// phase.Options.TrainConfig with the chosen defaults, then the flags.
func (o options) config(k, d int) dae.Config {
	opts := phase.Options{Train: phase.DefaultTrain}
	if o.defaults == "default" {
		opts.Train = phase.FixedTrain
	}
	c := opts.TrainConfig(k, d, phase.DefaultGrid().Seed)
	if o.steps > 0 {
		c.Steps = o.steps
	}
	if o.eta > 0 {
		c.StepSize = o.eta
	}
	if o.finalEta > 0 {
		c.FinalStepSize = o.finalEta
	}
	if o.decay > 0 {
		c.DecaySteps = o.decay
	}
	if o.tol >= 0 {
		c.Tol = o.tol
	}
	if o.window > 0 {
		c.Window = o.window
	}
	return c
}

type cell struct {
	runs, succ, steps, conv int
}

// tally accumulates the cells (K, N_k − d, method) and the totals.
type tally struct {
	cells                 map[[3]int]*cell
	sgdTime, classicTime  time.Duration
	totalSteps, totalRuns int
}

func (t *tally) get(k, off int, m phase.Method) *cell {
	mi := 0
	if m == phase.Classic {
		mi = 1
	}
	key := [3]int{k, off, mi}
	if t.cells[key] == nil {
		t.cells[key] = &cell{}
	}
	return t.cells[key]
}

func run(kList, dRange string, o options) error {
	var lo, hi int
	if _, err := fmt.Sscanf(strings.Replace(dRange, "-", " ", 1), "%d %d", &lo, &hi); err != nil {
		if _, err := fmt.Sscanf(dRange, "%d", &lo); err != nil {
			return fmt.Errorf("-d %q: want lo-hi or one value", dRange)
		}
		hi = lo
	}
	var ks []int
	for _, s := range strings.Split(kList, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-k %q: %w", kList, err)
		}
		ks = append(ks, k)
	}
	t := &tally{cells: map[[3]int]*cell{}}
	start := time.Now()
	for _, k := range ks {
		for d := lo; d <= hi; d++ {
			nks := []int{d - 1, d, d + 1}
			if o.nks != "boundary" {
				var a, b int
				if _, err := fmt.Sscanf(strings.Replace(o.nks, "-", " ", 1), "%d %d", &a, &b); err != nil {
					return fmt.Errorf("-nk %q: want boundary or lo-hi", o.nks)
				}
				nks = phase.Range(a, b)
			}
			var keys []phase.Key
			for _, nk := range nks {
				for i := range o.instances {
					if nk >= 1 {
						keys = append(keys, phase.Key{K: k, N: 48, D: d, Nk: nk, Instance: i, Method: phase.SGD, Noise: o.noise})
					}
				}
			}
			if o.sgd {
				if err := o.runSGD(t, k, d, nks, keys); err != nil {
					return err
				}
			}
			if o.classic {
				if err := runClassic(t, d, keys); err != nil {
					return err
				}
			}
		}
	}
	fmt.Printf("success at N_k = d−1 / d / d+1 (d = %d..%d, %d instances; runs in brackets; Algorithm 1: mean steps, converged fraction):\n", lo, hi, o.instances)
	for _, k := range ks {
		for _, m := range []phase.Method{phase.SGD, phase.Classic} {
			if m == phase.SGD && !o.sgd || m == phase.Classic && !o.classic {
				continue
			}
			fmt.Printf("  K=%d %-8s", k, m)
			var extra []string
			for _, off := range []int{-1, 0, 1} {
				c := t.get(k, off, m)
				fmt.Printf("  %.2f (%d)", float64(c.succ)/float64(max(1, c.runs)), c.runs)
				if m == phase.SGD {
					extra = append(extra, fmt.Sprintf("%.0f, %.2f", float64(c.steps)/float64(max(1, c.runs)), float64(c.conv)/float64(max(1, c.runs))))
				}
			}
			if len(extra) > 0 {
				fmt.Printf("   steps, converged: %s", strings.Join(extra, " / "))
			}
			if o.nks != "boundary" {
				runs, succ := 0, 0
				for key, c := range t.cells {
					if key[0] == k && (key[2] == 1) == (m == phase.Classic) {
						runs, succ = runs+c.runs, succ+c.succ
					}
				}
				fmt.Printf("   all N_k: %.3f (%d)", float64(succ)/float64(max(1, runs)), runs)
			}
			fmt.Println()
		}
	}
	if o.sgd {
		c := o.config(ks[0], lo)
		fmt.Printf("Algorithm 1 (%v schedule, η %g → %g, t₀ %g, max %d steps, Tol %g, Window %d): %d runs, %.0f steps per run on average, %.1f s\n",
			c.Schedule, c.StepSize, c.FinalStepSize, c.DecaySteps, c.Steps, c.Tol, c.Window, t.totalRuns, float64(t.totalSteps)/float64(max(1, t.totalRuns)), t.sgdTime.Seconds())
	}
	fmt.Printf("classical %.1f s; wall %.1f s\n", t.classicTime.Seconds(), time.Since(start).Seconds())
	return nil
}

// runSGD trains Algorithm 1 on the runs of one (K, d), as phase.Sweep does.
func (o options) runSGD(t *tally, k, d int, nks []int, keys []phase.Key) error {
	seed := phase.DefaultGrid().Seed
	problems := make([]*phase.Problem, len(keys))
	ins := make([]dae.Instance, len(keys))
	for i, key := range keys {
		p, err := key.Problem(seed)
		if err != nil {
			return err
		}
		problems[i] = p
		ins[i] = p.Instance()
	}
	t0 := time.Now()
	res, err := dae.Train(o.config(k, d), ins)
	if err != nil {
		return err
	}
	t.sgdTime += time.Since(t0)
	perNk := map[int][2]int{}
	for i, key := range keys {
		t.totalSteps += res.Steps[i]
		t.totalRuns++
		v := perNk[key.Nk]
		perNk[key.Nk] = [2]int{v[0] + res.Steps[i], v[1] + 1}
		_, e, err := subspace.BestPermutation(res.Bases[i], problems[i].Truth) // the recovery error: the largest matched distance
		if err != nil {
			return err
		}
		c := t.get(k, key.Nk-d, phase.SGD)
		c.runs++
		c.steps += res.Steps[i]
		if res.Converged[i] {
			c.conv++
		}
		if e <= subspace.DefaultTau {
			c.succ++
		} else if o.verbose && key.Nk >= d-1 && key.Nk <= d+1 {
			fmt.Printf("  failed: K=%d d=%d N_k=%d instance %d: error %.3f after %d steps, smallest λ of the components' sample covariances %s\n",
				k, d, key.Nk, key.Instance, e, res.Steps[i], smallestEigenvalues(problems[i], k, d, key.Nk))
		}
	}
	if o.verbose {
		fmt.Printf("K=%d d=%d mean steps per N_k:", k, d)
		for _, nk := range nks {
			if v := perNk[nk]; v[1] > 0 {
				fmt.Printf(" %d:%d", nk, v[0]/v[1])
			}
		}
		fmt.Println()
	}
	return nil
}

// runClassic fits PCA or K-subspaces (phase.ClassicRun) to the runs on
// GOMAXPROCS goroutines.
func runClassic(t *tally, d int, keys []phase.Key) error {
	t0 := time.Now()
	rows := make([]phase.Row, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ck := keys[i]
				ck.Method = phase.Classic
				rows[i], errs[i] = phase.ClassicRun(ck, phase.DefaultGrid().Seed, subspace.DefaultTau)
			}
		}()
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	t.classicTime += time.Since(t0)
	for i, r := range rows {
		if errs[i] != nil {
			return errs[i]
		}
		c := t.get(r.K, r.Nk-d, phase.Classic)
		c.runs++
		if r.Success {
			c.succ++
		}
	}
	return nil
}

// smallestEigenvalues lists, per component, the d-th eigenvalue of the
// sample covariance (1/N_k)·X_kᵀX_k of its samples (rows grouped by component).
func smallestEigenvalues(p *phase.Problem, k, d, nk int) string {
	var parts []string
	for c := range k {
		xk := p.X.Slice(c*nk, (c+1)*nk, 0, p.X.RawMatrix().Cols)
		var svd mat.SVD
		if !svd.Factorize(xk, mat.SVDNone) {
			return "?"
		}
		v := svd.Values(nil)
		lam := 0.0
		if d-1 < len(v) {
			lam = v[d-1] * v[d-1] / float64(nk)
		}
		parts = append(parts, fmt.Sprintf("%.2g", lam))
	}
	return strings.Join(parts, ", ")
}
