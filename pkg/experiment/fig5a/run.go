package fig5a

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/seed"
)

// Row is one point of Figure 5(a).
type Row struct {
	D         int     `csv:"d"`
	Nk        int     `csv:"Nk"`
	Ratio     float64 `csv:"ratio"`      // N_k/d
	GL        float64 `csv:"gl"`         // eq. (21)
	DistGen   float64 `csv:"dist_gen"`   // mean_j min_i ‖x̂_j − x⁽ⁱ⁾‖
	DistFresh float64 `csv:"dist_fresh"` // mean_j min_i ‖x̃_j − x⁽ⁱ⁾‖
	Steps     int     `csv:"steps"`
	Loss      float64 `csv:"loss"`      // last recorded training loss
	ImgPerSec float64 `csv:"img_per_s"` // mean training throughput
	Seconds   float64 `csv:"seconds"`   // wall time of the point (train + sample + score)
}

// TablePath is the sweep's results table in dir.
func TablePath(dir string) string { return filepath.Join(dir, "fig5a.csv") }

// CheckpointDir is the checkpoint folder of the point (d, N_k) in dir.
func CheckpointDir(dir string, d, nk int) string {
	return filepath.Join(dir, "ckpt", fmt.Sprintf("d%d_nk%d", d, nk))
}

// Read reads the table a sweep wrote in dir.
func Read(dir string) ([]Row, error) {
	rows, _, err := results.Read[Row](TablePath(dir))
	return rows, err
}

// Run runs every point (d, N_k) of the sweep (of c.Shard's part of it) not
// yet in the results table in c.Dir, appending a row after each, and
// returns the rows of the sweep (old and new) by (d, N_k). Cancelling ctx
// stops training with a checkpoint; a later Run resumes it. With c.Dir = ""
// nothing is written and nothing resumed.
func Run(ctx context.Context, c Config) ([]Row, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.OrDefault(c.Backend)
	if err != nil {
		return nil, err
	}
	c.Backend = be
	var table *results.Table[Row]
	done := map[point]Row{}
	if c.Dir != "" {
		t, old, err := results.Open[Row](TablePath(c.Dir), results.Options{Settings: c, Backend: backend.Label(c.Backend), Shard: c.Shard})
		if err != nil {
			return nil, err
		}
		defer t.Close()
		table = t
		for _, r := range old {
			done[point{r.D, r.Nk}] = r
		}
	}
	var todo []point
	skipped := 0
	for i, p := range c.points() {
		if !c.Shard.Has(i) {
			continue
		}
		if _, ok := done[p]; ok {
			skipped++
			continue
		}
		todo = append(todo, p)
	}
	counter := progress.NewCounter(c.Progress, float64(len(todo)*c.Train.TotalSteps), "steps", skipped*c.Train.TotalSteps)
	for _, p := range todo {
		row, err := runPoint(ctx, c, p, counter.Part(fmt.Sprintf("d=%d N_k=%d", p.d, p.nk)))
		if err != nil {
			counter.Finish(false)
			return nil, fmt.Errorf("fig5a: d = %d, N_k = %d: %w", p.d, p.nk, err)
		}
		if table != nil {
			if err := table.Append(row); err != nil {
				counter.Finish(false)
				return nil, err
			}
		}
		done[p] = row
	}
	counter.Finish(true)
	var rows []Row
	for i, p := range c.points() {
		if r, ok := done[p]; ok && c.Shard.Has(i) {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].D < rows[j].D || rows[i].D == rows[j].D && rows[i].Nk < rows[j].Nk
	})
	return rows, nil
}

// runPoint trains, samples and scores one (d, N_k) point.
func runPoint(ctx context.Context, c Config, p point, report progress.Func) (Row, error) {
	start := time.Now()
	m, err := experiment.MoLRG(p.d, c.Seed)
	if err != nil {
		return Row{}, err
	}
	train, err := m.SampleCounts([]int{p.nk, p.nk}, seed.Derive(c.Seed, "fig5a/train", p.d, p.nk))
	if err != nil {
		return Row{}, err
	}
	tc := c.Train
	tc.Seed = seed.Derive(c.Seed, "fig5a/sgd", p.d, p.nk)
	tc.CheckpointDir = ""
	if c.Dir != "" {
		tc.CheckpointDir = CheckpointDir(c.Dir, p.d, p.nk)
	}
	tc.Progress = report
	tr, err := experiment.TrainUNet(ctx, c.Backend, c.Net, tc, train.X, c.Log)
	if err != nil {
		return Row{}, err
	}
	net := tr.Net()
	s, err := sampler.New(net.Backend(), net.DenoiseGraph, sampler.Options{Shape: experiment.ImageShape, DType: c.Net.DType, Store: net.Store()})
	if err != nil {
		return Row{}, err
	}
	gen, err := s.EDMSeed(c.M, experiment.Dim, seed.Derive(c.Seed, "fig5a/generate", p.d, p.nk), sampler.DefaultConfig(), false)
	if err != nil {
		return Row{}, err
	}
	fresh, err := m.Sample(c.M, seed.Derive(c.Seed, "fig5a/fresh", p.d, p.nk))
	if err != nil {
		return Row{}, err
	}
	dg, err := metrics.MeanNearestDistance(gen.X, train.X)
	if err != nil {
		return Row{}, err
	}
	df, err := metrics.MeanNearestDistance(fresh.X, train.X)
	if err != nil {
		return Row{}, err
	}
	if !(df > 0) {
		return Row{}, errors.New("fresh samples coincide with the training set: GL (eq. 21) is undefined")
	}
	row := Row{D: p.d, Nk: p.nk, Ratio: float64(p.nk) / float64(p.d), GL: dg / df, DistGen: dg, DistFresh: df, Steps: tr.Step()}
	h := tr.History()
	if len(h) > 0 {
		row.Loss = h[len(h)-1].Loss
	}
	row.ImgPerSec = experiment.MeanThroughput(h)
	row.Seconds = time.Since(start).Seconds()
	return row, nil
}
