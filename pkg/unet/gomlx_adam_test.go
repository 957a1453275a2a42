package unet

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/tensormat"
)

// gomlxAdamStep is one training step of net with GoMLX's own Adam
// (ml/train/optimizer) instead of the trainer's: the same EDM loss on the
// same inputs, no EMA.
func gomlxAdamStep(t testing.TB, net *Net, tc TrainConfig) *model.Exec {
	opt := optimizer.Adam().LearningRate(tc.LR).Betas(tc.Beta1, tc.Beta2).Epsilon(tc.Eps).Done()
	exec, err := model.NewExec(net.backend, net.store, func(scope *model.Scope, in []*Node) []*Node {
		netScope := scope.Store().Scope("/net")
		denoise := func(xn, s *Node) *Node {
			d, _ := net.denoise(netScope, xn, s, in[3])
			return d
		}
		loss := ReduceAllMean(EDMLossGraph(denoise, in[0], in[1], in[2], net.cfg.SigmaData))
		opt.UpdateGraph(netScope, loss.Graph(), loss)
		return []*Node{loss}
	})
	if err != nil {
		t.Fatal(err)
	}
	return exec
}

// TestAdamMatchesGoMLX trains two copies of a network for five steps on the
// same minibatches, σ and ε, one with the trainer's Adam (written out for
// EDM's per-step learning rate and EMA inside a While loop, see doc.go) and
// one with GoMLX's optimizer.Adam: the weights must agree to float32
// rounding (an independent check of the trainer's update).
func TestAdamMatchesGoMLX(t *testing.T) {
	be := backend.Must()
	cfg := tinyConfig()
	cfg.Dropout = 0
	tc := tinyTrainConfig()
	tc.LRRampupKimg, tc.StepsPerExec, tc.TotalSteps = 0, 1, 5 // a constant learning rate, as GoMLX's Adam has
	ours, err := New(be, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := New(be, cfg)
	tr, err := NewTrainer(ours, tinyData(12), tc)
	if err != nil {
		t.Fatal(err)
	}
	exec := gomlxAdamStep(t, theirs, tc)
	for s := range tc.TotalSteps {
		x0, eps, sigma, rng := tr.stepInputs(s, 1)
		if _, err := exec.Call(x0, eps, sigma, rng); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for _, v := range ours.vars("/net") {
		if !trainable(v) {
			continue
		}
		w := theirs.store.GetVariable(v.Path())
		a, _ := tensormat.Floats(v.MustValue())
		b, _ := tensormat.Floats(w.MustValue())
		for i := range a {
			worst = max(worst, math.Abs(a[i]-b[i])/(1e-3+math.Abs(a[i])))
		}
	}
	if worst > 1e-3 || math.IsNaN(worst) {
		t.Errorf("weights after 5 steps differ by %.3g (relative), want agreement to float32 rounding", worst)
	}
	t.Logf("largest relative difference of the weights after 5 Adam steps: %.3g", worst)
}

// BenchmarkStepGoMLXAdam and BenchmarkStepOurAdam time one optimizer step
// per execution of DefaultConfig(4, 3) at batch 64, with GoMLX's Adam and
// with the trainer's (Adam and EMA), for the "Departures from GoMLX" note.
func BenchmarkStepGoMLXAdam(b *testing.B) {
	net, err := New(backend.Must(), DefaultConfig(4, 3))
	if err != nil {
		b.Fatal(err)
	}
	tc := DefaultTrainConfig()
	tr, err := NewTrainer(net, randTensor32(rngFor(1), 256, 4, 4, 3), tc)
	if err != nil {
		b.Fatal(err)
	}
	exec := gomlxAdamStep(b, net, tc)
	in := func(s int) []any {
		x0, eps, sigma, rng := tr.stepInputs(s, 1)
		return []any{x0, eps, sigma, rng}
	}
	exec.Call(in(0)...)
	b.ResetTimer()
	for i := range b.N {
		if _, err := exec.Call(in(i + 1)...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*tc.BatchSize)/b.Elapsed().Seconds(), "img/s")
}

func BenchmarkStepOurAdam(b *testing.B) {
	net, err := New(backend.Must(), DefaultConfig(4, 3))
	if err != nil {
		b.Fatal(err)
	}
	tc := DefaultTrainConfig()
	tc.StepsPerExec, tc.TotalSteps, tc.LogEvery = 1, 1<<30, 1<<30
	tr, err := NewTrainer(net, randTensor32(rngFor(1), 256, 4, 4, 3), tc)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	tr.TrainSteps(ctx, 1)
	b.ResetTimer()
	if err := tr.TrainSteps(ctx, b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*tc.BatchSize)/b.Elapsed().Seconds(), "img/s")
}

func rngFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }
