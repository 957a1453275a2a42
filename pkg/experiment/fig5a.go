package experiment

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/plot"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
)

// MoLRG images: n = 48 = 4×4×3, as in the paper's U-Net experiments.
const (
	ImageSize = 4
	Channels  = 3
	Dim       = ImageSize * ImageSize * Channels
	// NumComponents is K of the U-Net experiments.
	NumComponents = 2
)

// ImageShape is the per-sample shape [S, S, C] the U-Net sees.
var ImageShape = []int{ImageSize, ImageSize, Channels}

// Fig5aConfig describes a Figure 5(a) sweep.
type Fig5aConfig struct {
	Dims   []int     // subspace dimensions d (both components), K·d ≤ 48
	Ratios []float64 // N_k/d values; N_k = max(1, round(ratio·d))
	Net    unet.Config
	Train  unet.TrainConfig // CheckpointDir is set per run under Dir; TotalSteps is the run length
	M      int              // generated (and fresh) samples for the GL score
	Seed   uint64
	Dir    string // results directory: fig5a.csv and ckpt/d<d>_nk<N_k>/ (empty: no files, no resume)

	Backend compute.Backend
	Log     io.Writer // progress lines (nil: none)
}

// DefaultFig5a is the CPU-sized sweep: d ∈ {2, 4, 6}, N_k/d from 1 to 32, the
// small default U-Net trained 2000 steps of batch 64 per point, M = 500.
func DefaultFig5a() Fig5aConfig {
	return Fig5aConfig{
		Dims:   []int{2, 4, 6},
		Ratios: []float64{1, 2, 4, 8, 16, 32},
		Net:    unet.DefaultConfig(ImageSize, Channels),
		Train:  unet.DefaultTrainConfig(),
		M:      500,
		Seed:   1,
		Dir:    "results/unet_molrg",
	}
}

// AuthorsFig5a is the paper's setting: the 54 M-parameter DDPM++ U-Net trained
// with Adam lr 1e-3, batch 512, EMA, for 6 Mimg per point.
func AuthorsFig5a() Fig5aConfig {
	c := DefaultFig5a()
	c.Dims = []int{4, 6, 8, 10}
	c.Ratios = []float64{1, 2, 4, 8, 16, 32, 64}
	c.Net = unet.AuthorsConfig(ImageSize, Channels)
	c.Train = unet.AuthorsTrainConfig()
	c.M = 10000
	c.Dir = "results/unet_molrg_authors"
	return c
}

// Validate checks the sweep's parameters.
func (c *Fig5aConfig) Validate() error {
	if len(c.Dims) == 0 {
		return errors.New("experiment: Dims is empty, want at least one d")
	}
	for _, d := range c.Dims {
		if d < 1 || NumComponents*d > Dim {
			return fmt.Errorf("experiment: d = %d, want 1 ≤ d ≤ %d (K·d ≤ n = %d for orthogonal subspaces)", d, Dim/NumComponents, Dim)
		}
	}
	if len(c.Ratios) == 0 {
		return errors.New("experiment: Ratios is empty, want at least one N_k/d")
	}
	for _, r := range c.Ratios {
		if !(r > 0) || math.IsInf(r, 0) {
			return fmt.Errorf("experiment: N_k/d = %v, want > 0", r)
		}
	}
	if c.M < 1 {
		return fmt.Errorf("experiment: M = %d, want ≥ 1 generated samples", c.M)
	}
	if c.Net.ImageSize != ImageSize || c.Net.Channels != Channels {
		return fmt.Errorf("experiment: U-Net for %d×%d×%d images, want %d×%d×%d", c.Net.ImageSize, c.Net.ImageSize, c.Net.Channels, ImageSize, ImageSize, Channels)
	}
	if err := c.Net.Validate(); err != nil {
		return err
	}
	return c.Train.Validate()
}

