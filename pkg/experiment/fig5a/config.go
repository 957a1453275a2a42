// Package fig5a is Figure 5(a) of the paper: for several subspace
// dimensions d and training-set sizes N_k, draw a MoLRG with K = 2
// orthogonal d-dimensional subspaces of ℝ⁴⁸ (shown to the network as 4×4×3
// images), train a U-Net with the EDM loss on N_k samples per component,
// generate M samples with the 18-step Heun sampler and score them with the
// generalization score of eq. (21) against M fresh samples: GL ≈ 0 when the
// network reproduces its training set, ≈ 1 when it generalizes. Plotted
// against N_k/d the curves of the different d fall on one another.
package fig5a

import (
	"io"
	"math"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/unet"
)

// Config describes a Figure 5(a) sweep. The fields without a JSON name are
// how it runs, not what it computes; the others are recorded with the
// results.
type Config struct {
	Dims   []int            `json:"dims"`   // subspace dimensions d (both components), K·d ≤ 48
	Ratios []float64        `json:"ratios"` // N_k/d values; N_k = max(1, round(ratio·d))
	Net    unet.Config      `json:"net"`
	Train  unet.TrainConfig `json:"train"` // CheckpointDir is set per point under Dir; TotalSteps is the run length of a point
	M      int              `json:"m"`     // generated (and fresh) samples for the GL score
	Seed   uint64           `json:"seed"`

	Dir      string          `json:"-"` // results folder: fig5a.csv and ckpt/d<d>_nk<N_k>/ ("": no files, no resume)
	Backend  compute.Backend `json:"-"`
	Progress progress.Func   `json:"-"`
	Shard    results.Shard   `json:"-"`
	Log      io.Writer       `json:"-"` // notices (a corrupt checkpoint skipped); nil: none
}

// DefaultConfig is the CPU-sized sweep: d ∈ {2, 4, 6}, N_k/d from 1 to 32,
// the small default U-Net trained 2000 steps of batch 64 per point, M = 500.
func DefaultConfig() Config {
	return Config{
		Dims:   []int{2, 4, 6},
		Ratios: []float64{1, 2, 4, 8, 16, 32},
		Net:    unet.DefaultConfig(experiment.ImageSize, experiment.Channels),
		Train:  unet.DefaultTrainConfig(),
		M:      500,
		Seed:   1,
	}
}

// AuthorsConfig is the size of the paper's runs: the 54 M-parameter DDPM++
// U-Net trained with Adam lr 1e-3, batch 512, EMA, for 6 Mimg per point,
// d ∈ {4, 6, 8, 10}, N_k/d up to 64, M = 10 000.
func AuthorsConfig() Config {
	c := DefaultConfig()
	c.Dims = []int{4, 6, 8, 10}
	c.Ratios = []float64{1, 2, 4, 8, 16, 32, 64}
	c.Net = unet.AuthorsConfig(experiment.ImageSize, experiment.Channels)
	c.Train = unet.AuthorsTrainConfig()
	c.M = 10000
	return c
}

// Limits on a sweep (the project's): a point's training set and the samples
// of its GL score must fit in memory many times over.
const (
	MaxNk = 1_000_000 // samples per component of one point
	MaxM  = 1_000_000 // generated samples of one point
)

// Validate checks the sweep and returns an error naming the first bad
// setting (a *param.Error) and its allowed range.
func (c *Config) Validate() error {
	if len(c.Dims) == 0 {
		return param.Errorf("fig5a", "Dims", "[]", "at least one d")
	}
	for _, d := range c.Dims {
		if d < 1 || experiment.NumComponents*d > experiment.Dim {
			return param.Errorf("fig5a", "Dims", d, "1 ≤ d ≤ %d (K·d ≤ n = %d for orthogonal subspaces)", experiment.Dim/experiment.NumComponents, experiment.Dim)
		}
	}
	if len(c.Ratios) == 0 {
		return param.Errorf("fig5a", "Ratios", "[]", "at least one N_k/d")
	}
	for _, r := range c.Ratios {
		if !(r > 0) || math.IsInf(r, 0) {
			return param.Errorf("fig5a", "Ratios", r, "a finite N_k/d > 0")
		}
		for _, d := range c.Dims {
			if r*float64(d) > MaxNk {
				return param.Errorf("fig5a", "Ratios", r, "N_k = ratio·d ≤ %d (d = %d)", MaxNk, d)
			}
		}
	}
	if c.M < 1 || c.M > MaxM {
		return param.Errorf("fig5a", "M", c.M, "1 ≤ M ≤ %d generated samples", MaxM)
	}
	if c.Net.ImageSize != experiment.ImageSize || c.Net.Channels != experiment.Channels {
		return param.Errorf("fig5a", "Net", c.Net.ImageSize, "a U-Net for %d×%d×%d images", experiment.ImageSize, experiment.ImageSize, experiment.Channels)
	}
	if err := c.Net.Validate(); err != nil {
		return param.Within("Net", err)
	}
	if err := c.Train.Validate(); err != nil {
		return param.Within("Train", err)
	}
	return c.Shard.Validate()
}

// Nk returns N_k = max(1, round(ratio·d)).
func Nk(ratio float64, d int) int { return max(1, int(math.Round(ratio*float64(d)))) }

// point is one (d, N_k) of the sweep.
type point struct{ d, nk int }

// points lists the sweep's points in order, each once (two ratios may give
// the same N_k).
func (c *Config) points() []point {
	var out []point
	seen := map[point]bool{}
	for _, d := range c.Dims {
		for _, r := range c.Ratios {
			p := point{d, Nk(r, d)}
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}
