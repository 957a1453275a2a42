package images

import (
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/unet"
)

func TestValidateNamesTheSetting(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		name string
	}{
		{func(c *Config) { c.Data = "imagenet" }, "Data"},
		{func(c *Config) { c.Size = 2 }, "Size"},
		{func(c *Config) { c.Channels = 2 }, "Channels"},
		{func(c *Config) { c.Ns = nil }, "Ns"},
		{func(c *Config) { c.Ns = []int{16, 4} }, "Ns"},
		{func(c *Config) { c.Ns = []int{MaxN + 1} }, "Ns"},
		{func(c *Config) { c.Held = 0 }, "Held"},
		{func(c *Config) { c.M = 0 }, "M"},
		{func(c *Config) { c.Batch = 201 }, "Batch"},
		{func(c *Config) { c.Grid = -1 }, "Grid"},
		{func(c *Config) { c.Copy.K = 1 }, "Copy.K"},
		{func(c *Config) { c.Copy.Threshold = 2 }, "Copy.Threshold"},
		{func(c *Config) { c.Copy.Method = "ssim" }, "Copy.Method"},
		{func(c *Config) { c.Noises = 0 }, "Noises"},
		{func(c *Config) { c.Frac = 1.5 }, "Frac"},
		{func(c *Config) { c.Rows = -1 }, "Rows"},
		{func(c *Config) { c.Net.ImageSize = 8 }, "Net"},
		{func(c *Config) { c.Net.ModelChannels = 6 }, "Net.ModelChannels"},
		{func(c *Config) { c.Train.TotalSteps = 0 }, "Train.TotalSteps"},
		{func(c *Config) { c.Train.LR = math.Inf(1) }, "Train.LR"},
	} {
		cfg := DefaultConfig("mnist")
		c.edit(&cfg)
		var pe *param.Error
		if err := cfg.Validate(); !errors.As(err, &pe) || pe.Name != c.name {
			t.Errorf("%s: Validate() = %v, want a *param.Error naming %s", c.name, err, c.name)
		}
	}
	for _, name := range []string{"mnist", "fashion-mnist", "emoji", "emoji-people", "emoji-animals"} {
		for _, c := range []Config{DefaultConfig(name), AuthorsConfig(name)} {
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	c := DefaultConfig("mnist")
	c.Rank, c.Noises = false, 0
	if err := c.Validate(); err != nil {
		t.Errorf("without Figure 3(a) Noises is not used: %v", err)
	}
}

// The default sweeps: N = 16 … 1024 within what each set holds next to its
// held-out images, gray for MNIST and Fashion-MNIST, RGB for emoji; the
// authors' range 64 … 32768 for the large sets.
func TestDefaultSizes(t *testing.T) {
	for _, c := range []struct {
		data       string
		lo, hi, ch int
		authorsHi  int
	}{
		{"mnist", 16, 1024, 1, 32768},
		{"fashion-mnist", 16, 1024, 1, 32768},
		{"emoji-people", 16, 1024, 3, 2048},
		{"emoji", 16, 1024, 3, 2048},
		{"emoji-animals", 16, 64, 3, 64},
	} {
		d, a := DefaultConfig(c.data), AuthorsConfig(c.data)
		if d.Ns[0] != c.lo || d.Ns[len(d.Ns)-1] != c.hi || d.Channels != c.ch || a.Ns[0] != 64 || a.Ns[len(a.Ns)-1] != c.authorsHi {
			t.Errorf("%s: N %v (authors %v), channels %d; want %d…%d (64…%d), %d", c.data, d.Ns, a.Ns, d.Channels, c.lo, c.hi, c.authorsHi, c.ch)
		}
		if d.Ns[len(d.Ns)-1]+d.Held > datasetSize(c.data) {
			t.Errorf("%s: N %d + held %d > %d images", c.data, d.Ns[len(d.Ns)-1], d.Held, datasetSize(c.data))
		}
	}
}

// A tiny end-to-end run on emoji-animals (8×8, a 4-channel U-Net, 10
// steps): two N, their calibration and samples, the 18 points of Figure
// 3(a); a second Run computes nothing and returns the same rows; a torn
// last row is recomputed alone, to the same value (the U-Net comes back
// from its checkpoint, the trajectory from its seed); another seed into the
// folder is refused.
func TestRunTinyResume(t *testing.T) {
	if _, err := datasets.Load("emoji-animals"); err != nil {
		t.Skip("emoji-animals is not installed (make setup):", err)
	}
	c := DefaultConfig("emoji-animals")
	c.Size, c.Ns, c.Held, c.M, c.Batch, c.Grid, c.Noises, c.Rows = 8, []int{8, 16}, 16, 10, 10, 3, 1, 0
	c.Net = unet.DefaultConfig(8, 3)
	c.Net.ModelChannels, c.Net.ChannelMult, c.Net.ChannelMultEmb, c.Net.Dropout = 4, []int{1}, 2, 0
	c.Train.BatchSize, c.Train.TotalSteps, c.Train.LogEvery, c.Train.CheckpointEvery, c.Train.StepsPerExec = 4, 10, 5, 5, 5
	c.Dir = t.TempDir()
	c.Backend = backend.Must()
	rows, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	gl := GLRows(rows)
	if len(gl) != 2 || gl[0].N != 8 || gl[1].N != 16 || len(rows) != 2+heunSteps {
		t.Fatalf("%d rows, 5b %+v", len(rows), gl)
	}
	for _, r := range gl {
		if r.GLTrain != 0 || !(r.GL >= 0 && r.GL <= 1) || !(r.GLHeld >= 0 && r.GLHeld <= 1) || r.Steps != 10 || !(r.DistHeld > 0) {
			t.Errorf("row %+v", r)
		}
		s, err := ReadSamples(c.Dir, r.N)
		if err != nil || len(s.Generated) != 3 || s.C != 3 {
			t.Errorf("samples of N = %d: %v", r.N, err)
		}
	}
	cv, n, ok := RankCurve(rows)
	if !ok || n != 16 || cv.SNR[0] > cv.SNR[len(cv.SNR)-1] {
		t.Fatalf("rank curve %+v (N = %d)", cv, n)
	}
	for i, v := range cv.Ratio {
		if !(v > 0 && v <= 1) {
			t.Errorf("rank ratio %d = %v", i, v)
		}
	}
	total := -1.0
	c.Progress = func(u progress.Update) { total = u.Total }
	again, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if total != 0 || len(again) != len(rows) {
		t.Errorf("the resumed run planned %v steps and returned %d rows", total, len(again))
	}
	path := TablePath(c.Dir)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-5], 0o644) // a torn last row (the last rank point)
	c.Progress = nil
	fixed, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	last := fixed[len(fixed)-1]
	if want := rows[len(rows)-1]; last.Index != want.Index || last.Rank != want.Rank {
		t.Errorf("recomputed point %d rank %v, want %d, %v", last.Index, last.Rank, want.Index, want.Rank)
	}
	read, err := Read(c.Dir)
	if err != nil || len(read) != len(rows) {
		t.Fatalf("Read: %d rows, %v", len(read), err)
	}
	c.Seed++
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Errorf("another seed into the same folder: %v", err)
	}
}
