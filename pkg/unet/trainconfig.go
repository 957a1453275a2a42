package unet

import (
	"math"

	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"

	"github.com/molrg/molrg/pkg/diffusion"
)

// TrainConfig holds the hyperparameters of EDM training (EDM
// training_loop.py) and the bookkeeping of a run.
type TrainConfig struct {
	LR              float64 // Adam learning rate, > 0 (paper: 1e-3)
	Beta1, Beta2    float64 // Adam β₁, β₂ in [0, 1) (EDM: 0.9, 0.999)
	Eps             float64 // Adam ε, > 0 (EDM: 1e-8)
	LRRampupKimg    float64 // linear learning-rate warm-up over this many kimg, ≥ 0 (EDM: 10000)
	EMAHalfLifeKimg float64 // EMA half-life in kimg, ≥ 0 (EDM: 500)
	EMARampupRatio  float64 // EMA half-life ≤ ratio·(images seen), ≥ 0, 0 = off (EDM: 0.05)
	BatchSize       int     // images per step, ≥ 1
	TotalSteps      int     // optimizer steps of the whole run, ≥ 1
	PMean, PStd     float64 // ln σ ~ N(PMean, PStd²) (EDM: −1.2, 1.2), PStd > 0
	Seed            uint64  // seeds minibatches, σ, ε and dropout: each is a function of (Seed, step)

	StepsPerExec    int    // optimizer steps per graph execution (a While loop), 1..1000; the pure-Go backend runs 1
	LogEvery        int    // a Record of the history every LogEvery steps, ≥ 1
	CheckpointDir   string // where checkpoints go; "" = no checkpoints
	CheckpointEvery int    // steps between checkpoints, ≥ 0 (0: only at the end or on interrupt)
	KeepCheckpoints int    // keep the newest K checkpoints, ≥ 0 (0 = keep all, e.g. for Figure 7 snapshots)

	// Progress, when set, is told the steps done as training goes.
	Progress progress.Func `json:"-"`
}

// DefaultTrainConfig is a CPU-sized run: Adam(1e-3, 0.9, 0.999, 1e-8),
// batch 64, 2000 steps, 10 kimg of learning-rate warm-up, EDM's EMA
// (half-life 500 kimg, ramp-up ratio 0.05), EDM's σ distribution, a record
// every 100 steps, a checkpoint every 500 (when CheckpointDir is set), 10
// steps per execution (keep LogEvery and CheckpointEvery multiples of it:
// steps up to a record or checkpoint that a loop would cross run singly).
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{
		LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
		LRRampupKimg: 10, EMAHalfLifeKimg: 500, EMARampupRatio: 0.05,
		BatchSize: 64, TotalSteps: 2000, PMean: diffusion.EDMPMean, PStd: diffusion.EDMPStd, Seed: 1,
		StepsPerExec: 10, LogEvery: 100, CheckpointEvery: 500,
	}
}

// AuthorsTrainConfig is the paper's U-Net run with EDM's defaults: Adam
// lr 1e-3, batch 512, 6 Mimg (11 719 steps), lr warm-up 10 Mimg, EMA
// half-life 0.5 Mimg with ramp-up ratio 0.05.
func AuthorsTrainConfig() TrainConfig {
	c := DefaultTrainConfig()
	c.BatchSize = 512
	c.TotalSteps = (6_000_000 + 511) / 512
	c.LRRampupKimg = 10000
	c.LogEvery = 50
	c.CheckpointEvery = 1000
	// One step per execution: on XLA CPU the 10-step While loop trains this
	// 54 M-parameter network ≈ 10 % slower (XLA copies the loop state in and
	// out; bench/unet), while it makes DefaultConfig ≈ 1.25× faster.
	c.StepsPerExec = 1
	return c
}

// Validate checks every field and returns an error naming the first bad
// one and its allowed range.
func (c TrainConfig) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !(c.LR > 0) || !finite(c.LR):
		return param.Errorf("unet", "LR", c.LR, "finite > 0")
	case !(c.Beta1 >= 0 && c.Beta1 < 1):
		return param.Errorf("unet", "Beta1", c.Beta1, "in [0, 1)")
	case !(c.Beta2 >= 0 && c.Beta2 < 1):
		return param.Errorf("unet", "Beta2", c.Beta2, "in [0, 1)")
	case !(c.Eps > 0) || !finite(c.Eps):
		return param.Errorf("unet", "Eps", c.Eps, "finite > 0")
	case !(c.LRRampupKimg >= 0) || !finite(c.LRRampupKimg):
		return param.Errorf("unet", "LRRampupKimg", c.LRRampupKimg, "finite ≥ 0")
	case !(c.EMAHalfLifeKimg >= 0) || !finite(c.EMAHalfLifeKimg):
		return param.Errorf("unet", "EMAHalfLifeKimg", c.EMAHalfLifeKimg, "finite ≥ 0")
	case !(c.EMARampupRatio >= 0) || !finite(c.EMARampupRatio):
		return param.Errorf("unet", "EMARampupRatio", c.EMARampupRatio, "finite ≥ 0")
	case c.BatchSize < 1:
		return param.Errorf("unet", "BatchSize", c.BatchSize, "≥ 1")
	case c.TotalSteps < 1:
		return param.Errorf("unet", "TotalSteps", c.TotalSteps, "≥ 1")
	case !finite(c.PMean):
		return param.Errorf("unet", "PMean", c.PMean, "finite")
	case !(c.PStd > 0) || !finite(c.PStd):
		return param.Errorf("unet", "PStd", c.PStd, "finite > 0")
	case c.StepsPerExec < 1 || c.StepsPerExec > 1000:
		return param.Errorf("unet", "StepsPerExec", c.StepsPerExec, "1 ≤ StepsPerExec ≤ 1000")
	case c.LogEvery < 1:
		return param.Errorf("unet", "LogEvery", c.LogEvery, "≥ 1")
	case c.CheckpointEvery < 0:
		return param.Errorf("unet", "CheckpointEvery", c.CheckpointEvery, "≥ 0")
	case c.KeepCheckpoints < 0:
		return param.Errorf("unet", "KeepCheckpoints", c.KeepCheckpoints, "≥ 0")
	}
	return nil
}

// LearningRate is EDM's ramped learning rate after step+1 steps:
// lr·min(images/(LRRampupKimg·1000), 1), images = (step+1)·BatchSize.
// (EDM uses the images seen before the step, so its first step has lr = 0;
// counting the current batch makes LRRampupKimg = 0 mean "no warm-up".)
func (c TrainConfig) LearningRate(step int) float64 {
	nimg := float64(step+1) * float64(c.BatchSize)
	return c.LR * math.Min(nimg/math.Max(c.LRRampupKimg*1000, 1e-8), 1)
}

// EMABeta is EDM's EMA decay after step+1 steps: β = ½^(B/max(h, 1e-8)),
// h = EMAHalfLifeKimg·1000, capped at EMARampupRatio·images when the ratio
// is > 0; ema ← β·ema + (1−β)·θ.
func (c TrainConfig) EMABeta(step int) float64 {
	nimg := float64(step+1) * float64(c.BatchSize)
	h := c.EMAHalfLifeKimg * 1000
	if c.EMARampupRatio > 0 {
		h = math.Min(h, nimg*c.EMARampupRatio)
	}
	return math.Pow(0.5, float64(c.BatchSize)/math.Max(h, 1e-8))
}
