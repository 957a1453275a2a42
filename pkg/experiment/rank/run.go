package rank

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/seed"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
)

// Row is one point of a rank curve (Figure "3b" or "7"), or (Figure
// "7-grad") one record of the U-Net's training history.
type Row struct {
	Figure   string  `csv:"figure"`
	Curve    string  `csv:"curve"`         // the denoiser
	Snapshot int     `csv:"snapshot_step"` // training step of a U-Net snapshot or history record (0 otherwise)
	Kimg     float64 `csv:"kimg"`
	Index    int     `csv:"i"`          // step i of the Heun trajectory
	SNR      float64 `csv:"snr"`        // 1/σ_i
	Sigma    float64 `csv:"sigma"`      // σ_i
	Ratio    float64 `csv:"rank_ratio"` // rank(∂D/∂x)/n, mean over the noises (eq. 46)
	GradNorm float64 `csv:"grad_norm"`  // history rows: ‖∇θ loss‖
	Loss     float64 `csv:"loss"`       // history rows: the EDM loss
}

// Result holds the curves of Figure 3(b), those of Figure 7 (U-Net
// snapshots, by training step) and the U-Net's training history.
type Result struct {
	Curves    []experiment.RankCurve
	Snapshots []Snapshot
	History   []unet.Record
}

// Snapshot is the rank curve of a U-Net checkpoint.
type Snapshot struct {
	experiment.RankCurve
	Step int
	Kimg float64
}

// TablePath is the run's results table in dir.
func TablePath(dir string) string { return filepath.Join(dir, "rank.csv") }

// settings are what the rows depend on.
type settings struct {
	Config
	DAE dae.Summary `json:"dae"`
}

// steps is the number of points of a curve: the nonzero levels of the
// 18-step Heun sampler.
var steps = sampler.DefaultConfig().Steps

// Run computes the curves of Figures 3(b) and 7 into the results table in
// c.Dir, resuming it: a curve whose rows are all there is not computed
// again (and the Algorithm 1 or U-Net training behind it is skipped), an
// interrupted U-Net training resumes from its checkpoints.
func Run(ctx context.Context, c Config) (*Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.OrDefault(c.Backend)
	if err != nil {
		return nil, err
	}
	c.Backend = be
	if c.CheckpointDir == "" && c.Dir != "" {
		c.CheckpointDir = filepath.Join(c.Dir, "ckpt")
	}
	r := &runner{c: c, have: map[string]map[int]Row{}}
	if c.Dir != "" {
		dc := c.daeConfig()
		t, old, err := results.Open[Row](TablePath(c.Dir), results.Options{
			Settings: settings{Config: c, DAE: dc.Summary()}, Backend: backend.Label(c.Backend)})
		if err != nil {
			return nil, err
		}
		defer t.Close()
		r.table = t
		for _, row := range old {
			r.keep(row)
		}
	}
	r.counter = progress.NewCounter(c.Progress, float64(r.todo()), "curves", 0)
	res, err := r.run(ctx)
	r.counter.Finish(err == nil)
	return res, err
}

// runner holds a run's table and what it already holds.
type runner struct {
	c       Config
	table   *results.Table[Row]
	have    map[string]map[int]Row // curve → index → row
	counter *progress.Counter
}

func (r *runner) keep(row Row) {
	if r.have[row.Curve] == nil {
		r.have[row.Curve] = map[int]Row{}
	}
	r.have[row.Curve][row.Index] = row
}

// complete reports whether every point of the curve is in the table.
func (r *runner) complete(name string) bool { return len(r.have[name]) >= steps }

// todo estimates the curves left (for the progress report).
func (r *runner) todo() int {
	names := []string{trueName, dae9Name}
	if r.c.TrainDAE {
		names = append(names, alg1Name)
	}
	if r.c.UNet {
		names = append(names, unetName)
	}
	n := 0
	for _, name := range names {
		if !r.complete(name) {
			n++
		}
	}
	if r.c.UNet {
		n += r.c.Snapshots
	}
	return n
}

const (
	trueName = "true posterior mean (eq. 8)"
	dae9Name = "soft-max DAE (eq. 9), true bases"
	alg1Name = "soft-max DAE (eq. 9), Algorithm 1 bases"
	unetName = "U-Net (EDM)"
)

