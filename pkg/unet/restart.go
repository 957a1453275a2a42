package unet

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
)

// Restart turns t into a fresh run of its network on new data with the
// training configuration cfg, as if the network had just been made by New
// (same Config, so the same initial weights) and given to
// NewTrainerFromSlices: the weights and their EMA are set to their initial
// values, Adam's moments to zero, the step count, history and statistics to
// zero. What was compiled for t and its network is kept — the training
// graphs (recompiled only if cfg changes Adam's β₁, β₂ or ε, which they
// hold as constants) and any sampler or Jacobian graph run over the
// network's store, which read the variables' values at every call — so a
// sweep that trains one network per training set compiles once. Call
// Resume afterwards to continue a run from cfg.CheckpointDir.
func (t *Trainer) Restart(data [][]float32, cfg TrainConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	dim := t.net.cfg.ImageSize * t.net.cfg.ImageSize * t.net.cfg.Channels
	if len(data) < 1 {
		return fmt.Errorf("unet: training data has N = 0 images, want ≥ 1")
	}
	flat := make([]float64, 0, len(data)*dim)
	for i, row := range data {
		if len(row) != dim {
			return fmt.Errorf("unet: training image %d has %d values, want S·S·C = %d", i, len(row), dim)
		}
		for j, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("unet: training image %d value %d is %g, want finite", i, j, v)
			}
			flat = append(flat, float64(v))
		}
	}
	fresh, err := New(t.net.backend, t.net.cfg)
	if err != nil {
		return err
	}
	init := map[string]*tensors.Tensor{}
	for _, v := range fresh.vars("/net") {
		val, err := v.Value()
		if err != nil {
			return err
		}
		ema, err := val.Clone()
		if err != nil {
			return err
		}
		init[v.Path()] = val
		init["/ema"+strings.TrimPrefix(v.Path(), "/net")] = ema
	}
	for _, v := range t.net.vars("/adam") {
		init[v.Path()] = tensors.FromShape(v.Shape())
	}
	if err := t.net.setVars(init, "/net", "/ema", "/adam"); err != nil {
		return err
	}
	if cfg.Beta1 != t.cfg.Beta1 || cfg.Beta2 != t.cfg.Beta2 || cfg.Eps != t.cfg.Eps {
		t.exec, t.loopExec = nil, nil
	}
	t.cfg, t.data, t.n, t.dim = cfg, flat, len(data), dim
	t.dataSum = fingerprint(flat)
	t.step, t.history, t.acc = 0, nil, accum{}
	t.permEpoch, t.perm = -1, nil
	return nil
}
