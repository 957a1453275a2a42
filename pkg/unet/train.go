package unet

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Progress is one record of a training run.
type Progress struct {
	Step       int     // optimizer steps done
	TotalSteps int     // steps of the whole run
	Kimg       float64 // images seen / 1000
	Loss       float64 // EDM loss λ(σ)·(D−x₀)² per pixel, mean over the steps since the previous record
	GradNorm   float64 // ‖∇_θ objective‖₂ (objective = batch mean of per-image loss), mean over the same steps
	LR         float64 // learning rate of the last step
	ImgPerSec  float64 // training throughput over the same steps
}

// String formats p as one progress line.
func (p Progress) String() string {
	return fmt.Sprintf("step %d/%d  kimg %.1f  loss %.5f  |grad| %.4g  lr %.3g  %.1f img/s",
		p.Step, p.TotalSteps, p.Kimg, p.Loss, p.GradNorm, p.LR, p.ImgPerSec)
}

// ProgressPrinter returns a Progress callback printing one line per record to w.
func ProgressPrinter(w io.Writer) func(Progress) {
	return func(p Progress) { fmt.Fprintln(w, p.String()) }
}

// accum accumulates the statistics between two records.
type accum struct {
	Loss, GradNorm float64
	Steps          int
	seconds        float64
}

// Trainer trains a Net with the EDM loss, Adam and an EMA of the weights.
// Everything random in step s (minibatch, σ, ε, dropout masks) is drawn
// from streams keyed by (Seed, s), so a run resumed from a checkpoint
// continues exactly as the uninterrupted run would (same backend).
type Trainer struct {
	net     *Net
	cfg     TrainConfig
	data    []float64 // N·D, one image (channels-last, row-major) per row
	n, dim  int
	dataSum uint64 // fingerprint of the data, checked on resume

	step    int
	history []Progress
	acc     accum

	exec      *model.Exec
	permEpoch int
	perm      []int
}

// NewTrainer prepares training of net on data: a [N, S, S, C] tensor (any
// float dtype) with S, C those of the network. Adam's moments are created
// under "/adam" (zeros) if absent.
func NewTrainer(net *Net, data *tensors.Tensor, cfg TrainConfig) (*Trainer, error) {
	if data == nil {
		return nil, fmt.Errorf("unet: training data is nil")
	}
	nc := net.cfg
	d := data.Shape().Dimensions
	if data.Rank() != 4 || d[1] != nc.ImageSize || d[2] != nc.ImageSize || d[3] != nc.Channels {
		return nil, fmt.Errorf("unet: training data has shape %s, want [N, %d, %d, %d]",
			data.Shape(), nc.ImageSize, nc.ImageSize, nc.Channels)
	}
	var flat []float64
	switch data.DType() {
	case dtypes.Float64:
		flat = tensors.MustCopyFlatData[float64](data)
	case dtypes.Float32:
		for _, v := range tensors.MustCopyFlatData[float32](data) {
			flat = append(flat, float64(v))
		}
	default:
		return nil, fmt.Errorf("unet: training data dtype %s, want Float32 or Float64", data.DType())
	}
	return newTrainer(net, flat, d[0], cfg)
}

// NewTrainerFromSlices is NewTrainer for data given as N images, each the
// row-major flattening of a channels-last [S, S, C] image (length S·S·C),
// e.g. MoLRG samples in ℝ⁴⁸ as 4×4×3 images.
func NewTrainerFromSlices(net *Net, data [][]float32, cfg TrainConfig) (*Trainer, error) {
	dim := net.cfg.ImageSize * net.cfg.ImageSize * net.cfg.Channels
	flat := make([]float64, 0, len(data)*dim)
	for i, row := range data {
		if len(row) != dim {
			return nil, fmt.Errorf("unet: training image %d has %d values, want S·S·C = %d", i, len(row), dim)
		}
		for _, v := range row {
			flat = append(flat, float64(v))
		}
	}
	return newTrainer(net, flat, len(data), cfg)
}

func newTrainer(net *Net, flat []float64, n int, cfg TrainConfig) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("unet: training data has N = %d images, want ≥ 1", n)
	}
	for i, v := range flat {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("unet: training data value %d (image %d) is %g, want finite", i, i/(len(flat)/n), v)
		}
	}
	t := &Trainer{net: net, cfg: cfg, data: flat, n: n, dim: len(flat) / n, permEpoch: -1}
	t.dataSum = fingerprint(flat)
	for _, v := range net.vars("/net") {
		if !trainable(v) {
			continue
		}
		for _, kind := range []string{"m", "v"} {
			path := "/adam/" + kind + strings.TrimPrefix(v.Path(), "/net")
			if net.store.GetVariable(path) != nil {
				continue
			}
			mv, err := net.store.CreateVariable(path, tensors.FromShape(v.Shape()))
			if err != nil {
				return nil, err
			}
			mv.SetTrainable(false)
		}
	}
	return t, nil
}

