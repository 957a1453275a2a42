package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/phase"
)

func init() {
	register("phase", "phase transition of Theorems 2 and 4: success-rate heat maps over (d, N_k), Figures 4 and 8",
		func(args []string) error { return runPhase(args, os.Stdout, os.Stderr) })
}

const phaseUsage = `usage: molrg phase [flags]

Sweeps the grid of Figures 4 and 8: for every K, subspace dimension d,
samples per component N_k and instance, draws a MoLRG in ℝⁿ with K orthogonal
d-dimensional subspaces and N_k samples per component, recovers the
subspaces with each method and records the error
max_k ‖U_{π(k)}U_{π(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F after the best permutation π
(success: error ≤ τ). Methods:
  sgd      Algorithm 1 on the loss (6): DAE (11) for K = 1, (9) for K ≥ 2
  classic  PCA (12) for K = 1, K-subspaces (18) with spectral init for K ≥ 2

Algorithm 1 starts from a random basis for K = 1 and, as in the paper
(Appendix E.1), from eq. (48), U_k = P_O(U⋆_k + 0.5·G_k), for K ≥ 2 (-init).

Rows go to OUT/phase.csv as they finish (K,n,d,Nk,instance,method,noise,
error,success,seconds). The sweep can be interrupted (Ctrl-C, or killed) and
resumed by running the same command again: rows already written are kept.
Then it draws the success-rate heat maps (rows: K, columns: method; the
dashed line is N_k = d) to OUT/phase.png and OUT/phase.svg (phase_noise<δ>.*
for δ > 0) and prints the success rate at N_k = d−1, d, d+1.

The defaults reproduce the full figures. A quick look:
  molrg phase -d 1-4 -nk 1-8 -instances 5 -k 1,2

Flags:
`

// phaseInts reads "1-12", "1,2,5" or a mix such as "1-4,8".
func phaseInts(name, s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			return nil, fmt.Errorf("-%s %q: %q is not an integer or a range lo-hi", name, s, part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a {
				return nil, fmt.Errorf("-%s %q: %q is not a range lo-hi with lo ≤ hi", name, s, part)
			}
		}
		out = append(out, phase.Range(a, b)...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-%s is empty, want values such as 1-12 or 1,2,3", name)
	}
	return out, nil
}

// runPhase is molrg phase.
func runPhase(args []string, stdout, stderr io.Writer) error {
	def := phase.DefaultGrid()
	fs := flag.NewFlagSet("phase", flag.ContinueOnError)
	n := fs.Int("n", def.N, "ambient dimension n")
	ds := fs.String("d", "1-12", "subspace dimensions d: a range lo-hi and/or a comma list (K·d ≤ n)")
	nks := fs.String("nk", "1-24", "samples per component N_k: a range lo-hi and/or a comma list")
	ks := fs.String("k", "1,2,3", "numbers of components K")
	instances := fs.Int("instances", def.Instances, "instances per (K, d, N_k)")
	methods := fs.String("methods", "sgd,classic", "methods: sgd (Algorithm 1) and/or classic (PCA / K-subspaces)")
	noise := fs.Float64("noise", 0, "noise level δ ≥ 0 of the samples (eqs. 10, 15)")
	seed := fs.Uint64("seed", def.Seed, "run seed; every run's draws derive from (seed, K, d, N_k, instance)")
	tau := fs.Float64("tau", 0.5, "success threshold τ on the error")
	steps := fs.Int("steps", 0, "Algorithm 1 SGD steps (0: the dae default, 2000)")
	initName := fs.String("init", "paper", "Algorithm 1 initialization: paper (random for K = 1, eq. 48 near U⋆ for K ≥ 2), random, or near (eq. 48)")
	workers := fs.Int("workers", 0, "goroutines for the classical runs (0: one per CPU)")
	out := fs.String("out", filepath.Join("results", "phase"), "output folder")
	plotOnly := fs.Bool("plot-only", false, "draw the figures from OUT/phase.csv without running anything")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if help, err := parseFlags(fs, args, stderr, phaseUsage, ""); help || err != nil {
		return err
	}
	g := phase.Grid{N: *n, Instances: *instances, Noise: *noise, Seed: *seed}
	var err error
	if g.Ds, err = phaseInts("d", *ds); err != nil {
		return err
	}
	if g.Nks, err = phaseInts("nk", *nks); err != nil {
		return err
	}
	if g.Ks, err = phaseInts("k", *ks); err != nil {
		return err
	}
	for _, m := range strings.Split(*methods, ",") {
		mm, err := phase.ParseMethod(strings.TrimSpace(m))
		if err != nil {
			return fmt.Errorf("-methods: %w", err)
		}
		g.Methods = append(g.Methods, mm)
	}
	if err := g.Validate(); err != nil {
		return err
	}
	if *steps < 0 {
		return fmt.Errorf("-steps = %d, want ≥ 1 (or 0 for the default)", *steps)
	}
	if *initName != "paper" && *initName != "random" && *initName != "near" {
		return fmt.Errorf("-init = %q, want paper, random or near", *initName)
	}
	opts := phase.Options{Tau: *tau, Workers: *workers}
	if *steps > 0 || *initName != "paper" {
		opts.Train = func(p dae.Parameterization, dims ...int) dae.Config {
			c := phase.DefaultTrain(p, dims...)
			if *steps > 0 {
				c.Steps = *steps
			}
			switch *initName {
			case "random":
				c.Init = dae.InitRandom
			case "near":
				c.Init = dae.InitNearTruth
			}
			return c
		}
	}
	csvPath := filepath.Join(*out, "phase.csv")

	var rows []phase.Row
	if *plotOnly {
		all, err := phase.ReadCSV(csvPath)
		if err != nil {
			return err
		}
		rows = all
	} else {
		if !*quiet {
			opts.Progress = phase.Bar(stderr, 0)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		fmt.Fprintf(stdout, "phase: %d runs (K %v, d %v, N_k %v, %d instances, %v, δ = %g, n = %d) into %s\n",
			g.Size(), *ks, *ds, *nks, g.Instances, g.Methods, g.Noise, g.N, csvPath)
		start := time.Now()
		rows, err = phase.Run(ctx, g, csvPath, opts)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr)
			return fmt.Errorf("interrupted after %s; the rows written so far are kept in %s: run the same command again to resume", time.Since(start).Round(time.Second), csvPath)
		}
		if err != nil {
			return err
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
	for _, ext := range []string{".png", ".svg"} {
		p := filepath.Join(*out, base+ext)
		if err := fig.Save(p); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "phase: wrote %s\n", p)
	}
	fmt.Fprintf(stdout, "success rate at the boundary (pooled over d; runs in brackets):\n")
	return phase.WriteBoundary(stdout, tables)
}
