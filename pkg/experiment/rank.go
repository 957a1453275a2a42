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
	"regexp"
	"sort"
	"strconv"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/plot"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
)

// RankCurve is the curve of Figures 3(b) and 7: the mean over the initial
// noises of rank(∂D(x_i;σ_i)/∂x_i)/n (eq. 46) at every step i of the 18-step
// Heun trajectory, against SNR = 1/σ_i (increasing σ order is reversed: the
// trajectory goes from low to high SNR).
type RankCurve struct {
	Name  string
	Step  int // training step of a U-Net snapshot (0 otherwise)
	Kimg  float64
	SNR   []float64
	Ratio []float64
}

// DenoiserSpec is a denoiser with what the sampler and the Jacobian need to
// run it.
type DenoiserSpec struct {
	Name  string
	D     sampler.Denoiser
	Shape []int        // per-sample shape (nil: [n])
	DType dtypes.DType // input dtype (0: Float64)
	Store *model.Store // variables (a U-Net), nil otherwise
}

// TrueDenoiser is the posterior mean E[x₀|x_t] of the MoLRG (eq. 8).
func TrueDenoiser(m *molrg.Model) DenoiserSpec {
	return DenoiserSpec{Name: "true posterior mean (eq. 8)", D: m.Denoiser(), DType: dtypes.Float64}
}

// SoftMaxDenoiser is the theoretical DAE of eq. (9) with the given bases U_k
// (n×d_k) and uniform π, in the EDM convention s_t = 1.
func SoftMaxDenoiser(name string, bases []*mat.Dense) DenoiserSpec {
	consts := make([]*tensors.Tensor, len(bases))
	for k, u := range bases {
		n, d := u.Dims()
		flat := make([]float64, 0, n*d)
		for i := range n {
			for j := range d {
				flat = append(flat, u.At(i, j))
			}
		}
		consts[k] = tensors.FromFlatDataAndDimensions(flat, n, d)
	}
	f := func(x, sigma *graph.Node) *graph.Node {
		g := x.Graph()
		bs := make([]*graph.Node, len(consts))
		for k, c := range consts {
			bs[k] = graph.ConvertDType(graph.ConstTensor(g, c), x.DType())
		}
		return dae.SoftMax(x, graph.ScalarOne(g, x.DType()), graph.ConvertDType(sigma, x.DType()), bs, nil)
	}
	return DenoiserSpec{Name: name, D: f, DType: dtypes.Float64}
}

// UNetDenoiser is a U-Net's preconditioned denoiser (EMA weights) on 4×4×3 images.
func UNetDenoiser(name string, net *unet.Net) DenoiserSpec {
	return DenoiserSpec{Name: name, D: net.DenoiseGraph, Shape: ImageShape, DType: dtypes.Float32, Store: net.Store()}
}

// RankAlongHeun samples `noises` trajectories of the 18-step Heun sampler of
// the denoiser from the initial noises of seed, and returns the rank-ratio
// curve: the numerical rank (eq. 46, fraction frac) of the denoiser's Jacobian
// at every state x_i and its level σ_i, divided by n = 48, averaged over the
// noises.
func RankAlongHeun(be compute.Backend, spec DenoiserSpec, noises int, seed uint64, frac float64) (RankCurve, error) {
	if noises < 1 {
		return RankCurve{}, fmt.Errorf("experiment: noises = %d, want ≥ 1", noises)
	}
	s, err := sampler.New(be, spec.D, sampler.Options{Shape: spec.Shape, DType: spec.DType, Store: spec.Store})
	if err != nil {
		return RankCurve{}, err
	}
	res, err := s.EDMSeed(noises, Dim, seed, sampler.DefaultConfig(), true)
	if err != nil {
		return RankCurve{}, err
	}
	jc, err := jacobian.New(be, spec.D, jacobian.Options{Shape: spec.Shape, DType: spec.DType, Store: spec.Store})
	if err != nil {
		return RankCurve{}, err
	}
	ranks, err := jc.RankAlong(res.Trajectory, res.Sigmas, frac)
	if err != nil {
		return RankCurve{}, err
	}
	snr, ratio, err := jacobian.RankRatios(ranks, res.Sigmas, Dim)
	if err != nil {
		return RankCurve{}, err
	}
	return RankCurve{Name: spec.Name, SNR: snr, Ratio: ratio}, nil
}

// RankConfig describes a Figures 3(b)/7 run.
type RankConfig struct {
	D      int     // subspace dimension of both components (paper: 6)
	Noises int     // initial noises averaged over (paper: 15)
	Frac   float64 // fraction of eq. (46) (paper: 0.99)
	Seed   uint64

	TrainDAE bool       // also train the soft-max DAE by Algorithm 1 on the U-Net's data
	DAE      dae.Config // Algorithm 1 hyperparameters (Dims are set to {D, D})

	// The U-Net: loaded from CheckpointDir when it already holds a finished
	// run's checkpoints (e.g. one of unet-molrg's), otherwise trained there on
	// Nk samples per component with checkpoints every Train.CheckpointEvery
	// steps, all kept: they are the Figure 7 snapshots.
	UNet          bool
	Net           unet.Config
	Train         unet.TrainConfig
	Nk            int
	CheckpointDir string
	Snapshots     int // at most this many snapshots for Figure 7 (evenly spread, always the last); 0: none

	Backend compute.Backend
	Log     io.Writer
}