// Step returns the number of optimizer steps done.
func (t *Trainer) Step() int { return t.step }

// Net returns the network being trained.
func (t *Trainer) Net() *Net { return t.net }

// History returns the Progress records so far (restored on resume).
func (t *Trainer) History() []Progress { return append([]Progress(nil), t.history...) }

// batchIndices returns the images of step s: the data is visited in
// epochs, each a permutation drawn from (Seed, epoch), so the i-th image
// of the whole run (i = s·B + j) is a function of (Seed, s, j) only.
func (t *Trainer) batchIndices(step int) []int {
	b := t.cfg.BatchSize
	idx := make([]int, b)
	for j := range idx {
		p := step*b + j
		epoch, pos := p/t.n, p%t.n
		if epoch != t.permEpoch {
			t.perm = rand.New(rand.NewPCG(t.cfg.Seed^0x9e3779b97f4a7c15, uint64(epoch))).Perm(t.n)
			t.permEpoch = epoch
		}
		idx[j] = t.perm[pos]
	}
	return idx
}

// stepInputs draws the random inputs of step s from the stream (Seed, s).
func (t *Trainer) stepInputs(step int) (x0, eps, sigma, rngState *tensors.Tensor) {
	nc := t.net.cfg
	b, dim := t.cfg.BatchSize, t.dim
	rng := rand.New(rand.NewPCG(t.cfg.Seed, uint64(step)))
	xs := make([]float64, b*dim)
	for j, i := range t.batchIndices(step) {
		copy(xs[j*dim:(j+1)*dim], t.data[i*dim:(i+1)*dim])
	}
	sig := make([]float64, b)
	for j := range sig {
		sig[j] = SampleSigma(rng, t.cfg.PMean, t.cfg.PStd)
	}
	es := make([]float64, b*dim)
	for j := range es {
		es[j] = rng.NormFloat64()
	}
	state := []uint64{rng.Uint64(), rng.Uint64(), rng.Uint64()}
	s := nc.ImageSize
	return toDType(xs, nc.DType, b, s, s, nc.Channels), toDType(es, nc.DType, b, s, s, nc.Channels),
		toDType(sig, nc.DType, b), tensors.FromFlatDataAndDimensions(state, 3)
}

func toDType(v []float64, dt dtypes.DType, dims ...int) *tensors.Tensor {
	if dt == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(v, dims...)
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return tensors.FromFlatDataAndDimensions(f, dims...)
}

// stepGraph is one training step: EDM loss on the minibatch, its gradient,
// Adam (PyTorch form, bias-corrected) on the "/net" weights, EMA update of
// "/ema". hyper = [lr, 1−β₁ᵗ, 1−β₂ᵗ, β_ema]. It returns the loss per pixel
// and ‖∇‖₂.
func (t *Trainer) stepGraph(store *model.Store, in []*Node) []*Node {
	x0, eps, sigma, rng, hyper := in[0], in[1], in[2], in[3], in[4]
	net := t.net
	g := x0.Graph()
	netScope := store.Scope("/net")
	denoise := func(xn, s *Node) *Node {
		d, _ := net.denoise(netScope, xn, s, rng)
		return d
	}
	perImage := EDMLossGraph(denoise, x0, eps, sigma, net.cfg.SigmaData)
	objective := ReduceAllMean(perImage) // EDM: loss.sum()/batch_size
	var vars []*model.Variable
	var params []*Node
	for _, v := range net.vars("/net") {
		if trainable(v) {
			vars = append(vars, v)
			params = append(params, v.NodeValue(g))
		}
	}
	grads := Gradient(objective, params...)
	part := func(i int) *Node { return Reshape(Slice(hyper, AxisElem(i))) }
	lr, bc1, bc2, beta := part(0), part(1), part(2), part(3)
	b1, b2 := t.cfg.Beta1, t.cfg.Beta2
	stepSize := Div(lr, bc1)
	sqrtBC2 := Sqrt(bc2)
	norm2 := ScalarZero(g, x0.DType())
	for i, v := range vars {
		gr := grads[i]
		norm2 = Add(norm2, ReduceAllSum(Square(gr)))
		rest := strings.TrimPrefix(v.Path(), "/net")
		mVar, vVar := store.GetVariable("/adam/m"+rest), store.GetVariable("/adam/v"+rest)
		m := Add(MulScalar(mVar.NodeValue(g), b1), MulScalar(gr, 1-b1))
		s := Add(MulScalar(vVar.NodeValue(g), b2), MulScalar(Square(gr), 1-b2))
		mVar.SetNodeValue(m)
		vVar.SetNodeValue(s)
		denom := AddScalar(Div(Sqrt(s), sqrtBC2), t.cfg.Eps)
		p := Sub(params[i], Mul(stepSize, Div(m, denom)))
		v.SetNodeValue(p)
		// EMA (EDM training_loop: p_ema.copy_(p_net.lerp(p_ema, ema_beta))).
		eVar := store.GetVariable("/ema" + rest)
		e := Add(Mul(eVar.NodeValue(g), beta), Mul(p, OneMinus(beta)))
		eVar.SetNodeValue(e)
	}
	lossPerPixel := DivScalar(ReduceAllMean(perImage), float64(t.dim))
	return []*Node{lossPerPixel, Sqrt(norm2)}
}

