package editing

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/seed"
	"github.com/molrg/molrg/pkg/unet"
)

// Denoiser is the run's denoiser: the MoLRG's true posterior mean, or its
// U-Net — loaded from the checkpoint folder when that holds a finished run,
// otherwise trained there (resuming a run interrupted before). Checkpoint
// is the newest checkpoint file used ("" for the true posterior mean).
func Denoiser(ctx context.Context, c Config) (spec experiment.DenoiserSpec, checkpoint string, err error) {
	if err := c.Validate(); err != nil {
		return spec, "", err
	}
	be, err := c.backend()
	if err != nil {
		return spec, "", err
	}
	d, err := loadData(&c)
	if err != nil {
		return spec, "", err
	}
	return c.denoiser(ctx, be, d, progress.NewCounter(c.Progress, 1, "networks", 0))
}

func (c *Config) backend() (compute.Backend, error) { return backend.OrDefault(c.Backend) }

func (c *Config) checkpointDir() string {
	if c.CheckpointDir != "" || c.Dir == "" {
		return c.CheckpointDir
	}
	return filepath.Join(c.Dir, "ckpt")
}

func (c *Config) denoiser(ctx context.Context, be compute.Backend, d *data, counter *progress.Counter) (experiment.DenoiserSpec, string, error) {
	if c.Data == MoLRG && c.Denoiser == DenoiserTruth {
		return experiment.TrueDenoiser(d.model), "", nil
	}
	dir := c.checkpointDir()
	if dir != "" {
		if files, _ := unet.Checkpoints(dir); len(files) > 0 {
			net, h, skipped, err := unet.LoadNet(be, dir)
			experiment.Notice(c.Log, skipped)
			if err == nil && len(h) > 0 && h[len(h)-1].Step >= h[len(h)-1].TotalSteps {
				nc := net.Config()
				if nc.ImageSize != c.side() || nc.Channels != c.channels() {
					return experiment.DenoiserSpec{}, "", fmt.Errorf("editing: the U-Net in %s is for %d×%d×%d images, the run's are %d×%d×%d",
						dir, nc.ImageSize, nc.ImageSize, nc.Channels, c.side(), c.side(), c.channels())
				}
				return experiment.UNetDenoiser("U-Net", net), files[0], nil
			}
		}
	}
	tc := c.Train
	tc.CheckpointDir = dir
	tc.Seed = seed.Derive(c.Seed, "edit/unet")
	tc.Progress = func(u progress.Update) {
		counter.Stage(fmt.Sprintf("training the U-Net: %.0f/%.0f steps %s", u.Done+float64(u.Skipped), u.Total+float64(u.Skipped), u.Stage))
	}
	tr, err := experiment.TrainUNet(ctx, be, c.Net, tc, d.train, c.Log)
	if err != nil {
		return experiment.DenoiserSpec{}, "", err
	}
	last := ""
	if dir != "" {
		if files, _ := unet.Checkpoints(dir); len(files) > 0 {
			last = files[0]
		}
	}
	return experiment.UNetDenoiser("U-Net", tr.Net()), last, nil
}
