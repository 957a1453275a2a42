package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/experiment/rank"
)

func init() {
	register("rank", "Jacobian rank ratio along the Heun trajectory vs SNR (Figs. 3b, 7): true posterior, DAE, U-Net; CSV + PNG/SVG",
		func(args []string) error { return runRank(args, os.Stdout, os.Stderr) })
}

const rankUsage = `usage: molrg rank [flags]

Figures 3(b) and 7: the numerical rank (eq. 46, 99% of the Frobenius norm) of
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

Writes OUT/rank.csv (OUT/rank.json records the settings and the backend),
OUT/fig3b.{png,svg} and OUT/fig7.{png,svg}. Interrupted, the same command
resumes: finished curves are kept and U-Net training continues from its
checkpoints.

The paper's setting (54 M-parameter U-Net, batch 512, 6 Mimg):
  molrg rank -authors -out results/rank_authors
Flags:
`

func runRank(args []string, stdout, stderr io.Writer) error {
	c := rank.DefaultConfig()
	if hasFlag(args, "authors") {
		c = rank.AuthorsConfig()
	}
	f := newFlags("rank", rankUsage)
	f.Bool("authors", false, "the paper's U-Net: AuthorsConfig, AuthorsTrainConfig (batch 512, 6 Mimg), N_k = 1000 (sets the defaults of the other flags)")
	f.intVar(&c.D, "d", "D", "subspace dimension of both components (K·d ≤ 48)")
	f.intVar(&c.Noises, "noises", "Noises", "initial noises averaged over")
	f.floatVar(&c.Frac, "frac", "Frac", "fraction of the Frobenius norm in eq. (46)")
	f.uint64Var(&c.Seed, "seed", "Seed", "seed")
	f.intVar(&c.Nk, "nk", "Nk", "U-Net / Algorithm 1 training samples per component")
	f.intVar(&c.Train.TotalSteps, "steps", "Train.TotalSteps", "U-Net training steps")
	f.intVar(&c.Train.BatchSize, "batch", "Train.BatchSize", "U-Net batch size")
	every := f.Int("snapshot-every", 0, "steps between kept U-Net checkpoints (0: steps/4)")
	f.intVar(&c.Snapshots, "snapshots", "Snapshots", "U-Net snapshots for Figure 7 (0: none)")
	ckpt := f.String("ckpt", "", "U-Net checkpoint folder (default OUT/ckpt)")
	noUNet := f.Bool("no-unet", false, "skip the U-Net (curves (a) and (b) only)")
	noDAE := f.Bool("no-alg1", false, "skip training the soft-max DAE by Algorithm 1")
	run := runFlagsOf(f, filepath.Join("results", "rank"), "the figures", "rank.csv", "")
	if help, err := f.parse(args, stderr); help || err != nil {
		return err
	}
	if err := run.check(); err != nil {
		return err
	}
	if *every < 0 {
		return fmt.Errorf("-snapshot-every = %d, want ≥ 0 (0: steps/4)", *every)
	}
	c.Train.CheckpointEvery = max(1, c.Train.TotalSteps/4)
	if *every > 0 {
		c.Train.CheckpointEvery = *every
	}
	c.Train.LogEvery = max(1, min(c.Train.LogEvery, c.Train.TotalSteps/20))
	c.CheckpointDir, c.Dir = *ckpt, run.Out
	c.UNet, c.TrainDAE = !*noUNet, !*noDAE
	var res *rank.Result
	var err error
	if run.PlotOnly {
		if res, err = rank.Read(c.Dir); err != nil {
			return err
		}
	} else {
		if err := f.explain(c.Validate()); err != nil {
			return err
		}
		c.Progress, c.Log = reporter(stderr, run.Quiet), stderr
		ctx, stop := interruptible()
		defer stop()
		if res, err = rank.Run(ctx, c); err != nil {
			return interrupted(f.explain(err), c.Dir)
		}
		fmt.Fprintln(stdout, "wrote", rank.TablePath(c.Dir))
	}
	fig, err := rank.Figure3b(res)
	if err != nil {
		return err
	}
	if err := saveFigure(stdout, fig, filepath.Join(c.Dir, "fig3b")); err != nil {
		return err
	}
	if len(res.Snapshots) > 0 || len(res.History) > 0 {
		fig, err := rank.Figure7(res)
		if err != nil {
			return err
		}
		if err := saveFigure(stdout, fig, filepath.Join(c.Dir, "fig7")); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "rank/n at SNR = 1/σ (Σd_k/n = %.4g, d/n = %.4g):\n", float64(2*c.D)/48, float64(c.D)/48)
	fmt.Fprintf(stdout, "  %-45s %8s %8s %8s\n", "denoiser", "low", "mid", "high")
	all := append([]experiment.RankCurve{}, res.Curves...)
	for _, s := range res.Snapshots {
		all = append(all, s.RankCurve)
	}
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
