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
	"sort"
	"strconv"
	"strings"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/unet"
)

func init() {
	register("unet-molrg", "U-Net trained on MoLRG images: GL score (eq. 21) against N_k/d (Fig. 5a), CSV + PNG/SVG",
		func(args []string) error { return runUNetMoLRG(args, os.Stdout, os.Stderr) })
}

const unetMoLRGUsage = `usage: molrg unet-molrg [flags]

Figure 5(a): for every d in -dims and N_k/d in -ratios, draw a MoLRG with K = 2
orthogonal d-dimensional subspaces of ℝ⁴⁸ (samples shown to the U-Net as 4×4×3
images), train a U-Net with the EDM loss on N_k samples per component, generate
-m samples with the 18-step Heun sampler and compute the GL score of eq. (21)
against -m fresh samples of the same MoLRG (≈0 memorization, ≈1 generalization).

Writes <out>/fig5a.csv (one row per (d, N_k), appended as they finish: rerun the
same command to resume; rows already there are skipped), <out>/fig5a.png and
.svg, and keeps every run's checkpoints in <out>/ckpt/d<d>_nk<N_k>/ so that an
interrupted training (Ctrl-C) resumes. Prints, per d, the N_k/d where GL crosses
0.5.

The paper's setting (54 M-parameter U-Net, batch 512, 6 Mimg per point):
  molrg unet-molrg -authors
Flags:
`

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseFloats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func runUNetMoLRG(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("unet-molrg", flag.ContinueOnError)
	authors := fs.Bool("authors", false, "the paper's setting: AuthorsConfig U-Net, AuthorsTrainConfig (batch 512, 6 Mimg), d ∈ {4,6,8,10}, M = 10000")
	dims := fs.String("dims", "", "comma-separated subspace dimensions d (default 2,4,6; authors 4,6,8,10)")
	ratios := fs.String("ratios", "", "comma-separated N_k/d values (default 1,2,4,8,16,32)")
	steps := fs.Int("steps", 0, "training steps per point (default 2000; authors 11719)")
	batch := fs.Int("batch", 0, "batch size (default 64; authors 512)")
	channels := fs.Int("channels", 0, "U-Net base channels (default 32; authors 128)")
	m := fs.Int("m", 0, "generated and fresh samples for the GL score (default 500; authors 10000)")
	seed := fs.Uint64("seed", 1, "seed of the MoLRGs, data, training and sampling")
	out := fs.String("out", "", "results directory (default results/unet_molrg, authors results/unet_molrg_authors)")
	quiet := fs.Bool("quiet", false, "no training progress lines")
	if help, err := parseFlags(fs, args, stderr, unetMoLRGUsage, ""); help || err != nil {
		return err
	}
	c := experiment.DefaultFig5a()
	if *authors {
		c = experiment.AuthorsFig5a()
	}
	var err error
	if *dims != "" {
		if c.Dims, err = parseInts(*dims); err != nil {
			return fmt.Errorf("-dims: %w", err)
		}
	}
	if *ratios != "" {
		if c.Ratios, err = parseFloats(*ratios); err != nil {
			return fmt.Errorf("-ratios: %w", err)
		}
	}
	if *steps != 0 {
		c.Train.TotalSteps = *steps
	}
	if *batch != 0 {
		c.Train.BatchSize = *batch
	}
	if *channels != 0 {
		c.Net.ModelChannels = *channels
	}
	if *m != 0 {
		c.M = *m
	}
	c.Seed = *seed
	if *out != "" {
		c.Dir = *out
	}
	c.Train.LogEvery = max(1, min(c.Train.LogEvery, c.Train.TotalSteps/4))
	if !*quiet {
		c.Log = stdout
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c.Backend = backend.Must()
	fmt.Fprintf(stdout, "backend %s; U-Net %d parameters; %d steps of batch %d per point; d %v, N_k/d %v; results in %s\n",
		c.Backend.Name(), mustCount(c.Net), c.Train.TotalSteps, c.Train.BatchSize, c.Dims, c.Ratios, c.Dir)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rows, runErr := experiment.RunFig5a(ctx, c)
	if len(rows) > 0 {
		fig, err := experiment.Fig5aFigure(rows)
		if err != nil {
			return err
		}
		for _, ext := range []string{".png", ".svg"} {
			p := filepath.Join(c.Dir, "fig5a"+ext)
			if err := fig.Save(p); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "wrote", p)
		}
		fmt.Fprintln(stdout, "wrote", c.CSVPath())
		cr := experiment.GLCrossings(rows, 0.5)
		ds := make([]int, 0)
		seen := map[int]bool{}
		for _, r := range rows {
			if !seen[r.D] {
				seen[r.D] = true
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
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return fmt.Errorf("interrupted (checkpoint written; rerun the same command to resume): %w", runErr)
		}
		return runErr
	}
	return nil
}

func mustCount(c unet.Config) int {
	n, err := unet.CountParams(c)
	if err != nil {
		return -1
	}
	return n
}
