package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/molrg/molrg/pkg/edit"
	"github.com/molrg/molrg/pkg/experiment/editing"
)

func init() {
	register("edit", "edit an image along the denoiser Jacobian's singular vectors (Sec. 4.2, Figs. 2, 6, 9): grid PNG/SVG + singular values CSV",
		func(args []string) error { return runEdit(args, os.Stdout, os.Stderr) })
}

const editUsage = `usage: molrg edit [flags]

Section 4.2 (Figures 2, 6 and 9): map an image to x_t by DDIM inversion (or
stop a fresh sample of the 18-step Heun sampler at σ_t), take the top -r
singular triplets (ς_i, q_i, v_i) of the denoiser's Jacobian
J = ∂x_θ(x_t)/∂x_t, and continue x_t + ξ·v_i and x_t + ξ·r (r a random unit
direction) to t = 0 deterministically for every strength ξ (-xi gives the
positive ones; the grid shows −ξ … 0 … ξ, and ξ = 0 is the unedited image).

The image: -index I of the held-out images of -data (never trained on;
-source train for a training image), a PNG file (-png, resized to -size), or a
fresh sample (-source sample, noise number -index). The denoiser: a U-Net
trained here on -n images of -data (EDM loss), or loaded from -ckpt when that
holds a finished run (e.g. one of another experiment's, if its image size
matches); for -data molrg (4×4×3 MoLRG images, K = 2, dimension -d) -truth
edits with the true posterior mean (eq. 8) instead.

Edit times -t are fractions of t_max of the paper's DDPM (variance preserving)
schedule, mapped to σ_t (t = 0.7: σ = 11.8) and snapped to the nearest level of
the 18-step EDM grid (σ_5 = 12.9). ξ is in this project's EDM units (x_t =
x_0 + σ_t·ε; per direction the noise has standard deviation σ_t); the DDPM's
x_t is x_t/√(1+σ_t²), so a DDPM strength ξ' is ξ = ξ'·√(1+σ_t²).
-mask restricts the edit to a pixel rectangle x0,y0,x1,y1 (or the object of an
image with an alpha channel: -mask alpha): the directions are the right
singular vectors of diag(m)·J, projected off the top -null-rank right singular
vectors of diag(1−m)·J (LOCO-Edit). -method full forms J (n reverse passes);
-method iterate runs subspace iteration on Jacobian-vector products until
every triplet has ‖Jᵀq_i − ς_i v_i‖ ≤ -tol·ς_1; auto picks full for n ≤ 256.

Writes OUT/edit.csv (the images, singular values, first-order errors; OUT/
edit.json records the settings and the backend), OUT/edit_t<t>.{png,svg}, and
OUT/singular_values.csv; keeps the U-Net in OUT/ckpt and the triplets in
OUT/jacobian (keyed by everything they depend on). Interrupted, the same
command resumes. Defaults (MNIST at 16×16, a 0.7 M-parameter U-Net trained
4000 steps of batch 64: 1–2 hours on a shared 2-core CPU, then minutes).

The paper: a DDPM on MetFaces at 256×256, edit at t = 0.7T, the leading
singular vectors against a random direction. LOCO-Edit's scripts (Chen et al.
2024; DDPMs at 256×256, 100 DDIM steps, power method of 10–50 steps):
  CelebA-HQ  t = 0.6T, r = 1, semantic mask, null rank 5,  DDPM strength 0.5×16 = 8
  AFHQ       t = 0.7T, r = 1, SAM mask,      null rank 10, DDPM strength 0.2×16 = 3.2
  FFHQ       t = 0.2T, r = 3, SAM mask,      null rank 5,  DDPM strength 12
  MetFaces   t = 0.7T, r = 1, no mask,                     DDPM strength 2×3 = 6
e.g. molrg edit -data emoji-people -size 32 -t 0.6 -r 1 -mask alpha -null-rank 5

Flags:
`

