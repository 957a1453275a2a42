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

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/unet"
)

func init() {
	register("rank", "Jacobian rank ratio along the Heun trajectory vs SNR (Figs. 3b, 7): true posterior, DAE, U-Net; CSV + PNG/SVG",
		func(args []string) error { return runRank(args, os.Stdout, os.Stderr) })
}

const rankUsage = `usage: molrg rank [flags]

Figures 3(b) and 7: the numerical rank (eq. 46, 99%% of the Frobenius norm) of
the denoiser's Jacobian ∂D(x_t;σ_t)/∂x_t along its own 18-step Heun trajectory,
divided by n = 48, against SNR = 1/σ_t, mean over -noises initial noises, for
  (a) the true posterior mean of the MoLRG (eq. 8; K = 2 orthogonal subspaces of
      dimension -d in ℝ⁴⁸): Σd_k/n at low SNR, d/n at high SNR,
  (b) the soft-max DAE of eq. (9) with the true bases and with bases trained by
      Algorithm 1 on the U-Net's training set,
  (c) a U-Net trained with the EDM loss on -nk samples per component (trained
      in -ckpt, or loaded from there when it holds a finished run, e.g.
      results/unet_molrg/ckpt/d6_nk192 of molrg unet-molrg),
and (Fig. 7) the same curve for the U-Net checkpoints along training, with the
gradient norm against steps.

Writes <out>/rank.csv, <out>/fig3b.{png,svg} and <out>/fig7.{png,svg}.

The paper's setting (54 M-parameter U-Net, batch 512, 6 Mimg):
  molrg rank -authors
Flags:
`

func runRank(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rank", flag.ContinueOnError)
	c := experiment.DefaultRank()
	authors := fs.Bool("authors", false, "the paper's U-Net: AuthorsConfig, AuthorsTrainConfig (batch 512, 6 Mimg), N_k = 1000")
	d := fs.Int("d", c.D, "subspace dimension of both components (K·d ≤ 48)")
	noises := fs.Int("noises", c.Noises, "initial noises averaged over")
	frac := fs.Float64("frac", c.Frac, "fraction of the Frobenius norm in eq. (46)")
	seed := fs.Uint64("seed", c.Seed, "seed")
	nk := fs.Int("nk", 0, "U-Net / Algorithm 1 training samples per component (default 200; authors 1000)")
	steps := fs.Int("steps", 0, "U-Net training steps (default 2000)")
	batch := fs.Int("batch", 0, "U-Net batch size (default 64)")
	every := fs.Int("snapshot-every", 0, "steps between kept U-Net checkpoints (default steps/4)")
	snaps := fs.Int("snapshots", c.Snapshots, "U-Net snapshots for Figure 7 (0: none)")
	ckpt := fs.String("ckpt", "", "U-Net checkpoint directory (default <out>/ckpt)")
	noUNet := fs.Bool("no-unet", false, "skip the U-Net (curves (a) and (b) only)")
	noDAE := fs.Bool("no-alg1", false, "skip training the soft-max DAE by Algorithm 1")
	out := fs.String("out", "results/rank", "results directory")
	if help, err := parseFlags(fs, args, stderr, rankUsage, ""); help || err != nil {
		return err
	}
	if *authors {
		c.Net = unet.AuthorsConfig(experiment.ImageSize, experiment.Channels)
		c.Train = unet.AuthorsTrainConfig()
		c.Train.KeepCheckpoints = 0
		c.Nk = 1000
	}
	c.D, c.Noises, c.Frac, c.Seed, c.Snapshots = *d, *noises, *frac, *seed, *snaps
	if *nk != 0 {
		c.Nk = *nk
	}
	if *steps != 0 {
		c.Train.TotalSteps = *steps
	}
	if *batch != 0 {
		c.Train.BatchSize = *batch
	}
	c.Train.CheckpointEvery = max(1, c.Train.TotalSteps/4)
	if *every != 0 {
		c.Train.CheckpointEvery = *every
	}
	c.Train.LogEvery = max(1, min(c.Train.LogEvery, c.Train.TotalSteps/20))
	c.CheckpointDir = filepath.Join(*out, "ckpt")
	if *ckpt != "" {
		c.CheckpointDir = *ckpt
	}
	c.UNet, c.TrainDAE = !*noUNet, !*noDAE
	if *noises < 1 {
		return fmt.Errorf("-noises = %d, want ≥ 1", *noises)
	}
	if err := c.Net.Validate(); err != nil {
		return err
	}
	if err := c.Train.Validate(); err != nil {
		return err
	}
	c.Log = stdout
	c.Backend = backend.Must()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := experiment.RunRank(ctx, c)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted (U-Net checkpoint written; rerun to resume): %w", err)
		}
		return err
	}
	csvPath := filepath.Join(*out, "rank.csv")
	if err := experiment.WriteRankCSV(csvPath, res); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote", csvPath)
	fig, err := experiment.Fig3bPlot(res)
	if err != nil {
		return err
	}
	if err := saveBoth(stdout, fig, filepath.Join(*out, "fig3b")); err != nil {
		return err
	}
	if len(res.Snapshots) > 0 || len(res.History) > 0 {
		fig, err := experiment.Fig7Plot(res)
		if err != nil {
			return err
		}
		if err := saveBoth(stdout, fig, filepath.Join(*out, "fig7")); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "rank/n at SNR = 1/σ (Σd_k/n = %.4g, d/n = %.4g):\n", float64(2*c.D)/48, float64(c.D)/48)
	fmt.Fprintf(stdout, "  %-45s %8s %8s %8s\n", "denoiser", "low", "mid", "high")
	all := append(append([]experiment.RankCurve{}, res.Curves...), res.Snapshots...)
	for _, cv := range all {
		if len(cv.SNR) == 0 {
			continue
		}
		lo, hi := cv.SNR[0], cv.SNR[len(cv.SNR)-1]
		fmt.Fprintf(stdout, "  %-45s %8.4f %8.4f %8.4f\n", cv.Name, cv.RatioAt(lo), cv.RatioAt(1), cv.RatioAt(hi))
	}
	fmt.Fprintf(stdout, "  (low SNR = %.3g, mid = 1, high = %.3g)\n", 1/80.0, 1/0.002)
	return nil
}

type saver interface{ Save(string) error }

func saveBoth(w io.Writer, f saver, base string) error {
	for _, ext := range []string{".png", ".svg"} {
		if err := f.Save(base + ext); err != nil {
			return err
		}
		fmt.Fprintln(w, "wrote", base+ext)
	}
	return nil
}