// curve returns the curve of a denoiser from the table, or computes it (the
// denoiser is built only then) and appends its rows.
func (r *runner) curve(figure, name string, step int, kimg float64, spec func() (experiment.DenoiserSpec, error)) (experiment.RankCurve, error) {
	if !r.complete(name) {
		r.counter.Stage("rank along the Heun trajectory: " + name)
		s, err := spec()
		if err != nil {
			return experiment.RankCurve{}, err
		}
		s.Name = name
		cv, err := experiment.RankAlongHeun(r.c.Backend, s, experiment.Dim, r.c.Noises, seed.Derive(r.c.Seed, "rank/noise"), r.c.Frac)
		if err != nil {
			return experiment.RankCurve{}, fmt.Errorf("rank: %s: %w", name, err)
		}
		var rows []Row
		for i := range cv.SNR {
			if _, ok := r.have[name][i]; ok {
				continue
			}
			rows = append(rows, Row{Figure: figure, Curve: name, Snapshot: step, Kimg: kimg, Index: i, SNR: cv.SNR[i],
				Sigma: 1 / cv.SNR[i], Ratio: cv.Ratio[i], GradNorm: math.NaN(), Loss: math.NaN()})
		}
		if err := r.append(rows...); err != nil {
			return experiment.RankCurve{}, err
		}
		r.counter.Add(1, "")
	}
	cv := experiment.RankCurve{Name: name}
	for i := range steps {
		row := r.have[name][i]
		cv.SNR = append(cv.SNR, row.SNR)
		cv.Ratio = append(cv.Ratio, row.Ratio)
	}
	return cv, nil
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

func (r *runner) run(ctx context.Context) (*Result, error) {
	c := r.c
	m, err := experiment.MoLRG(c.D, c.Seed)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	add := func(name string, spec func() (experiment.DenoiserSpec, error)) error {
		cv, err := r.curve("3b", name, 0, 0, spec)
		if err == nil {
			res.Curves = append(res.Curves, cv)
		}
		return err
	}
	if err := add(trueName, func() (experiment.DenoiserSpec, error) { return experiment.TrueDenoiser(m), nil }); err != nil {
		return nil, err
	}
	if err := add(dae9Name, func() (experiment.DenoiserSpec, error) { return experiment.SoftMaxDenoiser(dae9Name, m.Bases) }); err != nil {
		return nil, err
	}
	train, err := m.SampleCounts([]int{c.Nk, c.Nk}, seed.Derive(c.Seed, "rank/train"))
	if err != nil {
		return nil, err
	}
	if c.TrainDAE {
		err := add(alg1Name, func() (experiment.DenoiserSpec, error) {
			r.counter.Stage(fmt.Sprintf("training the soft-max DAE by Algorithm 1 (%d steps)", c.DAE.Steps))
			t, err := dae.TrainContext(ctx, c.daeConfig(), []dae.Instance{{X: train.X, Seed: seed.Derive(c.Seed, "rank/alg1")}}, nil)
			if err != nil {
				return experiment.DenoiserSpec{}, fmt.Errorf("Algorithm 1: %w", err)
			}
			return experiment.SoftMaxDenoiser(alg1Name, t.Bases[0])
		})
		if err != nil {
			return nil, err
		}
	}
	if !c.UNet {
		return res, nil
	}
	return res, r.unetCurves(ctx, res, train.X)
}

// unetCurves adds the U-Net's curve, its snapshots' curves and its history.
func (r *runner) unetCurves(ctx context.Context, res *Result, x *mat.Dense) error {
	c := r.c
	var net *unet.Net
	var hist []unet.Record
	load := func() (experiment.DenoiserSpec, error) {
		if net == nil {
			var err error
			if net, hist, err = r.unet(ctx, x); err != nil {
				return experiment.DenoiserSpec{}, err
			}
		}
		return experiment.UNetDenoiser(unetName, net), nil
	}
	cv, err := r.curve("3b", unetName, 0, 0, load)
	if err != nil {
		return err
	}
	res.Curves = append(res.Curves, cv)
	if net == nil && c.CheckpointDir != "" && len(r.have["history"]) == 0 {
		if _, h, _, err := unet.LoadNet(c.Backend, c.CheckpointDir); err == nil {
			hist = h
		}
	}
	if len(r.have["history"]) == 0 && len(hist) > 0 {
		var rows []Row
		for i, h := range hist {
			rows = append(rows, Row{Figure: "7-grad", Curve: "history", Snapshot: h.Step, Kimg: h.Kimg, Index: i,
				SNR: math.NaN(), Sigma: math.NaN(), Ratio: math.NaN(), GradNorm: h.GradNorm, Loss: h.Loss})
		}
		if err := r.append(rows...); err != nil {
			return err
		}
	}
	for i := range len(r.have["history"]) {
		h := r.have["history"][i]
		res.History = append(res.History, unet.Record{Step: h.Snapshot, Kimg: h.Kimg, GradNorm: h.GradNorm, Loss: h.Loss})
	}
	if c.Snapshots == 0 || c.CheckpointDir == "" {
		return nil
	}
	files, err := unet.Checkpoints(c.CheckpointDir)
	if err != nil {
		return err
	}
	for _, f := range pickSnapshots(files, c.Snapshots) {
		step := stepOf(f)
		kimg := float64(step) * float64(c.Train.BatchSize) / 1000
		name := fmt.Sprintf("U-Net step %d (%.0f kimg)", step, kimg)
		cv, err := r.curve("7", name, step, kimg, func() (experiment.DenoiserSpec, error) {
			sn, _, _, err := unet.LoadNet(c.Backend, f)
			if err != nil {
				return experiment.DenoiserSpec{}, err
			}
			return experiment.UNetDenoiser(name, sn), nil
		})
		if err != nil {
			return err
		}
		res.Snapshots = append(res.Snapshots, Snapshot{RankCurve: cv, Step: step, Kimg: kimg})
	}
	sort.Slice(res.Snapshots, func(i, j int) bool { return res.Snapshots[i].Step < res.Snapshots[j].Step })
	return nil
}

// unet loads the finished run in CheckpointDir, or trains (resuming) it there.
func (r *runner) unet(ctx context.Context, x *mat.Dense) (*unet.Net, []unet.Record, error) {
	c := r.c
	if c.CheckpointDir != "" {
		if files, _ := unet.Checkpoints(c.CheckpointDir); len(files) > 0 {
			net, h, skipped, err := unet.LoadNet(c.Backend, c.CheckpointDir)
			experiment.Notice(c.Log, skipped)
			if err == nil && len(h) > 0 && h[len(h)-1].Step >= h[len(h)-1].TotalSteps {
				return net, h, nil
			}
		}
	}
	tc := c.Train
	tc.CheckpointDir = c.CheckpointDir
	tc.Seed = seed.Derive(c.Seed, "rank/unet")
	tc.Progress = func(u progress.Update) {
		r.counter.Stage(fmt.Sprintf("training the U-Net: %.0f/%.0f steps %s", u.Done+float64(u.Skipped), u.Total+float64(u.Skipped), u.Stage))
	}
	tr, err := experiment.TrainUNet(ctx, c.Backend, c.Net, tc, x, c.Log)
	if err != nil {
		return nil, nil, err
	}
	return tr.Net(), tr.History(), nil
}

var stepRE = regexp.MustCompile(`(\d+)`)

// stepOf reads the step number from a checkpoint file name (the last number in it).
func stepOf(path string) int {
	all := stepRE.FindAllString(filepath.Base(path), -1)
	if len(all) == 0 {
		return 0
	}
	v, _ := strconv.Atoi(all[len(all)-1])
	return v
}

// pickSnapshots returns at most k of files (newest first, as unet.Checkpoints
// lists them), evenly spread and always including the newest.
func pickSnapshots(files []string, k int) []string {
	if len(files) <= k {
		return files
	}
	out := make([]string, 0, k)
	for i := range k {
		out = append(out, files[i*(len(files)-1)/max(k-1, 1)])
	}
	return out
}

// Read reads the results table a run wrote in dir back into its curves.
func Read(dir string) (*Result, error) {
	rows, _, err := results.Read[Row](TablePath(dir))
	if err != nil {
		return nil, err
	}
	res := &Result{}
	curves := map[string]*experiment.RankCurve{}
	var order []string
	snap := map[string]Snapshot{}
	for _, row := range rows {
		if row.Figure == "7-grad" {
			res.History = append(res.History, unet.Record{Step: row.Snapshot, Kimg: row.Kimg, GradNorm: row.GradNorm, Loss: row.Loss})
			continue
		}
		cv, ok := curves[row.Curve]
		if !ok {
			cv = &experiment.RankCurve{Name: row.Curve}
			curves[row.Curve] = cv
			order = append(order, row.Curve)
			if row.Figure == "7" {
				snap[row.Curve] = Snapshot{Step: row.Snapshot, Kimg: row.Kimg}
			}
		}
		cv.SNR = append(cv.SNR, row.SNR)
		cv.Ratio = append(cv.Ratio, row.Ratio)
	}
	for _, name := range order {
		cv := *curves[name]
		if s, ok := snap[name]; ok {
			s.RankCurve = cv
			res.Snapshots = append(res.Snapshots, s)
		} else {
			res.Curves = append(res.Curves, cv)
		}
	}
	sort.Slice(res.Snapshots, func(i, j int) bool { return res.Snapshots[i].Step < res.Snapshots[j].Step })
	return res, nil
}
