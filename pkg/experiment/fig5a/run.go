package fig5a

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/seed"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
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
	m, train, err := drawPoint(c, p)
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
	tr, err := experiment.TrainUNet(ctx, c.Backend, c.Net, tc, train, c.Log)
	if err != nil {
		return Row{}, err
	}
	s, err := generate(c, p, m, train, tr.Net())
	if err != nil {
		return Row{}, err
	}
	row, err := s.score()
	if err != nil {
		return Row{}, err
	}
	row.Steps = tr.Step()
	h := tr.History()
	if len(h) > 0 {
		row.Loss = h[len(h)-1].Loss
	}
	row.ImgPerSec = experiment.MeanThroughput(h)
	row.Seconds = time.Since(start).Seconds()
	return row, nil
}

// drawPoint returns the MoLRG of the point and its training set.
func drawPoint(c Config, p point) (*molrg.Model, *mat.Dense, error) {
	m, err := experiment.MoLRG(p.d, c.Seed)
	if err != nil {
		return nil, nil, err
	}
	train, err := m.SampleCounts([]int{p.nk, p.nk}, seed.Derive(c.Seed, "fig5a/train", p.d, p.nk))
	if err != nil {
		return nil, nil, err
	}
	return m, train.X, nil
}

// generate draws the point's M generated samples from net and its M fresh samples.
func generate(c Config, p point, m *molrg.Model, train *mat.Dense, net *unet.Net) (*Samples, error) {
	s, err := sampler.New(net.Backend(), net.DenoiseGraph, sampler.Options{Shape: experiment.ImageShape, DType: c.Net.DType, Store: net.Store()})
	if err != nil {
		return nil, err
	}
	gen, err := s.EDMSeed(c.M, experiment.Dim, seed.Derive(c.Seed, "fig5a/generate", p.d, p.nk), sampler.DefaultConfig(), false)
	if err != nil {
		return nil, err
	}
	fresh, err := m.Sample(c.M, seed.Derive(c.Seed, "fig5a/fresh", p.d, p.nk))
	if err != nil {
		return nil, err
	}
	return &Samples{D: p.d, Nk: p.nk, Model: m, Train: train, Generated: gen.X, Fresh: fresh.X}, nil
}

// Samples are the data behind one point (d, N_k) of Figure 5(a), as Run
// drew them: the MoLRG, its training set, the M samples the trained U-Net
// generates and the M fresh samples of the GL score.
type Samples struct {
	D, Nk     int
	Model     *molrg.Model
	Train     *mat.Dense // 2·N_k training samples, one per row, component 1 first
	Generated *mat.Dense // M samples of the U-Net (18-step Heun sampler)
	Fresh     *mat.Dense // M fresh samples of the MoLRG
}

// score computes the point's GL score (eq. 21) and its two distances.
func (s *Samples) score() (Row, error) {
	dg, err := metrics.MeanNearestDistance(s.Generated, s.Train)
	if err != nil {
		return Row{}, err
	}
	df, err := metrics.MeanNearestDistance(s.Fresh, s.Train)
	if err != nil {
		return Row{}, err
	}
	if !(df > 0) {
		return Row{}, errors.New("fresh samples coincide with the training set: GL (eq. 21) is undefined")
	}
	return Row{D: s.D, Nk: s.Nk, Ratio: float64(s.Nk) / float64(s.D), GL: dg / df, DistGen: dg, DistFresh: df}, nil
}

// PointSamples rebuilds the samples of the point (d, N_k) of the sweep c
// from its finished training in c.Dir (Run wrote it there): the same MoLRG,
// training set, sampler noise and fresh samples as Run, and the U-Net of the
// point's last checkpoint, so that the GL score computed from them is the
// one in the point's row. It trains nothing; a point that Run has not
// finished is an error.
func PointSamples(c Config, d, nk int) (*Samples, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Dir == "" {
		return nil, errors.New("fig5a: PointSamples needs the sweep's folder (Config.Dir)")
	}
	rows, meta, err := results.Read[Row](TablePath(c.Dir))
	if err != nil {
		return nil, err
	}
	if !sameJSON(meta.Settings, c) {
		return nil, fmt.Errorf("fig5a: %s was written with other settings than c", TablePath(c.Dir))
	}
	if !slices.ContainsFunc(rows, func(r Row) bool { return r.D == d && r.Nk == nk }) {
		return nil, fmt.Errorf("fig5a: %s has no row for d = %d, N_k = %d (run the sweep first)", TablePath(c.Dir), d, nk)
	}
	be, err := backend.OrDefault(c.Backend)
	if err != nil {
		return nil, err
	}
	c.Backend = be
	dir := CheckpointDir(c.Dir, d, nk)
	net, hist, _, err := unet.LoadNet(c.Backend, dir)
	if err != nil {
		return nil, fmt.Errorf("fig5a: point d = %d, N_k = %d: %w", d, nk, err)
	}
	if len(hist) == 0 || hist[len(hist)-1].Step < c.Train.TotalSteps {
		return nil, fmt.Errorf("fig5a: point d = %d, N_k = %d: the training in %s is not finished (run the sweep first)", d, nk, dir)
	}
	if !sameJSON(mustJSON(net.Config()), c.Net) {
		return nil, fmt.Errorf("fig5a: point d = %d, N_k = %d: the checkpoints in %s are of another network than c.Net", d, nk, dir)
	}
	p := point{d, nk}
	m, train, err := drawPoint(c, p)
	if err != nil {
		return nil, err
	}
	return generate(c, p, m, train, net)
}

// sameJSON reports whether recorded (JSON) and v encode the same values.
func sameJSON(recorded json.RawMessage, v any) bool {
	var a, b any
	if json.Unmarshal(recorded, &a) != nil || json.Unmarshal(mustJSON(v), &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// mustJSON is v in JSON (nil when it cannot be encoded).
func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
