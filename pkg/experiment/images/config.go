// Package images is the real-image half of the paper's Section 4 for one
// data set: Figure 5(b), the image GL score of U-Nets trained on N real
// images against N (memorization, GL ≈ 0, for small N; generalization,
// GL ≈ 1, for large N), and Figure 3(a), the numerical rank (eq. 46) of
// the generalizing U-Net's Jacobian along its own Heun trajectory against
// SNR. The paper reads the two together: a data set of lower intrinsic
// dimension (lower rank in Figure 3(a)) needs fewer images to generalize
// (Figure 5(b)), as Theorems 2 and 4 predict for a mixture of low-rank
// Gaussians and Figure 5(a) shows for the U-Net on MoLRG data.
//
// For every N (a power of two by default) Run trains the U-Net on the
// first N images of a fixed pool (the training sets are nested), draws M
// images with the 18-step Heun sampler and scores them with a copy test
// (metrics.CopyTest; by default the relative nearest-neighbour test, which
// does not drift with N) — and scores, as calibration, the N training
// images themselves (GL must be 0) and a fixed held-out set of real images
// (GL must be ≥ 0.95). Then, for the largest N, it computes the rank curve.
// Everything goes into one resumable results table (images.csv) in
// Config.Dir, with the U-Net checkpoints (ckpt/n<N>/) and, per N, a few
// generated images with their nearest training images (samples/n<N>.json)
// for the figure.
package images

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"slices"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/unet"
)

// Config describes a Figure 5(b) + 3(a) run on one data set. The fields
// without a JSON name are how it runs, not what it computes; the others are
// recorded with the results.
type Config struct {
	Data     string           `json:"data"`     // a registered data set (datasets.Names)
	Size     int              `json:"size"`     // images are resized to Size×Size
	Channels int              `json:"channels"` // 1 (gray) or 3 (RGB)
	Ns       []int            `json:"ns"`       // training-set sizes N
	Held     int              `json:"held"`     // held-out real images (calibration)
	M        int              `json:"m"`        // generated images per N
	Batch    int              `json:"sample_batch"`
	Copy     metrics.CopyTest `json:"copy"`
	Net      unet.Config      `json:"net"`
	Train    unet.TrainConfig `json:"train"` // CheckpointDir and Seed are set per N
	Grid     int              `json:"grid"`  // generated images kept per N, with their nearest training images, for the figure

	Rank   bool    `json:"rank"`   // Figure 3(a) for the largest N
	Noises int     `json:"noises"` // Heun trajectories of Figure 3(a)
	Frac   float64 `json:"frac"`   // ζ of eq. (46)
	Rows   int     `json:"-"`      // Jacobian rows per pass (memory; 0: all)

	Seed uint64 `json:"seed"`

	Dir      string          `json:"-"` // results folder: images.csv, ckpt/, samples/ ("": nothing written, nothing resumed)
	Backend  compute.Backend `json:"-"`
	Progress progress.Func   `json:"-"`
	Log      io.Writer       `json:"-"` // notices (a corrupt checkpoint skipped); nil: none
	Shard    results.Shard   `json:"-"`
}

// Sizes of the CPU defaults (the project's; docs/choices.md).
const (
	DefaultSize = 16 // 16×16: MNIST/Fashion-MNIST by area averaging, emoji by 4×4 block means
	DefaultMaxN = 1024
	MinN        = 16
)

// channelsOf is the natural number of channels of a registered data set.
func channelsOf(data string) int {
	switch data {
	case "mnist", "fashion-mnist":
		return 1
	}
	return 3
}

// defaultHeld is the held-out set of a data set: 1000 images, 300 for the
// emoji sets (2430 people) and 32 for emoji-animals (159).
func defaultHeld(data string) int {
	switch data {
	case "emoji", "emoji-people":
		return 300
	case "emoji-animals":
		return 32
	}
	return 1000
}

