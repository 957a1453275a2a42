package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/molrg/molrg/pkg/experiment/fig5a"
	"github.com/molrg/molrg/pkg/unet"
)

func init() {
	register("unet-molrg", "U-Net trained on MoLRG images: GL score (eq. 21) against N_k/d (Fig. 5a), CSV + PNG/SVG",
		func(args []string) error { return runFig5a(args, os.Stdout, os.Stderr) })
}

const fig5aUsage = `usage: molrg unet-molrg [flags]

Figure 5(a): for every d in -dims and N_k/d in -ratios, draw a MoLRG with K = 2
orthogonal d-dimensional subspaces of ℝ⁴⁸ (samples shown to the U-Net as 4×4×3
images), train a U-Net with the EDM loss on N_k samples per component, generate
-m samples with the 18-step Heun sampler and compute the GL score of eq. (21)
against -m fresh samples of the same MoLRG (≈0 memorization, ≈1 generalization).

Writes OUT/fig5a.csv (one row per (d, N_k), appended as they finish; OUT/fig5a.json
records the settings and the backend), OUT/fig5a.png and .svg, and keeps every
point's U-Net checkpoints in OUT/ckpt/d<d>_nk<N_k>/. Interrupted (Ctrl-C, or
killed), the same command resumes: finished points are skipped and training
continues from its last checkpoint; other settings into the same folder are
refused. Prints, per d, the N_k/d where GL crosses 0.5.

The defaults (a 0.7 M-parameter U-Net, 2000 steps of batch 64 per point, 18
points) take about half an hour on a 2-core CPU. The paper's setting (54 M
parameters, batch 512, 6 Mimg per point; GPU-days):
  molrg unet-molrg -authors -out results/unet_molrg_authors
Split over machines with -shard i/n (and molrg merge).

Flags:
`

func runFig5a(args []string, stdout, stderr io.Writer) error {
	c := fig5a.DefaultConfig()
	out := filepath.Join("results", "unet_molrg")
	if hasFlag(args, "authors") {
		c = fig5a.AuthorsConfig()
		out = filepath.Join("results", "unet_molrg_authors")
	}
	f := newFlags("unet-molrg", fig5aUsage)
	f.Bool("authors", false, "the paper's setting: AuthorsConfig U-Net, AuthorsTrainConfig (batch 512, 6 Mimg), d ∈ {4,6,8,10}, M = 10000 (sets the defaults of the other flags)")
	f.ints(&c.Dims, "dims", "Dims", "subspace dimensions d")
	f.floats(&c.Ratios, "ratios", "Ratios", "N_k/d values")
	f.intVar(&c.Train.TotalSteps, "steps", "Train.TotalSteps", "training steps per point")
	f.intVar(&c.Train.BatchSize, "batch", "Train.BatchSize", "batch size")
	f.intVar(&c.Net.ModelChannels, "channels", "Net.ModelChannels", "U-Net base channels")
	f.intVar(&c.M, "m", "M", "generated and fresh samples for the GL score")
	f.uint64Var(&c.Seed, "seed", "Seed", "seed of the MoLRGs, data, training and sampling")
	run := runFlagsOf(f, out, "the figure", "fig5a.csv", "the points (e.g. 0/4)")
	if help, err := f.parse(args, stderr); help || err != nil {
		return err
	}
	if err := run.check(); err != nil {
		return err
	}
	c.Shard, c.Dir = run.Shard, run.Out
	var err error
	c.Train.LogEvery = max(1, min(c.Train.LogEvery, c.Train.TotalSteps/4))
	var rows []fig5a.Row
	if run.PlotOnly {
		if rows, err = fig5a.Read(c.Dir); err != nil {
			return err
		}
	} else {
		if err := f.explain(c.Validate()); err != nil {
			return err
		}
		c.Progress, c.Log = reporter(stderr, run.Quiet), stderr
		fmt.Fprintf(stdout, "unet-molrg: U-Net of %s parameters; %d steps of batch %d per point; d %s, N_k/d %v%s; results in %s\n",
			paramCount(c.Net), c.Train.TotalSteps, c.Train.BatchSize, formatInts(c.Dims), floatList{&c.Ratios}, shardNote(c.Shard), c.Dir)
		ctx, stop := interruptible()
		defer stop()
		rows, err = fig5a.Run(ctx, c)
		if err != nil {
			return interrupted(f.explain(err), c.Dir)
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("no rows in %s to draw", fig5a.TablePath(c.Dir))
	}
	fig, err := fig5a.Figure(rows)
	if err != nil {
		return err
	}
	if err := saveFigure(stdout, fig, filepath.Join(c.Dir, "fig5a")); err != nil {
		return err
	}
	cr := fig5a.Crossings(rows, 0.5)
	var ds []int
	for _, r := range rows {
		if len(ds) == 0 || ds[len(ds)-1] != r.D {
			ds = append(ds, r.D)
		}
	}
	sort.Ints(ds)
	for _, d := range ds {
		if v, ok := cr[d]; ok {
			fmt.Fprintf(stdout, "d = %d: GL crosses 0.5 at N_k/d ≈ %.3g\n", d, v)
		} else {
			fmt.Fprintf(stdout, "d = %d: GL does not cross 0.5 in the range run\n", d)
		}
	}
	return nil
}

func paramCount(c unet.Config) string {
	n, err := unet.CountParams(c)
	if err != nil {
		return "?"
	}
	return fmt.Sprint(n)
}