// DefaultRank is the CPU-sized run: d = 6 (Σd_k/n = 0.25, d/n = 0.125),
// 15 noises, the small U-Net trained 2000 steps on N_k = 200 samples per
// component with 4 snapshots, and Algorithm 1 bases.
func DefaultRank() RankConfig {
	tc := unet.DefaultTrainConfig()
	tc.CheckpointEvery = 500
	tc.KeepCheckpoints = 0
	return RankConfig{
		D: 6, Noises: 15, Frac: metrics.RankFraction, Seed: 1,
		TrainDAE: true, DAE: dae.DefaultConfig(dae.ParamSoftMax, 6, 6),
		UNet: true, Net: unet.DefaultConfig(ImageSize, Channels), Train: tc, Nk: 200,
		CheckpointDir: "results/rank/ckpt", Snapshots: 4,
	}
}

// RankResult holds the curves of Figure 3(b) (Curves), of Figure 7
// (Snapshots) and the U-Net's training history (gradient norm against steps).
type RankResult struct {
	Curves    []RankCurve
	Snapshots []RankCurve
	History   []unet.Progress
}

func (c *RankConfig) logf(format string, a ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format, a...)
	}
}

// RunRank computes the curves of Figures 3(b) and 7.
func RunRank(ctx context.Context, c RankConfig) (*RankResult, error) {
	if c.Backend == nil {
		return nil, errors.New("experiment: Backend is nil")
	}
	if c.D < 1 || NumComponents*c.D > Dim {
		return nil, fmt.Errorf("experiment: d = %d, want 1 ≤ d ≤ %d", c.D, Dim/NumComponents)
	}
	if !(c.Frac > 0 && c.Frac <= 1) {
		return nil, fmt.Errorf("experiment: frac = %v, want 0 < frac ≤ 1", c.Frac)
	}
	m, err := MoLRGFor(c.D, c.Seed)
	if err != nil {
		return nil, err
	}
	res := &RankResult{}
	add := func(spec DenoiserSpec) error {
		c.logf("rank along the Heun trajectory: %s\n", spec.Name)
		cv, err := RankAlongHeun(c.Backend, spec, c.Noises, c.Seed+11, c.Frac)
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
		res.Curves = append(res.Curves, cv)
		return nil
	}
	if err := add(TrueDenoiser(m)); err != nil {
		return nil, err
	}
	if err := add(SoftMaxDenoiser("soft-max DAE (eq. 9), true bases", m.Bases)); err != nil {
		return nil, err
	}
	nk := max(c.Nk, 1)
	train, err := m.SampleCounts([]int{nk, nk}, c.Seed+5)
	if err != nil {
		return nil, err
	}
	if c.TrainDAE {
		dc := c.DAE
		dc.Dims = []int{c.D, c.D}
		if dc.Backend == nil {
			dc.Backend = c.Backend
		}
		c.logf("training the soft-max DAE by Algorithm 1 (%d steps)\n", dc.Steps)
		r, err := dae.TrainContext(ctx, dc, []dae.Instance{{X: train.X, Seed: c.Seed + 7}}, nil)
		if err != nil {
			return nil, fmt.Errorf("Algorithm 1: %w", err)
		}
		if err := add(SoftMaxDenoiser("soft-max DAE (eq. 9), Algorithm 1 bases", r.Bases[0])); err != nil {
			return nil, err
		}
	}
	if !c.UNet {
		return res, nil
	}
	net, hist, err := c.unet(ctx, train.X)
	if err != nil {
		return nil, err
	}
	res.History = hist
	if err := add(UNetDenoiser("U-Net (EDM)", net)); err != nil {
		return nil, err
	}
	if c.Snapshots > 0 && c.CheckpointDir != "" {
		files, err := unet.Checkpoints(c.CheckpointDir)
		if err != nil {
			return nil, err
		}
		for _, f := range pickSnapshots(files, c.Snapshots) {
			sn, h, _, err := unet.LoadNet(c.Backend, f)
			if err != nil {
				return nil, err
			}
			step := stepOf(f)
			kimg := 0.0
			if len(h) > 0 {
				kimg = h[len(h)-1].Kimg
			}
			c.logf("rank along the Heun trajectory: U-Net snapshot %s\n", filepath.Base(f))
			cv, err := RankAlongHeun(c.Backend, UNetDenoiser(fmt.Sprintf("step %d (%.0f kimg)", step, kimg), sn), c.Noises, c.Seed+11, c.Frac)
			if err != nil {
				return nil, err
			}
			cv.Step, cv.Kimg = step, kimg
			res.Snapshots = append(res.Snapshots, cv)
		}
		sort.Slice(res.Snapshots, func(i, j int) bool { return res.Snapshots[i].Step < res.Snapshots[j].Step })
	}
	return res, nil
}

