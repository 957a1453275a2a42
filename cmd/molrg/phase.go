package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/phase"
	"github.com/molrg/molrg/pkg/results"
)

func init() {
	register("phase", "phase transition of Theorems 2 and 4: success-rate heat maps over (d, N_k), Figures 4 and 8",
		func(args []string) error { return runPhase(args, os.Stdout, os.Stderr) })
}

const phaseUsage = `usage: molrg phase [flags]

Sweeps the grid of Figures 4 and 8: for every n, K, subspace dimension d,
samples per component N_k and instance, draws a MoLRG in ℝⁿ with K orthogonal
d-dimensional subspaces and N_k samples per component, recovers the
subspaces with each method and records the error
max_k ‖U_{ϖ(k)}U_{ϖ(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F after the best permutation ϖ
(success: error ≤ τ). Methods:
  sgd      Algorithm 1 on the loss (6): DAE (11) for K = 1, (9) for K ≥ 2
  classic  PCA (12) for K = 1, K-subspaces (18) with spectral init for K ≥ 2

Algorithm 1 starts from a random basis for K = 1 and, as in the paper
(Appendix E.1), from eq. (48), U_k = P_O(U⋆_k + 0.5·G_k), for K ≥ 2 (-init).

Each Algorithm 1 run stops once its bases have settled (the mean projection
U_kU_kᵀ over a window of 200 steps moves less than -tol from the previous
window's) and takes at most -steps steps.

Rows go to OUT/phase.csv as they finish (n,K,d,Nk,instance,method,noise,
error,success,seconds,steps,converged); OUT/phase.json records the settings and the backend.
The sweep can be interrupted (Ctrl-C, or killed) and resumed by running the
same command again; other settings into the same folder are refused.
Then it draws the success-rate heat maps (rows: n and K, columns: method; the
dashed line is N_k = d) to OUT/phase.png and .svg (phase_noise<δ>.* for
δ > 0), summarizes OUT/phase.csv into OUT/cells.csv (one row per cell of the
heat maps: runs, successes, mean and s.d. of the error; what the notebooks
read and ship) and prints the success rate at N_k = d−1, d, d+1.

The defaults reproduce the full figures (34 560 runs). A quick look:
  molrg phase -d 1-4 -nk 1-8 -instances 5 -k 1,2
The boundary does not move with the ambient dimension (the number of samples
grows with d, not n):
  molrg phase -n 48,192,768 -k 2 -d 4 -nk 1-8 -out results/phase_n
On many machines, one shard each (a Slurm array, a Kubernetes Indexed Job):
  molrg phase -shard $I/8 -out results/phase_shard$I    (I = 0 … 7)
  molrg merge -out results/phase results/phase_shard*/phase.csv

Flags:
`