// Fig5aRow is one point of Figure 5(a).
type Fig5aRow struct {
	D, Nk     int
	Ratio     float64 // N_k/d
	GL        float64 // eq. (21)
	DistGen   float64 // mean_j min_i ‖x̂_j − x⁽ⁱ⁾‖
	DistFresh float64 // mean_j min_i ‖x̃_j − x⁽ⁱ⁾‖
	Steps     int
	Loss      float64 // last recorded training loss
	ImgPerSec float64 // mean training throughput
	Seconds   float64 // wall time of the point (train + sample + score)
}

var fig5aHeader = []string{"d", "Nk", "ratio", "gl", "dist_gen", "dist_fresh", "steps", "loss", "img_per_s", "seconds"}

// Nk returns N_k = max(1, round(ratio·d)).
func Nk(ratio float64, d int) int { return max(1, int(math.Round(ratio*float64(d)))) }

// CSVPath is the sweep's table, Dir/fig5a.csv.
func (c *Fig5aConfig) CSVPath() string { return filepath.Join(c.Dir, "fig5a.csv") }

// CheckpointDir is the checkpoint directory of the run (d, N_k).
func (c *Fig5aConfig) CheckpointDir(d, nk int) string {
	return filepath.Join(c.Dir, "ckpt", fmt.Sprintf("d%d_nk%d", d, nk))
}

func (c *Fig5aConfig) logf(format string, a ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format, a...)
	}
}

// MoLRGFor returns the MoLRG of dimension d used by every run with that d:
// K = 2 orthogonal d-dimensional subspaces of ℝ⁴⁸, equal weights.
func MoLRGFor(d int, seed uint64) (*molrg.Model, error) {
	return molrg.New(molrg.Params{N: Dim, Dims: []int{d, d}, Orthogonal: true}, seed*1000003+uint64(d))
}

// RunFig5a runs every (d, N_k) of the sweep not yet in Dir/fig5a.csv, appending
// a row after each, and returns all rows (old and new) sorted by (d, N_k).
// Cancelling ctx stops training with a checkpoint; a later call resumes.
func RunFig5a(ctx context.Context, c Fig5aConfig) ([]Fig5aRow, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Backend == nil {
		return nil, errors.New("experiment: Backend is nil")
	}
	var rows []Fig5aRow
	done := map[[2]int]bool{}
	if c.Dir != "" {
		if err := os.MkdirAll(c.Dir, 0o755); err != nil {
			return nil, err
		}
		old, err := ReadFig5aCSV(c.CSVPath())
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		for _, r := range old {
			done[[2]int{r.D, r.Nk}] = true
		}
		rows = old
	}
	for _, d := range c.Dims {
		for _, ratio := range c.Ratios {
			nk := Nk(ratio, d)
			if done[[2]int{d, nk}] {
				c.logf("d=%d N_k=%d: done already\n", d, nk)
				continue
			}
			done[[2]int{d, nk}] = true
			row, err := RunFig5aPoint(ctx, c, d, nk)
			if err != nil {
				return rows, fmt.Errorf("d=%d N_k=%d: %w", d, nk, err)
			}
			c.logf("d=%d N_k=%d N_k/d=%.3g: GL = %.3f (gen %.3f, fresh %.3f), %.0f s\n", d, nk, row.Ratio, row.GL, row.DistGen, row.DistFresh, row.Seconds)
			rows = append(rows, row)
			if c.Dir != "" {
				if err := appendFig5aCSV(c.CSVPath(), row); err != nil {
					return rows, err
				}
			}
		}
	}
	sortRows(rows)
	return rows, nil
}

func sortRows(rows []Fig5aRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].D != rows[j].D {
			return rows[i].D < rows[j].D
		}
		return rows[i].Nk < rows[j].Nk
	})
}

