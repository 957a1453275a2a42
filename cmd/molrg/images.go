package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/experiment/images"
	"github.com/molrg/molrg/pkg/metrics"
)

func init() {
	register("images", "U-Nets on real images (MNIST, Fashion-MNIST, emoji): GL score against N (Fig. 5b) and Jacobian rank vs SNR (Fig. 3a); CSV + PNG/SVG",
		func(args []string) error { return runImages(args, os.Stdout, os.Stderr) })
}

const imagesUsage = `usage: molrg images -data NAME [flags]

Figures 5(b) and 3(a) of the paper on a real image data set (-data: mnist,
fashion-mnist, emoji-people, emoji, emoji-animals; cifar-10 if you installed it;
docs/datasets.md). For every training-set size N in -ns: train a U-Net (EDM
loss, Adam, EMA) on the first N images of a fixed pool (the sets are nested),
generate -m images with the 18-step Heun sampler and compute the image GL
score, the fraction of generated images that are not copies of a training
image. The copy test is the relative nearest-neighbour test (-copy ratio): x̂ is
a copy when its nearest training image is closer than -tau times the mean
distance to its -k nearest (ρ_k < τ); it does not drift with N, unlike a fixed
cosine threshold on pixels (docs/mathematics.md). Calibration, at every N: the
N training images themselves must score GL = 0 and -held held-out real images
GL ≥ 0.95; both are columns of the table and the command checks them. Then
(Fig. 3a) the numerical rank (eq. 46) of the Jacobian of the U-Net trained on
the largest N along the Heun trajectories of its first -noises generated
images, divided by n, against SNR = 1/σ.

Writes OUT/images.csv (one row per N, then the 18 rank points; OUT/images.json
records the settings and the backend), the U-Net checkpoints in OUT/ckpt/n<N>/,
a few generated images with their nearest training images per N in
OUT/samples/, and OUT/fig5b, OUT/fig3a and OUT/samples (.png and .svg); then,
in OUT's parent folder, fig5b_3a.{png,svg} with one curve per data set whose
table is there, and prints where GL crosses 0.5, the calibration, the rank
ratios at low/mid/high SNR, and whether the data sets' order by the N needed
to generalize matches their order by Jacobian rank (the paper's claim).
Interrupted (Ctrl-C, or killed), the same command resumes: finished N are
skipped and training continues from its last checkpoint; other settings into
the same folder are refused.

CPU defaults: 16×16 images (gray for MNIST and Fashion-MNIST, RGB for emoji),
N = 16, 32, …, 1024 (16 … 64 for emoji-animals), a 16-channel U-Net (0.18 M
parameters, no dropout) trained 700 steps of batch 32 (22 kimg, Adam 2e-3) per
N, M = 200, k = 5, τ = 1/3, Figure 3(a) on 3 trajectories (1 for RGB). One
data set took 30–34 minutes on a shared 2-core CPU (load average 13–20,
80–190 training img/s; 13–14 minutes of CPU time, so about 10 minutes on an
idle 2-core machine). What that buys: the small N are memorized (N = 16 is
seen ≈ 1400 times per image) and the large N are not, so GL crosses 0.5, the
calibration holds at every N, and the rank curve of the largest N is measured.
What it does not: the crossing is set by the training budget (N ≈ 20–30 on
MNIST and Fashion-MNIST: N = 64 is seen only 350 times per image and is not
memorized, whatever the data), so the order of the data sets by the crossing
says little about their intrinsic dimension; the generated images at large N
are rough (farther from the training set than real held-out images are), and
the rank curve comes from a small, briefly trained net and 1–3 trajectories.

The paper's size (-authors; GPU-days per data set): 32×32 images, EDM's
CIFAR-10 DDPM++ U-Net (128 channels, multipliers [2,2,2], 4 blocks, attention
at 16×16, dropout 0.13; 55.7 M parameters), batch 512, 6 Mimg per N
(unet.AuthorsTrainConfig), N = 64 … 32768 (the authors' range; up to 2048 for
emoji-people), M = 10000, 15 trajectories:
  molrg images -authors -data mnist
(The authors' released runs: batch 128, 50 Mimg, 64–256 base channels:
-batch 128 -steps 390625 -model-channels 64.) Split the Ns over machines with
-shard i/n (each into its own -out) and join the tables with molrg merge.

Flags:
`

// flagValue returns the value of the string flag name in args ("-name v",
// "-name=v", with one or two dashes), or def: for flags such as -data that
// choose the defaults of the others, read before those are defined.
func flagValue(args []string, name, def string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		t := strings.TrimLeft(a, "-")
		if t == a {
			continue
		}
		if v, ok := strings.CutPrefix(t, name+"="); ok {
			return v
		}
		if t == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return def
}