// runPhase is molrg phase.
func runPhase(args []string, stdout, stderr io.Writer) error {
	g := phase.DefaultGrid()
	opts := phase.DefaultOptions()
	f := newFlags("phase", phaseUsage)
	f.ints(&g.Ns, "n", "Ns", "ambient dimensions n")
	f.ints(&g.Ds, "d", "Ds", "subspace dimensions d (K·d ≤ n)")
	f.ints(&g.Nks, "nk", "Nks", "samples per component N_k")
	f.ints(&g.Ks, "k", "Ks", "numbers of components K")
	f.intVar(&g.Instances, "instances", "Instances", "instances per (n, K, d, N_k)")
	methods := f.String("methods", "sgd,classic", "methods: sgd (Algorithm 1) and/or classic (PCA / K-subspaces)")
	f.floatVar(&g.Noise, "noise", "Noise", "noise level δ ≥ 0 of the samples (eqs. 10, 15)")
	f.uint64Var(&g.Seed, "seed", "Seed", "run seed; every run's draws derive from (seed, n, K, d, N_k, instance)")
	f.floatVar(&opts.Tau, "tau", "Tau", "success threshold τ > 0 on the error")
	steps := f.Int("steps", 0, "Algorithm 1: SGD steps at most per run (0: the default, 4000)")
	tol := f.Float64("tol", -1, "Algorithm 1: convergence tolerance on the window-mean projections (0: every run takes -steps steps; default 0.05)")
	initName := f.String("init", "paper", "Algorithm 1 initialization: paper (random for K = 1, eq. 48 near U⋆ for K ≥ 2), random, or near (eq. 48)")
	f.intVar(&opts.Workers, "workers", "Workers", "goroutines for the classical runs (0: one per CPU)")
	run := runFlagsOf(f, filepath.Join("results", "phase"), "the figures", "phase.csv", "the grid (e.g. 0/8)")
	if help, err := f.parse(args, stderr); help || err != nil {
		return err
	}
	if err := run.check(); err != nil {
		return err
	}
	opts.Shard = run.Shard
	var err error
	if g.Methods, err = phase.ParseMethods(*methods); err != nil {
		return fmt.Errorf("-methods: %w", err)
	}
	if *steps < 0 {
		return fmt.Errorf("-steps = %d, want ≥ 1 (or 0 for the default)", *steps)
	}
	init, err := parseInit(*initName)
	if err != nil {
		return err
	}
	if *tol != -1 && !(*tol >= 0 && *tol < 1e300) {
		return fmt.Errorf("-tol = %v, want a tolerance ≥ 0 (0: no stopping on convergence)", *tol)
	}
	if *steps > 0 || init != nil || *tol >= 0 {
		opts.Train = func(p dae.Parameterization, dims ...int) dae.Config {
			c := phase.DefaultTrain(p, dims...)
			if *steps > 0 {
				c.Steps = *steps
			}
			if init != nil {
				c.Init = *init
			}
			if *tol >= 0 {
				c.Tol = *tol
			}
			return c
		}
	}
	csvPath := filepath.Join(run.Out, "phase.csv")

	var rows []phase.Row
	if run.PlotOnly {
		if rows, err = phase.Read(csvPath); err != nil {
			return err
		}
	} else {
		if err := f.explain(g.Validate()); err != nil {
			return err
		}
		opts.Progress = reporter(stderr, run.Quiet)
		ctx, stop := interruptible()
		defer stop()
		fmt.Fprintf(stdout, "phase: %d runs (n %v, K %v, d %v, N_k %v, %d instances, %v, δ = %g%s) into %s\n",
			g.Size(), formatInts(g.Ns), formatInts(g.Ks), formatInts(g.Ds), formatInts(g.Nks), g.Instances, g.Methods, g.Noise, shardNote(opts.Shard), csvPath)
		start := time.Now()
		rows, err = phase.Run(ctx, g, csvPath, opts)
		if err != nil {
			return interrupted(f.explain(err), run.Out)
		}
		fmt.Fprintf(stdout, "phase: sweep finished in %s\n", time.Since(start).Round(100*time.Millisecond))
	}
	tables := phase.Select(phase.Tabulate(rows), g.Noise)
	if len(tables) == 0 {
		return fmt.Errorf("no rows with noise δ = %g in %s", g.Noise, csvPath)
	}
	fig, err := phase.Figure(tables)
	if err != nil {
		return err
	}
	base := "phase"
	if g.Noise != 0 {
		base = fmt.Sprintf("phase_noise%g", g.Noise)
	}
	if err := saveFigure(stdout, fig, filepath.Join(run.Out, base)); err != nil {
		return err
	}
	if run.Shard == (results.Shard{}) {
		cells := filepath.Join(run.Out, phase.CellsFile)
		if _, err := phase.WriteCells(cells, csvPath); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", cells)
	}
	fmt.Fprintf(stdout, "success rate at the boundary (pooled over d; runs in brackets):\n")
	return phase.WriteBoundary(stdout, tables)
}

// parseInit reads -init: nil for the paper's choice.
func parseInit(s string) (*dae.Init, error) {
	switch s {
	case "paper":
		return nil, nil
	case "random":
		i := dae.InitRandom
		return &i, nil
	case "near":
		i := dae.InitNearTruth
		return &i, nil
	}
	return nil, fmt.Errorf("-init = %q, want paper, random or near", s)
}

func shardNote(s results.Shard) string {
	if s.N == 0 {
		return ""
	}
	return ", shard " + s.String()
}
