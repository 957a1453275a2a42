package images

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/seed"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
)

// Row is one point of Figure 5(b) (Figure "5b": a training-set size N) or
// of Figure 3(a) (Figure "3a": step i of the Heun trajectory of the U-Net
// trained on the largest N). The columns a row does not use are NaN.
type Row struct {
	Figure string `csv:"figure"`
	Data   string `csv:"data"`
	N      int    `csv:"n"`

	GL           float64 `csv:"gl"`             // generated images: fraction that are not copies (Config.Copy)
	GLTrain      float64 `csv:"gl_train"`       // calibration: the N training images themselves (want 0)
	GLHeld       float64 `csv:"gl_held"`        // calibration: the held-out real images (want ≥ 0.95)
	GLPixCos     float64 `csv:"gl_pixcos"`      // the paper's cosine test (χ = 0.6) on raw pixels, generated images
	GLPixCosHeld float64 `csv:"gl_pixcos_held"` // … held-out real images (it drifts: see docs)
	ScoreMedian  float64 `csv:"score_median"`   // median copy statistic of the generated images (ρ_k, or the cosine)
	DistGen      float64 `csv:"dist_gen"`       // mean_j min_i ‖x̂_j − x⁽ⁱ⁾‖
	DistHeld     float64 `csv:"dist_held"`      // mean_j min_i ‖x̃_j − x⁽ⁱ⁾‖ over held-out images x̃_j
	Steps        int     `csv:"steps"`
	Loss         float64 `csv:"loss"`      // last recorded training loss
	ImgPerSec    float64 `csv:"img_per_s"` // mean training throughput
	Seconds      float64 `csv:"seconds"`   // wall time of the unit (5b: train + sample + score; 3a: the whole curve)

	Index int     `csv:"i"`          // 3a: step i of the trajectory
	SNR   float64 `csv:"snr"`        // 3a: 1/σ_i
	Sigma float64 `csv:"sigma"`      // 3a: σ_i
	Rank  float64 `csv:"rank"`       // 3a: numerical rank (eq. 46), mean over the trajectories
	Ratio float64 `csv:"rank_ratio"` // 3a: rank / n
}

// Figure names of the rows.
const (
	Fig5b = "5b"
	Fig3a = "3a"
)

// TablePath is the run's results table in dir.
func TablePath(dir string) string { return filepath.Join(dir, "images.csv") }

// CheckpointDir is the checkpoint folder of the U-Net trained on N images.
func CheckpointDir(dir string, n int) string {
	return filepath.Join(dir, "ckpt", fmt.Sprintf("n%d", n))
}

// Read reads the table a run wrote in dir.
func Read(dir string) ([]Row, error) {
	rows, _, err := results.Read[Row](TablePath(dir))
	return rows, err
}

// heunSteps is the number of nonzero levels of the 18-step Heun sampler:
// the points of a Figure 3(a) curve.
var heunSteps = sampler.DefaultConfig().Steps

// Run runs every N of the sweep (of c.Shard's part of it) not yet in the
// results table in c.Dir, appending a row after each, then the Figure 3(a)
// curve of the largest N (in the shard that holds that N), and returns all
// the rows of the table (5b by N, then 3a by step). Cancelling ctx stops
// training with a checkpoint; a later Run resumes. One network and its
// compiled graphs serve every N (unet.Trainer.Restart).
func Run(ctx context.Context, c Config) ([]Row, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Backend == nil {
		be, err := backend.Default()
		if err != nil {
			return nil, err
		}
		c.Backend = be
	}
	r := &runner{c: c, done: map[int]Row{}, rank: map[int]Row{}}
	if c.Dir != "" {
		t, old, err := results.Open[Row](TablePath(c.Dir), results.Options{Settings: c, Backend: backend.Label(c.Backend), Shard: c.Shard})
		if err != nil {
			return nil, err
		}
		defer t.Close()
		r.table = t
		for _, row := range old {
			r.keep(row)
		}
	}
	ns := c.sizes()
	var todo []int
	skipped := 0
	for i, n := range ns {
		if !c.Shard.Has(i) {
			continue
		}
		if _, ok := r.done[n]; ok {
			skipped++
			continue
		}
		todo = append(todo, n)
	}
	nmax := ns[len(ns)-1]
	rankTodo := c.Rank && c.Shard.Has(len(ns)-1) && len(r.rank) < heunSteps
	r.counter = progress.NewCounter(c.Progress, float64(len(todo)*c.Train.TotalSteps), "steps", skipped*c.Train.TotalSteps)
	err := r.run(ctx, todo, nmax, rankTodo)
	r.counter.Finish(err == nil)
	if err != nil {
		return nil, err
	}
	return r.rows(), nil
}

// runner holds a run's table, what it holds, and the network that every
// N reuses.
type runner struct {
	c       Config
	table   *results.Table[Row]
	done    map[int]Row // 5b rows by N
	rank    map[int]Row // 3a rows by step
	counter *progress.Counter

	data    *Data
	held    *mat.Dense
	net     *unet.Net
	trainer *unet.Trainer
	smp     *sampler.Sampler
	trained int // the N whose weights the network holds (0: none)
	traj    *trajectory
}

func (r *runner) keep(row Row) {
	switch row.Figure {
	case Fig5b:
		r.done[row.N] = row
	case Fig3a:
		r.rank[row.Index] = row
	}
}

func (r *runner) append(rows ...Row) error {
	if r.table != nil {
		if err := r.table.Append(rows...); err != nil {
			return err
		}
	}
	for _, row := range rows {
		r.keep(row)
	}
	return nil
}