// unet loads the finished run in CheckpointDir or trains (resuming) it there.
func (c *RankConfig) unet(ctx context.Context, x *mat.Dense) (*unet.Net, []unet.Progress, error) {
	if c.CheckpointDir != "" {
		if files, _ := unet.Checkpoints(c.CheckpointDir); len(files) > 0 {
			net, h, skipped, err := unet.LoadNet(c.Backend, c.CheckpointDir)
			for _, sk := range skipped {
				c.logf("%s\n", sk)
			}
			if err == nil && len(h) > 0 && h[len(h)-1].Step >= h[len(h)-1].TotalSteps {
				c.logf("U-Net loaded from %s (step %d)\n", c.CheckpointDir, h[len(h)-1].Step)
				return net, h, nil
			}
		}
	}
	tc := c.Train
	tc.CheckpointDir = c.CheckpointDir
	tc.Seed = c.Seed + 9
	if c.Log != nil && tc.Progress == nil {
		tc.Progress = unet.ProgressPrinter(c.Log)
	}
	c.logf("training the U-Net: %d steps of batch %d on %d samples\n", tc.TotalSteps, tc.BatchSize, x.RawMatrix().Rows)
	tr, err := TrainOnMoLRG(ctx, c.Backend, c.Net, tc, x, c.Log)
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

// WriteRankCSV writes every curve as rows figure,denoiser,step,kimg,snr,sigma,ratio
// and the history as rows of grad.csv-like "history" lines.
func WriteRankCSV(path string, r *RankResult) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"figure", "denoiser", "step", "kimg", "snr", "sigma", "rank_ratio", "grad_norm", "loss"})
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	put := func(fig string, cs []RankCurve) {
		for _, c := range cs {
			for i := range c.SNR {
				w.Write([]string{fig, c.Name, strconv.Itoa(c.Step), g(c.Kimg), g(c.SNR[i]), g(1 / c.SNR[i]), g(c.Ratio[i]), "", ""})
			}
		}
	}
	put("3b", r.Curves)
	put("7", r.Snapshots)
	for _, p := range r.History {
		w.Write([]string{"7-grad", "U-Net (EDM)", strconv.Itoa(p.Step), g(p.Kimg), "", "", "", g(p.GradNorm), g(p.Loss)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func curveSeries(cs []RankCurve, dashedFirst int) []plot.Series {
	var s []plot.Series
	for i, c := range cs {
		s = append(s, plot.Series{Name: c.Name, X: c.SNR, Y: c.Ratio, Points: true, Dashed: i < dashedFirst})
	}
	return s
}

// Fig3bPlot draws the rank ratio against SNR = 1/σ (log x) for every denoiser.
func Fig3bPlot(r *RankResult) (*plot.Figure, error) {
	p, err := plot.Lines(plot.Axes{Title: "Jacobian rank along the Heun trajectory (Fig. 3b)", X: "SNR = 1/σ", Y: "numerical rank / n (eq. 46)", LogX: true},
		curveSeries(r.Curves, 0)...)
	if err != nil {
		return nil, err
	}
	p.Y.Min, p.Y.Max = 0, 1.45 // room above the curves (rank/n ≤ 1) for the legend
	plot.UsePowerTicks(p)
	return plot.Single(p), nil
}

// Fig7Plot draws the snapshot rank curves and the gradient norm against steps.
func Fig7Plot(r *RankResult) (*plot.Figure, error) {
	if len(r.Snapshots) == 0 && len(r.History) == 0 {
		return nil, errors.New("experiment: no U-Net snapshots or history to plot")
	}
	var panels []*gplot.Plot
	if len(r.Snapshots) > 0 {
		p, err := plot.Lines(plot.Axes{Title: "U-Net snapshots along training (Fig. 7)", X: "SNR = 1/σ", Y: "numerical rank / n (eq. 46)", LogX: true},
			curveSeries(r.Snapshots, 0)...)
		if err != nil {
			return nil, err
		}
		plot.UsePowerTicks(p)
		panels = append(panels, p)
	}
	if len(r.History) > 0 {
		s := plot.Series{Name: "‖∇θ loss‖"}
		for _, h := range r.History {
			s.X = append(s.X, float64(h.Step))
			s.Y = append(s.Y, h.GradNorm)
		}
		p, err := plot.Lines(plot.Axes{Title: "gradient norm during training (Fig. 7)", X: "optimizer step", Y: "gradient norm"}, s)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	return plot.Grid([][]*gplot.Plot{panels}), nil
}

// RatioAt returns the curve's rank ratio at the step whose SNR is nearest to
// snr (in log scale).
func (c RankCurve) RatioAt(snr float64) float64 {
	best, bi := 0.0, -1
	for i, s := range c.SNR {
		d := math.Abs(math.Log(s) - math.Log(snr))
		if bi < 0 || d < best {
			best, bi = d, i
		}
	}
	if bi < 0 {
		return 0
	}
	return c.Ratio[bi]
}
