package unet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/tensormat"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/loop"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Record is one record of a training run's history (every LogEvery steps).
type Record struct {
	Step       int     // optimizer steps done
	TotalSteps int     // steps of the whole run
	Kimg       float64 // images seen / 1000
	Loss       float64 // EDM loss λ(σ)·(D−x₀)² per pixel, mean over the steps since the previous record
	GradNorm   float64 // ‖∇_θ objective‖₂ (objective = batch mean of per-image loss), mean over the same steps
	LR         float64 // learning rate of the last step
	ImgPerSec  float64 // training throughput over the same steps
}

// String formats p as one line.
func (p Record) String() string {
	return fmt.Sprintf("step %d/%d  kimg %.1f  loss %.5f  |grad| %.4g  lr %.3g  %.1f img/s",
		p.Step, p.TotalSteps, p.Kimg, p.Loss, p.GradNorm, p.LR, p.ImgPerSec)
}

// summary is the record as a progress stage.
func (p Record) summary() string {
	return fmt.Sprintf("loss %.4f |grad| %.3g %.0f img/s", p.Loss, p.GradNorm, p.ImgPerSec)
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
	history []Record
	acc     accum

	exec      *model.Exec // one optimizer step per execution
	loopExec  *model.Exec // stepsPerExec() steps per execution, in a While loop
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
	flat, err := tensormat.Floats(data)
	if err != nil {
		return nil, fmt.Errorf("unet: training data: %w", err)
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

// History returns the records so far (restored on resume).
func (t *Trainer) History() []Record { return append([]Record(nil), t.history...) }

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

// stepInputs draws the random inputs of steps s, s+1, …, s+n−1, each from
// its stream (Seed, step), stacked on a leading axis when n > 1:
// x₀ and ε [n, B, S, S, C], σ [n, B], dropout RNG states [n, 3].
func (t *Trainer) stepInputs(step, n int) (x0, eps, sigma, rngState *tensors.Tensor) {
	nc := t.net.cfg
	b, dim := t.cfg.BatchSize, t.dim
	xs := make([]float64, 0, n*b*dim)
	es := make([]float64, 0, n*b*dim)
	sig := make([]float64, 0, n*b)
	state := make([]uint64, 0, 3*n)
	for s := step; s < step+n; s++ {
		rng := rand.New(rand.NewPCG(t.cfg.Seed, uint64(s)))
		for _, i := range t.batchIndices(s) {
			xs = append(xs, t.data[i*dim:(i+1)*dim]...)
		}
		for range b {
			sig = append(sig, diffusion.SampleEDMSigma(rng, t.cfg.PMean, t.cfg.PStd))
		}
		for range b * dim {
			es = append(es, rng.NormFloat64())
		}
		state = append(state, rng.Uint64(), rng.Uint64(), rng.Uint64())
	}
	var lead []int
	if n > 1 {
		lead = []int{n}
	}
	sz := nc.ImageSize
	img := append(slices.Clone(lead), b, sz, sz, nc.Channels)
	return toDType(xs, nc.DType, img...), toDType(es, nc.DType, img...),
		toDType(sig, nc.DType, append(slices.Clone(lead), b)...),
		tensors.FromFlatDataAndDimensions(state, append(slices.Clone(lead), 3)...)
}

// hyper returns [lr, 1−β₁ᵗ, 1−β₂ᵗ, β_ema] of steps s … s+n−1 ([n, 4] when n > 1).
func (t *Trainer) hyper(step, n int) *tensors.Tensor {
	h := make([]float64, 0, 4*n)
	for s := step; s < step+n; s++ {
		k := float64(s + 1)
		h = append(h, t.cfg.LearningRate(s), 1-math.Pow(t.cfg.Beta1, k), 1-math.Pow(t.cfg.Beta2, k), t.cfg.EMABeta(s))
	}
	if n == 1 {
		return toDType(h, t.net.cfg.DType, 4)
	}
	return toDType(h, t.net.cfg.DType, n, 4)
}

// toDType is tensormat.FromFlat for sizes that match by construction.
func toDType(v []float64, dt dtypes.DType, dims ...int) *tensors.Tensor {
	t, err := tensormat.FromFlat(v, dt, dims...)
	if err != nil {
		panic(err) // a bug: the callers build v with the size of dims
	}
	return t
}

// applyStep builds one training step on the variables' current graph
// values: EDM loss on the minibatch, its gradient, Adam (PyTorch form,
// bias-corrected) on the "/net" weights and the EMA update of "/ema", set
// as the variables' new values. hyper = [lr, 1−β₁ᵗ, 1−β₂ᵗ, β_ema]. It
// returns the loss per pixel and ‖∇‖₂.
func (t *Trainer) applyStep(store *model.Store, x0, eps, sigma, rng, hyper *Node) (loss, gradNorm *Node) {
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
	return DivScalar(ReduceAllMean(perImage), float64(t.dim)), Sqrt(norm2)
}

// stepGraph is one optimizer step (applyStep) on the inputs x₀, ε, σ, RNG
// state and hyper; it returns the loss per pixel and ‖∇‖₂.
func (t *Trainer) stepGraph(store *model.Store, in []*Node) []*Node {
	loss, gn := t.applyStep(store, in[0], in[1], in[2], in[3], in[4])
	return []*Node{loss, gn}
}

// loopGraph runs the steps of stacked inputs ([n, …], see stepInputs and
// hyper) in a While loop whose state carries every variable, so that XLA
// updates the weights, Adam moments and EMA in place from step to step
// instead of allocating them afresh for every execution. It returns the n
// losses per pixel and gradient norms.
func (t *Trainer) loopGraph(store *model.Store, in []*Node) []*Node {
	g := in[0].Graph()
	n := in[0].Shape().Dimensions[0]
	var vars []*model.Variable
	for _, prefix := range []string{"/net", "/adam", "/ema"} {
		vars = append(vars, t.net.vars(prefix)...)
	}
	// Everything the body reads travels in the loop state (see loop.Repeat).
	var state []*Node
	for _, v := range vars {
		state = append(state, v.NodeValue(g))
	}
	zeros := ConvertDType(Const(g, make([]float32, n)), in[0].DType())
	state = append(append(state, zeros, zeros), in...)
	nv := len(vars)
	res := loop.Repeat(n, state, func(g *Graph, j *Node, ps []*Node) []*Node {
		for i, v := range vars {
			v.SetNodeValue(ps[i])
		}
		losses, norms, inputs := ps[nv], ps[nv+1], ps[nv+2:]
		at := make([]*Node, len(inputs)) // the inputs of step j
		for i, x := range inputs {
			at[i] = loop.At(x, j)
		}
		loss, gn := t.applyStep(store, at[0], at[1], at[2], at[3], at[4])
		var out []*Node
		for _, v := range vars {
			out = append(out, v.NodeValue(g))
		}
		return append(append(out, loop.Set(losses, j, loss), loop.Set(norms, j, gn)), inputs...)
	})
	for i, v := range vars {
		v.SetNodeValue(res[i])
	}
	return []*Node{res[nv], res[nv+1]}
}

// stepsPerExec is the number of optimizer steps of one loop execution:
// TrainConfig.StepsPerExec, or 1 on the pure-Go backend (compute v0.1.6
// has no DynamicSlice, which the loop needs to pick step j's inputs).
func (t *Trainer) stepsPerExec() int {
	if backend.IsGo(t.net.backend) {
		return 1
	}
	return max(t.cfg.StepsPerExec, 1)
}

// nextChunk returns how many steps the next execution runs in a run that
// stops at end: stepsPerExec() when t.step is a multiple of it and the
// steps up to the next multiple cross no record, checkpoint or end, else 1.
// A resumed run thus groups its steps as the uninterrupted one does.
func (t *Trainer) nextChunk(end int) int {
	k := t.stepsPerExec()
	if k == 1 || t.step%k != 0 {
		return 1
	}
	limit := min(end, t.cfg.TotalSteps) - t.step
	limit = min(limit, t.cfg.LogEvery-t.step%t.cfg.LogEvery)
	if c := t.cfg.CheckpointEvery; c > 0 && t.cfg.CheckpointDir != "" {
		limit = min(limit, c-t.step%c)
	}
	if limit < k {
		return 1
	}
	return k
}

// doSteps runs optimizer steps t.step … t.step+n−1 (n = 1 or
// stepsPerExec()) in one execution and advances t.step.
func (t *Trainer) doSteps(n int) error {
	exec, graphFn := &t.exec, t.stepGraph
	if n > 1 {
		exec, graphFn = &t.loopExec, t.loopGraph
	}
	if *exec == nil {
		e, err := model.NewExec(t.net.backend, t.net.store, func(scope *model.Scope, in []*Node) []*Node {
			return graphFn(scope.Store(), in)
		})
		if err != nil {
			return err
		}
		*exec = e
	}
	start := time.Now()
	x0, eps, sigma, rng := t.stepInputs(t.step, n)
	out, err := (*exec).Call(x0, eps, sigma, rng, t.hyper(t.step, n))
	if err != nil {
		return fmt.Errorf("unet: training step %d: %w", t.step, err)
	}
	losses, err1 := tensormat.Floats(out[0])
	norms, err2 := tensormat.Floats(out[1])
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	for _, o := range out {
		o.MustFinalizeAll()
	}
	for i, loss := range losses {
		if math.IsNaN(loss) {
			return fmt.Errorf("unet: training step %d: loss is NaN (lower LR?)", t.step+i)
		}
		t.acc.Loss += loss
		t.acc.GradNorm += norms[i]
	}
	t.step += n
	t.acc.Steps += n
	t.acc.seconds += time.Since(start).Seconds()
	return nil
}

// record closes the current window of statistics into a Record.
func (t *Trainer) record() {
	if t.acc.Steps == 0 {
		return
	}
	k := float64(t.acc.Steps)
	p := Record{
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
}

// Train runs until TotalSteps (see TrainSteps).
func (t *Trainer) Train(ctx context.Context) error {
	return t.TrainSteps(ctx, t.cfg.TotalSteps-t.step)
}

// TrainSteps runs at most n more steps (never past TotalSteps), keeping a
// Record every LogEvery steps, telling TrainConfig.Progress the steps done
// (its stage is the last record's loss, gradient norm and speed), and
// writing a checkpoint every CheckpointEvery steps and when the run reaches
// TotalSteps. When ctx is cancelled it writes a checkpoint of the current
// step and returns ctx.Err(); Resume continues from there.
func (t *Trainer) TrainSteps(ctx context.Context, n int) error {
	end := min(t.step+max(n, 0), t.cfg.TotalSteps)
	saved := -1
	counter := progress.NewCounter(t.cfg.Progress, float64(end-t.step), "steps", t.step)
	defer counter.Finish(t.step >= end)
	for t.step < end {
		if err := ctx.Err(); err != nil {
			if t.cfg.CheckpointDir != "" && saved != t.step {
				if _, serr := t.SaveCheckpoint(); serr != nil {
					return fmt.Errorf("%w (and saving a checkpoint failed: %v)", err, serr)
				}
			}
			return err
		}
		before := t.step
		if err := t.doSteps(t.nextChunk(end)); err != nil {
			return err
		}
		stage := ""
		if t.step%t.cfg.LogEvery == 0 || t.step == t.cfg.TotalSteps {
			t.record()
			stage = t.history[len(t.history)-1].summary()
		}
		counter.Add(float64(t.step-before), stage)
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