func runEdit(args []string, stdout, stderr io.Writer) error {
	c := editing.DefaultConfig()
	if hasFlag(args, "truth") {
		c = editing.MoLRGConfig()
	}
	f := newFlags("edit", editUsage)
	f.StringVar(&c.Data, "data", c.Data, "data set: mnist, fashion-mnist, emoji, emoji-people, emoji-animals, cifar-10, or molrg")
	f.bind("Data", "data")
	classes := f.String("classes", "", "comma-separated classes of -data to keep (all when empty)")
	f.intVar(&c.Size, "size", "Size", "image side (data sets)")
	f.intVar(&c.N, "n", "N", "training images")
	f.intVar(&c.Held, "held", "Held", "held-out images")
	f.intVar(&c.D, "d", "D", "molrg: subspace dimension of both components")
	f.Bool("truth", false, "molrg: edit with the true posterior mean (eq. 8) instead of a U-Net (sets -data molrg, -t 0.2,0.7, -r 6, -xi 1,2)")
	f.StringVar(&c.Source, "source", c.Source, "the image: held (a held-out image), train, png or sample (a fresh sample)")
	f.bind("Source", "source")
	f.intVar(&c.Index, "index", "Index", "the held-out or training image, or the noise of a fresh sample")
	png := f.String("png", "", "edit this PNG file (sets -source png)")
	f.floats(&c.Times, "t", "Times", "edit times t/t_max")
	f.intVar(&c.R, "r", "R", "singular vectors edited along")
	xi := floatsFrom(c.Xi)
	f.floats(&xi, "xi", "Xi", "positive strengths ξ, mirrored to −ξ … 0 … ξ")
	f.BoolVar(&c.XiPerSigma, "xi-sigma", c.XiPerSigma, "the -xi values are multiples of σ_t (the noise's standard deviation per direction)")
	f.StringVar(&c.Mask, "mask", c.Mask, `"" (none), a pixel rectangle x0,y0,x1,y1, or alpha`)
	f.bind("Mask", "mask")
	f.intVar(&c.NullRank, "null-rank", "NullRank", "with -mask: right singular vectors outside the mask projected off (0: none)")
	f.StringVar(&c.Method, "method", c.Method, "auto, full or iterate")
	f.bind("Method", "method")
	f.floatVar(&c.Tol, "tol", "Tol", "subspace iteration: stop when ‖Jᵀq_i − ς_i v_i‖ ≤ tol·ς_1")
	f.intVar(&c.MaxIter, "max-iter", "MaxIter", "subspace iteration: steps at most")
	f.intVar(&c.Oversample, "oversample", "Oversample", "subspace iteration: extra vectors in the block")
	f.intVar(&c.Steps, "inv-steps", "Steps", "DDIM inversion steps from σ_min to σ_t (and back)")
	f.intVar(&c.Train.TotalSteps, "steps", "Train.TotalSteps", "U-Net training steps")
	f.intVar(&c.Train.BatchSize, "batch", "Train.BatchSize", "U-Net batch size")
	f.intVar(&c.Net.ModelChannels, "channels", "Net.ModelChannels", "U-Net base channels")
	f.uint64Var(&c.Seed, "seed", "Seed", "seed of the split, training, noise and random direction")
	ckpt := f.String("ckpt", "", "U-Net checkpoint folder (default OUT/ckpt)")
	run := runFlagsOf(f, filepath.Join("results", "edit"), "the grids", "edit.csv", "")
	if help, err := f.parse(args, stderr); help || err != nil {
		return err
	}
	if err := run.check(); err != nil {
		return err
	}
	if *classes != "" {
		c.Classes = strings.Split(*classes, ",")
	}
	if *png != "" {
		c.Source, c.PNG = editing.SourcePNG, *png
	}
	f.bind("PNG", "png")
	f.bind("Denoiser", "truth")
	if c.Data == editing.MoLRG {
		c.Net.ImageSize, c.Net.Channels = 4, 3
	} else {
		c.Net.ImageSize, c.Net.Channels = c.Size, channelsOf(c.Data)
	}
	c.Xi = mirror(xi)
	c.Train.LogEvery = max(1, min(c.Train.LogEvery, c.Train.TotalSteps/20))
	c.Train.CheckpointEvery = max(1, min(c.Train.CheckpointEvery, c.Train.TotalSteps))
	c.CheckpointDir, c.Dir = *ckpt, run.Out
	var res *editing.Result
	var err error
	if run.PlotOnly {
		if res, err = editing.Read(c.Dir); err != nil {
			return err
		}
	} else {
		for _, x := range xi {
			if !(x > 0) {
				return fmt.Errorf("-xi = %v, want positive strengths (they are mirrored to −ξ … 0 … ξ)", x)
			}
		}
		if err := f.explain(c.Validate()); err != nil {
			return err
		}
		c.Progress, c.Log = reporter(stderr, run.Quiet), stderr
		ctx, stop := interruptible()
		defer stop()
		if res, err = editing.Run(ctx, c); err != nil {
			return interrupted(f.explain(err), c.Dir)
		}
		fmt.Fprintln(stdout, "wrote", editing.TablePath(c.Dir))
	}
	return editReport(stdout, res, c.Dir)
}

