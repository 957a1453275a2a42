// Package editing is Section 4.2 and Figures 2, 6 and 9 of the paper:
// editing an image along the leading right singular vectors of the
// denoiser's Jacobian at x_t. A run
//
//  1. gets a denoiser: a U-Net trained here (EDM loss) on a real data set
//     (or loaded from a finished run's checkpoints), or, for the MoLRG of
//     the U-Net experiments, its true posterior mean (eq. 8) or a U-Net;
//  2. gets x_t at each edit time t: DDIM inversion of an image (a held-out
//     or training image, or a PNG file), or a fresh sample of the 18-step
//     Heun sampler stopped at σ_t;
//  3. computes the top-r singular triplets (ς_i, q_i, v_i) of
//     J = ∂x_θ(x_t)/∂x_t (pkg/edit; with a mask, of diag(m)J, projected off
//     the leading right singular vectors outside the mask, as LOCO-Edit
//     does), cached on disk keyed by everything they depend on, and the
//     first-order error ‖x_θ(x_t + ξv_i) − x_θ(x_t) − ξς_iq_i‖/(|ξ|ς_i);
//  4. continues x_t + ξv_i and x_t + ξr (r a random unit direction) to
//     t = 0 for every ξ: the rows and columns of the edit grid.
//
// Every result goes into one resumable results table (pkg/results) in
// Config.Dir: the images, the singular values, the errors. Figure draws the
// grid of one edit time from the table.
package editing

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/edit"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/unet"
)

// Sources of the image to edit.
const (
	SourceHeld   = "held"   // Index into the held-out images (never trained on)
	SourceTrain  = "train"  // Index into the training images
	SourcePNG    = "png"    // the PNG file PNG
	SourceSample = "sample" // a fresh sample of the Heun sampler (its noise drawn from Seed and Index)
)

// Denoisers for Data = "molrg".
const (
	DenoiserUNet  = "unet"  // a U-Net trained on the data (the only one for image data sets)
	DenoiserTruth = "truth" // the MoLRG's true posterior mean (eq. 8)
)

// MoLRG is the Data value of the MoLRG of the U-Net experiments (4×4×3
// images, K = 2 orthogonal subspaces of dimension D).
const MoLRG = "molrg"

// Config describes an editing run. The fields without a JSON name are how it
// runs, not what it computes; the others are recorded with the results.
type Config struct {
	Data     string   `json:"data"`              // a data set of pkg/datasets, or "molrg"
	Classes  []string `json:"classes,omitempty"` // data-set classes to keep (all when empty)
	Size     int      `json:"size"`              // image side for data sets
	N        int      `json:"n"`                 // training images
	Held     int      `json:"held"`              // held-out images (disjoint from the training ones)
	D        int      `json:"d"`                 // molrg: subspace dimension of both components
	Denoiser string   `json:"denoiser"`          // "unet", or "truth" for molrg

	Source string `json:"source"`        // "held", "train", "png" or "sample"
	Index  int    `json:"index"`         // image index (held, train) or noise index (sample)
	PNG    string `json:"png,omitempty"` // source "png": the file (its SHA-256 is recorded too)

	Times      []float64 `json:"times"`                  // edit times t/t_max (each mapped to a level of the 18-step EDM grid, edit.TimeSigma)
	R          int       `json:"r"`                      // singular vectors edited along
	Xi         []float64 `json:"xi"`                     // strengths ξ (EDM units: x_t + ξv, ‖v‖ = 1), negative to positive
	XiPerSigma bool      `json:"xi_per_sigma,omitempty"` // Xi are multiples of σ_t (the noise's standard deviation per direction)
	Mask       string    `json:"mask"`                   // "": none; "x0,y0,x1,y1": a pixel rectangle; "alpha": the image's object (alpha ≥ 0.5)
	NullRank   int       `json:"null_rank"`              // with a mask: right singular vectors outside it projected off (LOCO-Edit)
	Method     string    `json:"method"`                 // "auto", "full" or "iterate" (edit.Method)
	Tol        float64   `json:"tol"`                    // subspace iteration tolerance (edit.SVDOptions.Tol)
	MaxIter    int       `json:"max_iter"`               // subspace iteration steps at most
	Oversample int       `json:"oversample"`             // extra vectors in the iteration's block
	Steps      int       `json:"steps"`                  // DDIM inversion steps from σ_min to σ_t (and back)
	Seed       uint64    `json:"seed"`

	Net           unet.Config      `json:"net"`
	Train         unet.TrainConfig `json:"train"`
	CheckpointDir string           `json:"-"` // U-Net checkpoints ("": Dir/ckpt); a finished run there is loaded
	Checkpoint    string           `json:"checkpoint,omitempty"`

	Dir      string          `json:"-"` // results folder: edit.csv, ckpt/, jacobian/
	CacheDir string          `json:"-"` // cached singular triplets ("": Dir/jacobian)
	Backend  compute.Backend `json:"-"`
	Progress progress.Func   `json:"-"`
	Log      io.Writer       `json:"-"` // notices (a corrupt checkpoint skipped); nil: none
}