// datasetSize is the number of images of a registered set (0: unknown).
func datasetSize(data string) int {
	switch data {
	case "mnist", "fashion-mnist":
		return 70000
	case "emoji":
		return 3786
	case "emoji-people":
		return 2430
	case "emoji-animals":
		return 159
	case "cifar-10":
		return 60000
	}
	return 0
}

// powers returns lo, 2lo, 4lo, … ≤ hi.
func powers(lo, hi int) []int {
	var out []int
	for n := lo; n <= hi; n *= 2 {
		out = append(out, n)
	}
	return out
}

// maxPower is the largest power of two ≤ limit that leaves held images and
// a margin of 2 % of the set for duplicates and the held-out images'
// groups (at least MinN).
func maxPower(data string, held, limit int) int {
	total := datasetSize(data)
	avail := total - held - total/50
	n := 1
	for n*2 <= min(limit, avail) {
		n *= 2
	}
	return max(n, MinN)
}

// DefaultConfig is the CPU-sized run on data (one command, ≤ 30 min on a
// shared 2-core CPU): 16×16 images, N = 16, 32, …, 1024 (fewer for the
// small emoji sets), M = 200 generated images per N, the relative
// nearest-neighbour copy test, a 16-channel U-Net (0.18 M parameters,
// multipliers [1, 2], no dropout) trained 700 steps of batch 32 (22 kimg,
// Adam lr 2·10⁻³, 2 kimg warm-up) per N, and Figure 3(a) on 3 trajectories
// (1 for RGB sets: their Jacobians are 3 times larger).
func DefaultConfig(data string) Config {
	c := Config{
		Data: data, Size: DefaultSize, Channels: channelsOf(data), Held: defaultHeld(data),
		M: 200, Batch: 200, Copy: metrics.DefaultCopyTest(), Grid: 8,
		Rank: true, Noises: 3, Frac: metrics.RankFraction, Rows: 64, Seed: 1,
	}
	if c.Channels == 3 {
		c.Noises = 1 // a Jacobian costs n backward passes: 768 for 16×16×3
	}
	c.Ns = powers(MinN, maxPower(data, c.Held, DefaultMaxN))
	c.Net = unet.DefaultConfig(c.Size, c.Channels)
	c.Net.ModelChannels = 16
	c.Net.Dropout = 0
	c.Train = unet.DefaultTrainConfig()
	c.Train.BatchSize, c.Train.TotalSteps = 32, 700
	c.Train.LR, c.Train.LRRampupKimg = 2e-3, 2
	c.Train.LogEvery, c.Train.CheckpointEvery, c.Train.KeepCheckpoints = 50, 100, 2
	return c
}

// AuthorsConfig is the paper's size: 32×32 images, EDM's CIFAR-10 DDPM++
// network (unet.AuthorsConfig: 128 channels, [2, 2, 2], 4 blocks,
// attention at 16×16, dropout 0.13; 55.7 M parameters), batch 512 and
// 6 Mimg per N (unet.AuthorsTrainConfig), N = 2⁶ … 2¹⁵ (the authors'
// range; fewer for the small emoji sets), M = 10 000 generated images in
// batches of 500, Figure 3(a) on 15 trajectories. GPU-days.
func AuthorsConfig(data string) Config {
	c := DefaultConfig(data)
	c.Size = 32
	c.Ns = powers(64, maxPower(data, c.Held, 1<<15))
	c.M, c.Batch = 10000, 500
	c.Net = unet.AuthorsConfig(c.Size, c.Channels)
	c.Train = unet.AuthorsTrainConfig()
	c.Train.KeepCheckpoints = 2
	c.Noises, c.Rows = 15, 64
	return c
}

// Limits (the project's): what fits in memory many times over.
const (
	MaxN    = 1 << 20
	MaxHeld = 100_000
	MaxM    = 1_000_000
	MaxSize = 256
)