// channelsOf is the channels of a data set's images.
func channelsOf(data string) int {
	if strings.HasPrefix(data, "emoji") || data == "cifar-10" {
		return 3
	}
	return 1
}

func floatsFrom(xi []float64) []float64 {
	var out []float64
	for _, x := range xi {
		if x > 0 {
			out = append(out, x)
		}
	}
	return out
}

// mirror returns −ξ_k … −ξ_1, 0, ξ_1 … ξ_k for increasing positive ξ.
func mirror(xi []float64) []float64 {
	pos := append([]float64(nil), xi...)
	for i := 1; i < len(pos); i++ { // insertion sort: the lists are short
		for j := i; j > 0 && pos[j] < pos[j-1]; j-- {
			pos[j], pos[j-1] = pos[j-1], pos[j]
		}
	}
	out := make([]float64, 0, 2*len(pos)+1)
	for i := len(pos) - 1; i >= 0; i-- {
		out = append(out, -pos[i])
	}
	out = append(out, 0)
	return append(out, pos...)
}

// editReport writes the grids and the singular values, and prints them with
// the first-order errors.
func editReport(w io.Writer, res *editing.Result, dir string) error {
	var csv bytes.Buffer
	csv.WriteString("t,sigma,i,singular_value,residual,method,iterations,seconds,off_subspace\n")
	for i, e := range res.Times {
		fig, err := editing.Figure(res, i)
		if err != nil {
			return err
		}
		base := filepath.Join(dir, "edit_t"+strconv.FormatFloat(e.T, 'g', -1, 64))
		for _, ext := range []string{".png", ".svg"} {
			if err := fig.Save(base + ext); err != nil {
				return err
			}
			fmt.Fprintln(w, "wrote", base+ext)
		}
		fmt.Fprintf(w, "t = %g·t_max, σ_t = %.4g: top-%d singular values of J (%s", e.T, e.Sigma, len(e.Values), e.Method)
		if e.Method == edit.Iterate.String() {
			fmt.Fprintf(w, ", %d iterations", e.Iterations)
		}
		fmt.Fprintf(w, ", %.1f s)\n", e.Seconds)
		for k, s := range e.Values {
			fmt.Fprintf(&csv, "%g,%g,%d,%g,%g,%s,%d,%g,%g\n", e.T, e.Sigma, k+1, s, e.Residual[k], e.Method, e.Iterations, e.Seconds, e.Off[k])
			fmt.Fprintf(w, "  ς_%d = %.5g", k+1, s)
			if !math.IsNaN(e.Off[k]) {
				fmt.Fprintf(w, "   sin∠(v_%d, x_t's subspace) = %.2g", k+1, e.Off[k])
			}
			if k < len(e.Linearity) {
				fmt.Fprintf(w, "   first-order error ε(ξ) =")
				for j, x := range e.LinXi {
					fmt.Fprintf(w, " %.2g (ξ=%.3g)", e.Linearity[k][j], x)
				}
			}
			fmt.Fprintln(w)
		}
	}
	path := filepath.Join(dir, "singular_values.csv")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, csv.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	fmt.Fprintln(w, "wrote", path)
	return nil
}