// TrainOnMoLRG trains (or resumes, when tc.CheckpointDir holds checkpoints) a
// U-Net on the training set x (N×48, one sample per row). log, when not
// nil, gets a line "skipped corrupt checkpoint <file>: <reason>" for every
// checkpoint the resume passed over.
func TrainOnMoLRG(ctx context.Context, be compute.Backend, netCfg unet.Config, tc unet.TrainConfig, x *mat.Dense, log io.Writer) (*unet.Trainer, error) {
	net, err := unet.New(be, netCfg)
	if err != nil {
		return nil, err
	}
	r, cols := x.Dims()
	if cols != Dim {
		return nil, fmt.Errorf("experiment: training data has %d columns, want n = %d", cols, Dim)
	}
	data := make([][]float32, r)
	for i := range data {
		data[i] = make([]float32, cols)
		for j := range data[i] {
			data[i][j] = float32(x.At(i, j))
		}
	}
	tr, err := unet.NewTrainerFromSlices(net, data, tc)
	if err != nil {
		return nil, err
	}
	if tc.CheckpointDir != "" {
		_, skipped, err := tr.Resume()
		for _, sk := range skipped {
			if log != nil {
				fmt.Fprintln(log, sk)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if err := tr.Train(ctx); err != nil {
		return tr, err
	}
	return tr, nil
}

// UNetSampler returns the 18-step Heun sampler's integrator for a U-Net on
// 4×4×3 images (EMA weights, float32).
func UNetSampler(net *unet.Net) (*sampler.Sampler, error) {
	return sampler.New(net.Backend(), net.DenoiseGraph, sampler.Options{Shape: ImageShape, DType: dtypes.Float32, Store: net.Store()})
}

// RunFig5aPoint trains, samples and scores one (d, N_k) point.
func RunFig5aPoint(ctx context.Context, c Fig5aConfig, d, nk int) (Fig5aRow, error) {
	start := time.Now()
	m, err := MoLRGFor(d, c.Seed)
	if err != nil {
		return Fig5aRow{}, err
	}
	runSeed := c.Seed*7919 + uint64(d)*104729 + uint64(nk)
	train, err := m.SampleCounts([]int{nk, nk}, runSeed)
	if err != nil {
		return Fig5aRow{}, err
	}
	tc := c.Train
	tc.Seed = runSeed
	tc.CheckpointDir = ""
	if c.Dir != "" {
		tc.CheckpointDir = c.CheckpointDir(d, nk)
	}
	if c.Log != nil && tc.Progress == nil {
		prefix := fmt.Sprintf("d=%d N_k=%d ", d, nk)
		tc.Progress = func(p unet.Progress) { fmt.Fprintf(c.Log, "%s%v\n", prefix, p) }
	}
	tr, err := TrainOnMoLRG(ctx, c.Backend, c.Net, tc, train.X, c.Log)
	if err != nil {
		return Fig5aRow{}, err
	}
	s, err := UNetSampler(tr.Net())
	if err != nil {
		return Fig5aRow{}, err
	}
	gen, err := s.EDMSeed(c.M, Dim, runSeed+1, sampler.DefaultConfig(), false)
	if err != nil {
		return Fig5aRow{}, err
	}
	fresh, err := m.Sample(c.M, runSeed+2)
	if err != nil {
		return Fig5aRow{}, err
	}
	dg, err := metrics.MeanNearestDistance(gen.X, train.X)
	if err != nil {
		return Fig5aRow{}, err
	}
	df, err := metrics.MeanNearestDistance(fresh.X, train.X)
	if err != nil {
		return Fig5aRow{}, err
	}
	row := Fig5aRow{D: d, Nk: nk, Ratio: float64(nk) / float64(d), GL: dg / df, DistGen: dg, DistFresh: df, Steps: tr.Step()}
	h := tr.History()
	if len(h) > 0 {
		row.Loss = h[len(h)-1].Loss
		var sum float64
		for _, p := range h {
			sum += p.ImgPerSec
		}
		row.ImgPerSec = sum / float64(len(h))
	}
	row.Seconds = time.Since(start).Seconds()
	return row, nil
}

// ReadFig5aCSV reads a table written by RunFig5a.
func ReadFig5aCSV(path string) ([]Fig5aRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows []Fig5aRow
	for i, rec := range recs {
		if i == 0 && len(rec) > 0 && rec[0] == "d" {
			continue
		}
		if len(rec) != len(fig5aHeader) {
			return nil, fmt.Errorf("%s line %d: %d fields, want %d", path, i+1, len(rec), len(fig5aHeader))
		}
		var r Fig5aRow
		ints := []*int{&r.D, &r.Nk}
		for k, p := range ints {
			if *p, err = strconv.Atoi(rec[k]); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
			}
		}
		fl := []*float64{&r.Ratio, &r.GL, &r.DistGen, &r.DistFresh}
		for k, p := range fl {
			if *p, err = strconv.ParseFloat(rec[2+k], 64); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
			}
		}
		if r.Steps, err = strconv.Atoi(rec[6]); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
		}
		fl = []*float64{&r.Loss, &r.ImgPerSec, &r.Seconds}
		for k, p := range fl {
			if *p, err = strconv.ParseFloat(rec[7+k], 64); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func appendFig5aCSV(path string, r Fig5aRow) error {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if errors.Is(statErr, os.ErrNotExist) {
		w.Write(fig5aHeader)
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	w.Write([]string{strconv.Itoa(r.D), strconv.Itoa(r.Nk), g(r.Ratio), g(r.GL), g(r.DistGen), g(r.DistFresh),
		strconv.Itoa(r.Steps), g(r.Loss), g(r.ImgPerSec), g(r.Seconds)})
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Crossing returns the first x where the piecewise-linear curve through
// (x[i], y[i]) (x increasing) reaches level, interpolating linearly between the
// two points around the crossing (in x, or in log x when logX). ok is false
// when the curve never reaches level.
func Crossing(x, y []float64, level float64, logX bool) (float64, bool) {
	for i := range x {
		if y[i] == level {
			return x[i], true
		}
		if i == 0 {
			continue
		}
		if (y[i-1] < level) != (y[i] < level) {
			t := (level - y[i-1]) / (y[i] - y[i-1])
			if logX {
				return math.Exp(math.Log(x[i-1]) + t*(math.Log(x[i])-math.Log(x[i-1]))), true
			}
			return x[i-1] + t*(x[i]-x[i-1]), true
		}
	}
	return 0, false
}

// GLCrossings returns, per d, the N_k/d where the GL score crosses level
// (0.5 in the report), by linear interpolation in N_k/d; a d whose curve never
// crosses is left out.
func GLCrossings(rows []Fig5aRow, level float64) map[int]float64 {
	out := map[int]float64{}
	for d, pts := range byDim(rows) {
		x, y := make([]float64, len(pts)), make([]float64, len(pts))
		for i, r := range pts {
			x[i], y[i] = r.Ratio, r.GL
		}
		if v, ok := Crossing(x, y, level, false); ok {
			out[d] = v
		}
	}
	return out
}

func byDim(rows []Fig5aRow) map[int][]Fig5aRow {
	m := map[int][]Fig5aRow{}
	for _, r := range rows {
		m[r.D] = append(m[r.D], r)
	}
	for _, pts := range m {
		sort.Slice(pts, func(i, j int) bool { return pts[i].Ratio < pts[j].Ratio })
	}
	return m
}

// Fig5aFigure draws GL against N_k/d (log axis), one curve per d.
func Fig5aFigure(rows []Fig5aRow) (*plot.Figure, error) {
	m := byDim(rows)
	dims := make([]int, 0, len(m))
	for d := range m {
		dims = append(dims, d)
	}
	sort.Ints(dims)
	var series []plot.Series
	for _, d := range dims {
		s := plot.Series{Name: fmt.Sprintf("d = %d", d), Points: true}
		for _, r := range m[d] {
			s.X = append(s.X, r.Ratio)
			s.Y = append(s.Y, r.GL)
		}
		series = append(series, s)
	}
	p, err := plot.Lines(plot.Axes{Title: "Fig. 5a: U-Net on MoLRG",
		X: "N_k / d", Y: "GL score (eq. 21)", LogX: true, LegendLeft: true}, series...)
	if err != nil {
		return nil, err
	}
	plot.UsePowerTicks(p)
	return plot.Single(p), nil
}