func runImages(args []string, stdout, stderr io.Writer) error {
	data := flagValue(args, "data", "mnist")
	authors := hasFlag(args, "authors")
	c := images.DefaultConfig(data)
	root := filepath.Join("results", "images")
	if authors {
		c = images.AuthorsConfig(data)
		root = filepath.Join("results", "images_authors")
	}
	f := newFlags("images", imagesUsage)
	f.Bool("authors", false, "the paper's size: 32×32, AuthorsConfig U-Net, batch 512, 6 Mimg per N, N = 64…32768, M = 10000 (sets the defaults of the other flags)")
	f.String("data", data, fmt.Sprintf("data set, one of %s (sets the defaults of -ns, -held and the channels)", strings.Join(datasets.Names(), ", ")))
	f.bind("Data", "data")
	f.intVar(&c.Size, "size", "Size", "image size (images are resized to size×size)")
	f.ints(&c.Ns, "ns", "Ns", "training-set sizes N")
	f.intVar(&c.Held, "held", "Held", "held-out real images for the calibration")
	f.intVar(&c.M, "m", "M", "generated images per N")
	f.intVar(&c.Batch, "sample-batch", "Batch", "images generated per sampler call")
	f.intVar(&c.Grid, "grid", "Grid", "generated images per N kept with their nearest training images for the samples figure")
	copyMethod := f.String("copy", c.Copy.Method, "copy test: ratio (relative nearest neighbour) or cosine (the paper's, on raw pixels here: SSCD is not bundled)")
	f.bind("Copy.Method", "copy")
	f.intVar(&c.Copy.K, "k", "Copy.K", "ratio test: nearest training images averaged in ρ_k")
	f.floatVar(&c.Copy.Threshold, "tau", "Copy.Threshold", "copy threshold: ρ_k < tau (ratio test) or cosine > tau (cosine test; the paper: 0.6)")
	f.intVar(&c.Train.TotalSteps, "steps", "Train.TotalSteps", "training steps per N")
	f.intVar(&c.Train.BatchSize, "batch", "Train.BatchSize", "training batch size")
	f.floatVar(&c.Train.LR, "lr", "Train.LR", "Adam learning rate")
	f.intVar(&c.Net.ModelChannels, "model-channels", "Net.ModelChannels", "U-Net base channels")
	f.intVar(&c.Noises, "noises", "Noises", "Figure 3(a): Heun trajectories averaged over")
	f.intVar(&c.Rows, "rows", "Rows", "Figure 3(a): Jacobian rows per pass (memory; 0: all)")
	noRank := f.Bool("no-rank", false, "skip Figure 3(a)")
	f.uint64Var(&c.Seed, "seed", "Seed", "seed of the split, training and sampling")
	run := runFlagsOf(f, filepath.Join(root, data), "the figures", "images.csv", "the Ns (e.g. 0/4)")
	if help, err := f.parse(args, stderr); help || err != nil {
		return err
	}
	if err := run.check(); err != nil {
		return err
	}
	c.Shard = run.Shard
	var err error
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	c.Copy.Method = *copyMethod
	if c.Copy.Method == metrics.CopyCosine && !set["tau"] {
		c.Copy.Threshold = metrics.CopyThreshold // the paper's χ = 0.6
	}
	c.Net.ImageSize, c.Net.Channels = c.Size, c.Channels
	c.Rank = !*noRank
	c.Dir = run.Out
	var rows []images.Row
	if run.PlotOnly {
		if rows, err = images.Read(c.Dir); err != nil {
			return err
		}
	} else {
		if err := f.explain(c.Validate()); err != nil {
			return err
		}
		c.Progress, c.Log = reporter(stderr, run.Quiet), stderr
		fmt.Fprintf(stdout, "images: %s at %d×%d×%d; U-Net of %s parameters, %d steps of batch %d per N; N %s; M = %d; copy test %s%s; results in %s\n",
			c.Data, c.Size, c.Size, c.Channels, paramCount(c.Net), c.Train.TotalSteps, c.Train.BatchSize, formatInts(c.Ns), c.M, copyName(c.Copy), shardNote(c.Shard), c.Dir)
		ctx, stop := interruptible()
		defer stop()
		if rows, err = images.Run(ctx, c); err != nil {
			return interrupted(f.explain(err), c.Dir)
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("no rows in %s to draw", images.TablePath(c.Dir))
	}
	if err := imageFigures(stdout, c.Dir, rows, copyName(c.Copy)); err != nil {
		return err
	}
	printImagesSummary(stdout, images.Summarize(rows))
	return combinedImages(stdout, filepath.Dir(c.Dir))
}

func copyName(c metrics.CopyTest) string {
	if c.Method == metrics.CopyRatio {
		sub := strings.NewReplacer("0", "₀", "1", "₁", "2", "₂", "3", "₃", "4", "₄", "5", "₅", "6", "₆", "7", "₇", "8", "₈", "9", "₉")
		return fmt.Sprintf("ρ%s < %.3g is a copy", sub.Replace(fmt.Sprint(c.K)), c.Threshold)
	}
	return fmt.Sprintf("cosine > %.3g is a copy", c.Threshold)
}

// imageFigures draws a run's figures into dir: fig5b, fig3a (when the curve
// is complete) and samples (the smallest and the largest N with samples).
func imageFigures(stdout io.Writer, dir string, rows []images.Row, statistic string) error {
	fig, err := images.Figure5b(rows)
	if err == nil {
		err = saveFigure(stdout, fig, filepath.Join(dir, "fig5b"))
	}
	if err != nil {
		return err
	}
	if _, _, ok := images.RankCurve(rows); ok {
		fig, err := images.Figure3a(rows)
		if err == nil {
			err = saveFigure(stdout, fig, filepath.Join(dir, "fig3a"))
		}
		if err != nil {
			return err
		}
	}
	var sets []images.Samples
	gl := images.GLRows(rows)
	for _, k := range []int{0, len(gl) - 1} {
		if k < 0 || len(sets) > 0 && gl[k].N == sets[0].N {
			continue
		}
		if s, err := images.ReadSamples(dir, gl[k].N); err == nil {
			sets = append(sets, s)
		}
	}
	if len(sets) > 0 {
		fig, err := images.FigureSamples(sets, statistic)
		if err == nil {
			err = saveFigure(stdout, fig, filepath.Join(dir, "samples"))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func printImagesSummary(w io.Writer, s images.Summary) {
	if s.Crosses {
		fmt.Fprintf(w, "%s: GL crosses 0.5 at N ≈ %.0f\n", s.Data, s.Crossing)
	} else {
		fmt.Fprintf(w, "%s: GL does not cross 0.5 in the range run\n", s.Data)
	}
	status := "ok"
	if !s.Calibrated {
		status = "NOT MET"
	}
	fmt.Fprintf(w, "%s: calibration %s at every N: training images GL ≤ %.3g (want 0), held-out images GL ≥ %.3g (want ≥ 0.95)\n",
		s.Data, status, s.MaxTrainGL, s.MinHeldGL)
	if s.RankN > 0 {
		fmt.Fprintf(w, "%s: Fig. 3a (N = %d): rank/n = %.4f at SNR %.3g, %.4f at SNR %.3g, %.4f at SNR %.3g; lowest rank %.1f at SNR %.3g\n",
			s.Data, s.RankN, s.RatioLow, images.LowSNR, s.RatioMid, images.MidSNR, s.RatioHigh, images.HighSNR, s.MinRank, s.MinRankSNR)
	}
}

// combinedImages draws fig5b_3a in root from every root/*/images.csv and
// prints the orderings.
func combinedImages(stdout io.Writer, root string) error {
	paths, _ := filepath.Glob(filepath.Join(root, "*", "images.csv"))
	var runs [][]images.Row
	var sums []images.Summary
	for _, p := range paths {
		rows, err := images.Read(filepath.Dir(p))
		if err != nil || len(rows) == 0 {
			continue
		}
		runs = append(runs, rows)
		sums = append(sums, images.Summarize(rows))
	}
	if len(runs) < 2 {
		return nil
	}
	fig, err := images.FigureAll(runs)
	if err != nil {
		return err
	}
	if err := saveFigure(stdout, fig, filepath.Join(root, "fig5b_3a")); err != nil {
		return err
	}
	byN, byRank, match := images.Ordering(sums)
	if byN == nil {
		fmt.Fprintln(stdout, "ordering: fewer than two data sets have both a GL crossing and a rank curve")
		return nil
	}
	verdict := "matches"
	if !match {
		verdict = "does NOT match"
	}
	fmt.Fprintf(stdout, "ordering by the N needed to generalize (Fig. 5b): %s\nordering by the lowest Jacobian rank (Fig. 3a): %s\n→ the order %s the paper's claim\n",
		strings.Join(byN, " < "), strings.Join(byRank, " < "), verdict)
	return nil
}