// rows returns the rows of the run's shard: 5b by N, then 3a by step.
func (r *runner) rows() []Row {
	var out []Row
	for i, n := range r.c.sizes() {
		if row, ok := r.done[n]; ok && r.c.Shard.Has(i) {
			out = append(out, row)
		}
	}
	var steps []int
	for i := range r.rank {
		steps = append(steps, i)
	}
	sort.Ints(steps)
	for _, i := range steps {
		out = append(out, r.rank[i])
	}
	return out
}

func (r *runner) run(ctx context.Context, todo []int, nmax int, rankTodo bool) error {
	if len(todo) == 0 && !rankTodo {
		return nil
	}
	if err := r.setup(nmax); err != nil {
		return err
	}
	for _, n := range todo {
		row, err := r.point(ctx, n, rankTodo && n == nmax)
		if err != nil {
			return fmt.Errorf("images: %s, N = %d: %w", r.c.Data, n, err)
		}
		if err := r.append(row); err != nil {
			return err
		}
	}
	if rankTodo {
		if err := r.rankCurve(ctx, nmax); err != nil {
			return fmt.Errorf("images: %s, Figure 3(a), N = %d: %w", r.c.Data, nmax, err)
		}
	}
	return nil
}

// setup loads the data (a pool of the largest N) and builds the network
// and the sampler.
func (r *runner) setup(nmax int) error {
	c := r.c
	r.counter.Stage("loading " + c.Data)
	d, err := Load(c.Data, c.Size, c.Channels, nmax, c.Held, seed.Derive(c.Seed, "images/split"))
	if err != nil {
		var pe *poolError
		if errors.As(err, &pe) {
			return param.Errorf("images", pe.name, pe.value, "%s", pe.want)
		}
		return err
	}
	if d.Pool.C != c.Channels || d.Pool.H != c.Size {
		return fmt.Errorf("images: %s loaded as %d×%d×%d, want %d×%d×%d", c.Data, d.Pool.H, d.Pool.W, d.Pool.C, c.Size, c.Size, c.Channels)
	}
	r.data = d
	if r.held, err = d.Held.Matrix(); err != nil {
		return err
	}
	if r.net, err = unet.New(c.Backend, c.Net); err != nil {
		return err
	}
	r.smp, err = sampler.New(c.Backend, r.net.DenoiseGraph, sampler.Options{
		Shape: []int{c.Size, c.Size, c.Channels}, DType: c.Net.DType, Store: r.net.Store()})
	return err
}

// train gives the network the weights of the U-Net trained on the first n
// images of the pool: trained now, or resumed from (or loaded from the
// finished run in) its checkpoint folder.
func (r *runner) train(ctx context.Context, n int, report progress.Func) (*mat.Dense, error) {
	c := r.c
	set, err := r.data.Train(n)
	if err != nil {
		return nil, err
	}
	tc := c.Train
	tc.Seed = seed.Derive(c.Seed, "images/sgd", n)
	tc.CheckpointDir = ""
	if c.Dir != "" {
		tc.CheckpointDir = CheckpointDir(c.Dir, n)
	}
	tc.LogEvery = max(1, min(tc.LogEvery, tc.TotalSteps))
	tc.Progress = report
	if r.trainer == nil {
		r.trainer, err = unet.NewTrainerFromSlices(r.net, set.Rows(), tc)
	} else {
		err = r.trainer.Restart(set.Rows(), tc)
	}
	if err != nil {
		return nil, err
	}
	r.trained = 0
	if tc.CheckpointDir != "" {
		_, skipped, err := r.trainer.Resume()
		experiment.Notice(c.Log, skipped)
		if err != nil {
			return nil, err
		}
	}
	if err := r.trainer.Train(ctx); err != nil {
		return nil, err
	}
	r.trained = n
	return set.Matrix()
}

// generate draws c.M images in batches of c.Batch from the seeds of N = n;
// with keep, the first batch's trajectory is kept for Figure 3(a).
func (r *runner) generate(n int, keep bool) (*mat.Dense, error) {
	c := r.c
	out := mat.NewDense(c.M, c.dim(), nil)
	for b, done := 0, 0; done < c.M; b++ {
		res, err := r.smp.EDMSeed(c.Batch, c.dim(), seedGenerate(c, n, b), sampler.DefaultConfig(), keep && b == 0)
		if err != nil {
			return nil, err
		}
		if keep && b == 0 {
			r.traj = newTrajectory(n, res, c.Noises)
		}
		for i := 0; i < c.Batch && done < c.M; i, done = i+1, done+1 {
			out.SetRow(done, res.X.RawRowView(i))
		}
	}
	return out, nil
}

// seedGenerate is the seed of the initial noises of batch b of N = n.
func seedGenerate(c Config, n, b int) uint64 { return seed.Derive(c.Seed, "images/generate", n, b) }

// point trains, samples and scores one N.
func (r *runner) point(ctx context.Context, n int, keepTrajectory bool) (Row, error) {
	start := time.Now()
	label := fmt.Sprintf("N=%d", n)
	x, err := r.train(ctx, n, r.counter.Part(label))
	if err != nil {
		return Row{}, err
	}
	r.counter.Stage(label + ": sampling")
	gen, err := r.generate(n, keepTrajectory)
	if err != nil {
		return Row{}, err
	}
	r.counter.Stage(label + ": scoring")
	row, err := r.score(n, gen, x)
	if err != nil {
		return Row{}, err
	}
	h := r.trainer.History()
	row.Steps = r.trainer.Step()
	if len(h) > 0 {
		row.Loss = h[len(h)-1].Loss
	}
	row.ImgPerSec = experiment.MeanThroughput(h)
	row.Seconds = time.Since(start).Seconds()
	return row, nil
}