// doStep runs optimizer step t.step and advances it.
func (t *Trainer) doStep() error {
	if t.exec == nil {
		e, err := model.NewExec(t.net.backend, t.net.store, func(scope *model.Scope, in []*Node) []*Node {
			return t.stepGraph(scope.Store(), in)
		})
		if err != nil {
			return err
		}
		t.exec = e
	}
	start := time.Now()
	x0, eps, sigma, rng := t.stepInputs(t.step)
	k := float64(t.step + 1)
	hyper := []float64{t.cfg.LearningRate(t.step), 1 - math.Pow(t.cfg.Beta1, k), 1 - math.Pow(t.cfg.Beta2, k),
		t.cfg.EMABeta(t.step)}
	out, err := t.exec.Call(x0, eps, sigma, rng, toDType(hyper, t.net.cfg.DType, 4))
	if err != nil {
		return fmt.Errorf("unet: training step %d: %w", t.step, err)
	}
	loss, gn := scalarOf(out[0]), scalarOf(out[1])
	for _, o := range out {
		o.MustFinalizeAll()
	}
	t.step++
	t.acc.Loss += loss
	t.acc.GradNorm += gn
	t.acc.Steps++
	t.acc.seconds += time.Since(start).Seconds()
	if math.IsNaN(loss) {
		return fmt.Errorf("unet: training step %d: loss is NaN (lower LR?)", t.step-1)
	}
	return nil
}

func scalarOf(t *tensors.Tensor) float64 {
	switch t.DType() {
	case dtypes.Float32:
		return float64(tensors.ToScalar[float32](t))
	default:
		return tensors.ToScalar[float64](t)
	}
}

// record closes the current window of statistics into a Progress record.
func (t *Trainer) record() {
	if t.acc.Steps == 0 {
		return
	}
	k := float64(t.acc.Steps)
	p := Progress{
		Step: t.step, TotalSteps: t.cfg.TotalSteps,
		Kimg:     float64(t.step) * float64(t.cfg.BatchSize) / 1000,
		Loss:     t.acc.Loss / k,
		GradNorm: t.acc.GradNorm / k,
		LR:       t.cfg.LearningRate(t.step - 1),
	}
	if t.acc.seconds > 0 {
		p.ImgPerSec = k * float64(t.cfg.BatchSize) / t.acc.seconds
	}
	t.history = append(t.history, p)
	t.acc = accum{}
	if t.cfg.Progress != nil {
		t.cfg.Progress(p)
	}
}

// Train runs until TotalSteps (see TrainSteps).
func (t *Trainer) Train(ctx context.Context) error {
	return t.TrainSteps(ctx, t.cfg.TotalSteps-t.step)
}

// TrainSteps runs at most n more steps (never past TotalSteps), recording
// Progress every LogEvery steps and writing a checkpoint every
// CheckpointEvery steps and when the run reaches TotalSteps. When ctx is
// cancelled it writes a checkpoint of the current step and returns
// ctx.Err(); Resume continues from there.
func (t *Trainer) TrainSteps(ctx context.Context, n int) error {
	end := min(t.step+max(n, 0), t.cfg.TotalSteps)
	saved := -1
	for t.step < end {
		if err := ctx.Err(); err != nil {
			if t.cfg.CheckpointDir != "" && saved != t.step {
				if _, serr := t.SaveCheckpoint(); serr != nil {
					return fmt.Errorf("%w (and saving a checkpoint failed: %v)", err, serr)
				}
			}
			return err
		}
		if err := t.doStep(); err != nil {
			return err
		}
		if t.step%t.cfg.LogEvery == 0 || t.step == t.cfg.TotalSteps {
			t.record()
		}
		if t.cfg.CheckpointDir != "" && ((t.cfg.CheckpointEvery > 0 && t.step%t.cfg.CheckpointEvery == 0) ||
			t.step == t.cfg.TotalSteps) {
			if _, err := t.SaveCheckpoint(); err != nil {
				return err
			}
			saved = t.step
		}
	}
	return nil
}