// Validate checks the run and returns an error naming the first bad
// setting (a *param.Error) and its allowed range. Whether the data set
// holds max(Ns) + Held distinct images is checked when Run loads it.
func (c *Config) Validate() error {
	if !slices.Contains(datasets.Names(), c.Data) {
		return param.Errorf("images", "Data", c.Data, "one of %q", datasets.Names())
	}
	if c.Size < 4 || c.Size > MaxSize {
		return param.Errorf("images", "Size", c.Size, "4 ≤ size ≤ %d pixels", MaxSize)
	}
	if c.Channels != 1 && c.Channels != 3 {
		return param.Errorf("images", "Channels", c.Channels, "1 (gray) or 3 (RGB)")
	}
	if len(c.Ns) == 0 {
		return param.Errorf("images", "Ns", "[]", "at least one training-set size N")
	}
	for _, n := range c.Ns {
		if n < c.Copy.MinTrain() || n > MaxN {
			return param.Errorf("images", "Ns", n, "%d ≤ N ≤ %d (the copy test compares with %d training images)", max(c.Copy.MinTrain(), 1), MaxN, c.Copy.MinTrain())
		}
	}
	if c.Held < 1 || c.Held > MaxHeld {
		return param.Errorf("images", "Held", c.Held, "1 ≤ held-out images ≤ %d", MaxHeld)
	}
	if c.M < 1 || c.M > MaxM {
		return param.Errorf("images", "M", c.M, "1 ≤ M ≤ %d generated images", MaxM)
	}
	if c.Batch < 1 || c.Batch > c.M {
		return param.Errorf("images", "Batch", c.Batch, "1 ≤ sampling batch ≤ M = %d", c.M)
	}
	if c.Grid < 0 || c.Grid > c.Batch {
		return param.Errorf("images", "Grid", c.Grid, "0 ≤ grid ≤ sampling batch = %d", c.Batch)
	}
	if err := c.Copy.Validate(); err != nil {
		return param.Within("Copy", err)
	}
	if c.Rank {
		if c.Noises < 1 || c.Noises > c.Batch {
			return param.Errorf("images", "Noises", c.Noises, "1 ≤ noises ≤ sampling batch = %d (the trajectories are those of the first generated images)", c.Batch)
		}
		if !(c.Frac > 0 && c.Frac <= 1) {
			return param.Errorf("images", "Frac", c.Frac, "0 < ζ ≤ 1")
		}
		if c.Rows < 0 {
			return param.Errorf("images", "Rows", c.Rows, "≥ 0 Jacobian rows per pass (0: all)")
		}
	}
	if f := 1 << max(len(c.Net.ChannelMult)-1, 0); c.Size%f != 0 {
		return param.Errorf("images", "Size", c.Size, "a multiple of %d (the U-Net halves the image %d times)", f, len(c.Net.ChannelMult)-1)
	}
	if c.Net.ImageSize != c.Size || c.Net.Channels != c.Channels {
		return param.Errorf("images", "Net", c.Net.ImageSize, "a U-Net for %d×%d×%d images (the run's size and channels)", c.Size, c.Size, c.Channels)
	}
	if err := c.Net.Validate(); err != nil {
		return param.Within("Net", err)
	}
	if err := c.Train.Validate(); err != nil {
		return param.Within("Train", err)
	}
	return c.Shard.Validate()
}

// sizes returns the sorted distinct N of the run.
func (c *Config) sizes() []int {
	ns := slices.Clone(c.Ns)
	slices.Sort(ns)
	return slices.Compact(ns)
}

// dim is the number of values of an image.
func (c *Config) dim() int { return c.Size * c.Size * c.Channels }

// nan is the value of the columns a row does not use.
var nan = math.NaN()

// Hash names the run's settings: the first 12 hex digits of the SHA-256 of
// the recorded settings (the JSON of the fields with a JSON name), so that a
// folder named after it holds the results of these settings only (a
// notebook caches its run there: changing a setting retrains, rerunning
// does not).
func (c Config) Hash() string {
	b, err := json.Marshal(c)
	if err != nil {
		return "invalid"
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:6])
}