// DefaultConfig edits a held-out MNIST digit at 16×16 with a U-Net trained
// here: the 0.7 M-parameter network, 4000 steps of batch 64 on 10 000
// images; t = 0.7·t_max (σ_t = 12.9), r = 5, ξ = −60 … 60, no mask, 100
// DDIM inversion steps. (ours; the paper: a DDPM on MetFaces at 256²,
// t = 0.7T.)
func DefaultConfig() Config {
	tc := unet.DefaultTrainConfig()
	tc.TotalSteps = 4000
	return Config{
		Data: "mnist", Size: 16, N: 10_000, Held: 1000, D: 6, Denoiser: DenoiserUNet,
		Source: SourceHeld, Index: 0,
		Times: []float64{edit.PaperTime}, R: 5, Xi: []float64{-60, -40, -20, 0, 20, 40, 60},
		NullRank: 5, Method: "auto", Tol: edit.DefaultTol, MaxIter: edit.DefaultMaxIter, Oversample: edit.DefaultOversample,
		Steps: 100, Seed: 1,
		Net: unet.DefaultConfig(16, 1), Train: tc,
	}
}

// MoLRGConfig edits the MoLRG of the U-Net experiments (d = 6, n = 48)
// with its true posterior mean, at t = 0.2·t_max (σ_t = 0.585, where the
// posterior has chosen the component: Lemma 2) and the paper's
// t = 0.7·t_max (σ_t = 12.9, where it has not); a held-out sample of the
// MoLRG is inverted.
func MoLRGConfig() Config {
	c := DefaultConfig()
	c.Data, c.Denoiser, c.Size, c.N, c.Held = MoLRG, DenoiserTruth, experiment.ImageSize, 200, 20
	c.Times = []float64{0.2, edit.PaperTime}
	c.R = 6
	c.Xi = []float64{-2, -1, 0, 1, 2}
	c.Net = unet.DefaultConfig(experiment.ImageSize, experiment.Channels)
	c.Train = unet.DefaultTrainConfig()
	return c
}

// Limits (the project's).
const (
	MaxR     = 64
	MaxXi    = 101
	MaxTimes = 32
	MaxN     = 1_000_000
)

// Validate checks the run and returns an error naming the first bad
// setting (a *param.Error) and its allowed range.
func (c *Config) Validate() error {
	if err := c.validateData(); err != nil {
		return err
	}
	switch {
	case !slices.Contains([]string{SourceHeld, SourceTrain, SourcePNG, SourceSample}, c.Source):
		return param.Errorf("editing", "Source", c.Source, "held, train, png or sample")
	case c.Source == SourceHeld && (c.Index < 0 || c.Index >= c.Held):
		return param.Errorf("editing", "Index", c.Index, "0 ≤ index < %d (the held-out images)", c.Held)
	case c.Source == SourceTrain && (c.Index < 0 || c.Index >= c.N):
		return param.Errorf("editing", "Index", c.Index, "0 ≤ index < %d (the training images)", c.N)
	case c.Source == SourceSample && c.Index < 0:
		return param.Errorf("editing", "Index", c.Index, "≥ 0 (the noise of the fresh sample)")
	case c.Source == SourcePNG && c.PNG == "":
		return param.Errorf("editing", "PNG", `""`, "a PNG file")
	case len(c.Times) == 0 || len(c.Times) > MaxTimes:
		return param.Errorf("editing", "Times", len(c.Times), "1 to %d edit times", MaxTimes)
	case c.R < 1 || c.R > MaxR || c.R > c.dim():
		return param.Errorf("editing", "R", c.R, "1 ≤ r ≤ %d", min(MaxR, c.dim()))
	case len(c.Xi) == 0 || len(c.Xi) > MaxXi:
		return param.Errorf("editing", "Xi", len(c.Xi), "1 to %d strengths", MaxXi)
	case c.NullRank < 0 || c.NullRank >= c.dim():
		return param.Errorf("editing", "NullRank", c.NullRank, "0 ≤ null rank < n = %d", c.dim())
	case c.Steps < 1 || c.Steps > edit.MaxSteps:
		return param.Errorf("editing", "Steps", c.Steps, "1 ≤ steps ≤ %d", edit.MaxSteps)
	case !(c.Tol > 0 && c.Tol < 1):
		return param.Errorf("editing", "Tol", c.Tol, "0 < tol < 1")
	case c.MaxIter < 1:
		return param.Errorf("editing", "MaxIter", c.MaxIter, "≥ 1")
	case c.Oversample < 0:
		return param.Errorf("editing", "Oversample", c.Oversample, "≥ 0")
	}
	for _, t := range c.Times {
		if !(t > 0 && t <= 1) {
			return param.Errorf("editing", "Times", t, "edit times 0 < t/t_max ≤ 1")
		}
	}
	for i, x := range c.Xi {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e6 {
			return param.Errorf("editing", "Xi", x, "finite strengths |ξ| ≤ 1e6")
		}
		if i > 0 && x <= c.Xi[i-1] {
			return param.Errorf("editing", "Xi", x, "increasing strengths")
		}
	}
	if _, err := edit.ParseMethod(c.Method); err != nil {
		return param.Errorf("editing", "Method", c.Method, "auto, full or iterate")
	}
	if _, err := c.pixelMaskRect(); err != nil {
		return err
	}
	if c.Mask == "alpha" && c.Data != "" && !strings.HasPrefix(c.Data, "emoji") && c.Source != SourcePNG {
		return param.Errorf("editing", "Mask", c.Mask, "a rectangle x0,y0,x1,y1: %s images have no alpha channel", c.Data)
	}
	if c.Mask == "alpha" && c.Source == SourceSample {
		return param.Errorf("editing", "Mask", c.Mask, "a rectangle x0,y0,x1,y1: a fresh sample has no alpha channel")
	}
	if c.Denoiser == DenoiserUNet && c.Checkpoint == "" {
		if c.Net.ImageSize != c.side() || c.Net.Channels != c.channels() {
			return param.Errorf("editing", "Net", fmt.Sprintf("%d×%d×%d", c.Net.ImageSize, c.Net.ImageSize, c.Net.Channels),
				"a U-Net for the %d×%d×%d images", c.side(), c.side(), c.channels())
		}
		if err := c.Net.Validate(); err != nil {
			return param.Within("Net", err)
		}
		if err := c.Train.Validate(); err != nil {
			return param.Within("Train", err)
		}
	}
	return nil
}

