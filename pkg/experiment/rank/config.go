// Package rank is Figures 3(b) and 7 of the paper: the numerical rank
// (eq. 46) of a denoiser's Jacobian ∂D(x_t;σ_t)/∂x_t along its own 18-step
// Heun trajectory, divided by n = 48, against SNR = 1/σ_t, averaged over
// initial noises, for
//
//   - the true posterior mean of the MoLRG (eq. 8): Σ_k d_k/n at low SNR and
//     d_k/n at high SNR (Lemma 2 and the soft-max weights);
//   - the soft-max DAE of eq. (9) with the true bases and with bases trained
//     by Algorithm 1 on the U-Net's training set;
//   - a U-Net trained with the EDM loss on N_k samples per component, and
//     (Figure 7) its checkpoints along training.
package rank

import (
	"io"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/unet"
)

// Config describes a Figures 3(b)/7 run. The fields without a JSON name are
// how it runs, not what it computes; the others are recorded with the
// results.
type Config struct {
	D      int     `json:"d"`      // subspace dimension of both components (paper: 6)
	Noises int     `json:"noises"` // initial noises averaged over (paper: 15)
	Frac   float64 `json:"frac"`   // fraction of eq. (46) (paper: 0.99)
	Seed   uint64  `json:"seed"`

	TrainDAE bool       `json:"train_dae"` // also train the soft-max DAE by Algorithm 1 on the U-Net's data
	DAE      dae.Config `json:"-"`         // Algorithm 1 (its Dims are set to {D, D}); recorded by its Summary

	// The U-Net: loaded from CheckpointDir when it holds a finished run's
	// checkpoints (e.g. one of fig5a's), otherwise trained there on Nk
	// samples per component with a checkpoint every Train.CheckpointEvery
	// steps, all kept: they are the Figure 7 snapshots.
	UNet          bool             `json:"unet"`
	Net           unet.Config      `json:"net"`
	Train         unet.TrainConfig `json:"train"`
	Nk            int              `json:"nk"`
	CheckpointDir string           `json:"checkpoints"` // "" : Dir/ckpt
	Snapshots     int              `json:"snapshots"`   // at most this many snapshots for Figure 7 (evenly spread, always the last); 0: none

	Dir      string          `json:"-"` // results folder: rank.csv (and ckpt/)
	Backend  compute.Backend `json:"-"`
	Progress progress.Func   `json:"-"`
	Log      io.Writer       `json:"-"` // notices (a corrupt checkpoint skipped); nil: none
}

// DefaultConfig is the CPU-sized run: d = 6 (Σd_k/n = 0.25, d/n = 0.125),
// 15 noises, Algorithm 1 bases, and the small U-Net trained 2000 steps on
// N_k = 200 samples per component with a checkpoint every 500 steps, 4 of
// them as Figure 7 snapshots.
func DefaultConfig() Config {
	tc := unet.DefaultTrainConfig()
	tc.CheckpointEvery = 500
	tc.KeepCheckpoints = 0
	return Config{
		D: 6, Noises: 15, Frac: metrics.RankFraction, Seed: 1,
		TrainDAE: true, DAE: dae.DefaultConfig(dae.ParamSoftMax, 6, 6),
		UNet: true, Net: unet.DefaultConfig(experiment.ImageSize, experiment.Channels), Train: tc, Nk: 200,
		Snapshots: 4,
	}
}

// AuthorsConfig is the paper's U-Net: AuthorsConfig, AuthorsTrainConfig
// (batch 512, 6 Mimg) with every checkpoint kept, on N_k = 1000.
func AuthorsConfig() Config {
	c := DefaultConfig()
	c.Net = unet.AuthorsConfig(experiment.ImageSize, experiment.Channels)
	c.Train = unet.AuthorsTrainConfig()
	c.Train.KeepCheckpoints = 0
	c.Nk = 1000
	return c
}

// Limits (the project's).
const (
	MaxNoises = 10_000
	MaxNk     = 1_000_000
)

// Validate checks the run and returns an error naming the first bad
// setting (a *param.Error) and its allowed range.
func (c *Config) Validate() error {
	switch {
	case c.D < 1 || experiment.NumComponents*c.D > experiment.Dim:
		return param.Errorf("rank", "D", c.D, "1 ≤ d ≤ %d", experiment.Dim/experiment.NumComponents)
	case c.Noises < 1 || c.Noises > MaxNoises:
		return param.Errorf("rank", "Noises", c.Noises, "1 ≤ noises ≤ %d", MaxNoises)
	case !(c.Frac > 0 && c.Frac <= 1):
		return param.Errorf("rank", "Frac", c.Frac, "0 < frac ≤ 1")
	case c.Nk < 1 || c.Nk > MaxNk:
		return param.Errorf("rank", "Nk", c.Nk, "1 ≤ N_k ≤ %d", MaxNk)
	case c.Snapshots < 0:
		return param.Errorf("rank", "Snapshots", c.Snapshots, "≥ 0 (0: no Figure 7)")
	}
	if c.TrainDAE {
		dc := c.daeConfig()
		if err := dc.Validate(experiment.Dim); err != nil {
			return param.Within("DAE", err)
		}
	}
	if c.UNet {
		if c.Net.ImageSize != experiment.ImageSize || c.Net.Channels != experiment.Channels {
			return param.Errorf("rank", "Net", c.Net.ImageSize, "a U-Net for %d×%d×%d images", experiment.ImageSize, experiment.ImageSize, experiment.Channels)
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

// daeConfig is Algorithm 1's configuration for the run.
func (c *Config) daeConfig() dae.Config {
	dc := c.DAE
	dc.Dims = []int{c.D, c.D}
	dc.Backend = c.Backend
	dc.Seed = c.Seed
	return dc
}