func (c *Config) validateData() error {
	if c.D < 1 || experiment.NumComponents*c.D > experiment.Dim {
		return param.Errorf("editing", "D", c.D, "1 ≤ d ≤ %d", experiment.Dim/experiment.NumComponents)
	}
	if c.Data == MoLRG {
		switch {
		case c.Denoiser != DenoiserUNet && c.Denoiser != DenoiserTruth:
			return param.Errorf("editing", "Denoiser", c.Denoiser, "unet or truth")
		case c.Source == SourcePNG:
			return param.Errorf("editing", "Source", c.Source, "held, train or sample for the MoLRG")
		}
	} else {
		if !slices.Contains(datasets.Names(), c.Data) {
			return param.Errorf("editing", "Data", c.Data, "one of %s or molrg", strings.Join(datasets.Names(), ", "))
		}
		if c.Denoiser != DenoiserUNet {
			return param.Errorf("editing", "Denoiser", c.Denoiser, "unet (the true posterior mean exists for the MoLRG only)")
		}
		if c.Size < 4 || c.Size > 256 {
			return param.Errorf("editing", "Size", c.Size, "4 ≤ size ≤ 256")
		}
	}
	switch {
	case c.N < 1 || c.N > MaxN:
		return param.Errorf("editing", "N", c.N, "1 ≤ n ≤ %d", MaxN)
	case c.Held < 0 || c.Held > MaxN:
		return param.Errorf("editing", "Held", c.Held, "0 ≤ held ≤ %d", MaxN)
	}
	return nil
}

// side, channels and dim are the image size the run works at.
func (c *Config) side() int {
	if c.Data == MoLRG {
		return experiment.ImageSize
	}
	return c.Size
}

func (c *Config) channels() int {
	switch {
	case c.Data == MoLRG:
		return experiment.Channels
	case strings.HasPrefix(c.Data, "emoji"), c.Data == "cifar-10":
		return 3
	}
	return 1
}

func (c *Config) dim() int { return c.side() * c.side() * c.channels() }

// pixelMaskRect parses a rectangle mask (nil for none or alpha).
func (c *Config) pixelMaskRect() ([]float64, error) {
	if c.Mask == "" || c.Mask == "alpha" {
		return nil, nil
	}
	var x0, y0, x1, y1 int
	var rest string
	if n, _ := fmt.Sscanf(c.Mask+" end", "%d,%d,%d,%d %s", &x0, &y0, &x1, &y1, &rest); n != 5 || rest != "end" {
		return nil, param.Errorf("editing", "Mask", c.Mask, `"", "alpha" or a rectangle x0,y0,x1,y1 of pixels`)
	}
	m, err := edit.RectMask(c.side(), c.side(), x0, y0, x1, y1)
	if err != nil {
		return nil, param.Errorf("editing", "Mask", c.Mask, "a rectangle x0,y0,x1,y1 with 0 ≤ x0 < x1 ≤ %d, 0 ≤ y0 < y1 ≤ %d", c.side(), c.side())
	}
	return m, nil
}
