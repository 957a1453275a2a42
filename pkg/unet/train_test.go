package unet

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/progress"
)

func tinyTrainConfig() TrainConfig {
	c := DefaultTrainConfig()
	c.BatchSize = 4
	c.LRRampupKimg = 0.2
	c.LogEvery = 25
	c.CheckpointEvery = 0
	c.Seed = 42
	return c
}

func tinyData(n int) *tensors.Tensor {
	return randTensor32(rand.New(rand.NewPCG(21, 22)), n, 4, 4, 3)
}

// snapshot copies every variable of the net ("/net", "/ema", "/adam").
func snapshot(t *testing.T, n *Net) map[string][]float32 {
	out := map[string][]float32{}
	for v := range n.Store().IterVariables() {
		if !strings.HasPrefix(v.Path(), "/net/") && !strings.HasPrefix(v.Path(), "/ema/") &&
			!strings.HasPrefix(v.Path(), "/adam/") {
			continue
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = tensors.MustCopyFlatData[float32](val)
	}
	return out
}

// TestResumeIsExact trains 2000 steps straight, and 1000 steps, a "kill"
// (the trainer and its network are dropped), a resume from the step-1000
// checkpoint and 1000 more steps: weights, EMA, Adam moments and the
// loss/gradient-norm history must be bit-for-bit identical. A partial
// checkpoint file left by the "kill" must be skipped.
func TestResumeIsExact(t *testing.T) {
	const total, half = 2000, 1000
	be := backend.Must()
	data := tinyData(10)
	tc := tinyTrainConfig()
	tc.TotalSteps = total

	// Straight run.
	netA, err := New(be, tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	trA, err := NewTrainer(netA, data, tc)
	if err != nil {
		t.Fatal(err)
	}
	if err := trA.Train(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Interrupted run.
	dir := t.TempDir()
	tc.CheckpointDir, tc.CheckpointEvery = dir, half
	func() {
		netB, err := New(be, tinyConfig())
		if err != nil {
			t.Fatal(err)
		}
		trB, err := NewTrainer(netB, data, tc)
		if err != nil {
			t.Fatal(err)
		}
		if err := trB.TrainSteps(context.Background(), half); err != nil {
			t.Fatal(err)
		}
	}()
	// What a kill during the next save could leave: a temp file, and a
	// truncated file under a checkpoint name.
	good := CheckpointPath(dir, half)
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(CheckpointPath(dir, half+50), raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".unet-123.tmp"), raw[:100], 0o644); err != nil {
		t.Fatal(err)
	}

	netC, err := New(be, tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	trC, err := NewTrainer(netC, data, tc)
	if err != nil {
		t.Fatal(err)
	}
	path, skipped, err := trC.Resume()
	if err != nil {
		t.Fatal(err)
	}
	if path != good || trC.Step() != half {
		t.Fatalf("resumed from %q at step %d, want %q at %d", path, trC.Step(), good, half)
	}
	if len(skipped) != 1 || skipped[0].Path != CheckpointPath(dir, half+50) {
		t.Errorf("skipped %v, want the truncated %s", skipped, CheckpointPath(dir, half+50))
	}
	if err := trC.Train(context.Background()); err != nil {
		t.Fatal(err)
	}

	a, c := snapshot(t, netA), snapshot(t, netC)
	if len(a) != len(c) || len(a) == 0 {
		t.Fatalf("%d vs %d variables", len(a), len(c))
	}
	for p, va := range a {
		if !slices.Equal(va, c[p]) {
			t.Errorf("%s differs between the straight and the resumed run", p)
		}
	}
	ha, hc := trA.History(), trC.History()
	if len(ha) != total/tc.LogEvery || len(ha) != len(hc) {
		t.Fatalf("history lengths %d and %d, want %d", len(ha), len(hc), total/tc.LogEvery)
	}
	for i := range ha {
		if ha[i].Step != hc[i].Step || ha[i].Loss != hc[i].Loss || ha[i].GradNorm != hc[i].GradNorm {
			t.Errorf("record %d: %v vs %v", i, ha[i], hc[i])
		}
		if !(ha[i].GradNorm > 0) || math.IsInf(ha[i].GradNorm, 0) {
			t.Errorf("record %d: gradient norm %g", i, ha[i].GradNorm)
		}
	}
	// The final checkpoint loads back as a network with the same weights.
	loaded, hist, _, err := LoadNet(be, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != len(hc) {
		t.Errorf("LoadNet history has %d records, want %d", len(hist), len(hc))
	}
	l := snapshot(t, loaded)
	for p, v := range l {
		if !slices.Equal(v, c[p]) {
			t.Errorf("LoadNet: %s differs", p)
		}
	}
}

// TestInterruptWritesCheckpoint: cancelling the context stops training and
// leaves a checkpoint of the current step; old checkpoints are pruned to
// KeepCheckpoints; a checkpoint of other data is refused.
func TestInterruptWritesCheckpoint(t *testing.T) {
	net, err := New(backend.Must(), tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tc := tinyTrainConfig()
	tc.TotalSteps, tc.LogEvery, tc.CheckpointDir = 1000, 3, t.TempDir()
	tc.CheckpointEvery, tc.KeepCheckpoints = 2, 2
	tc.Progress = func(u progress.Update) {
		if u.Done == 6 {
			cancel()
		}
	}
	tr, err := NewTrainer(net, tinyData(5), tc)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Train returned %v, want context.Canceled", err)
	}
	if _, err := os.Stat(CheckpointPath(tc.CheckpointDir, 6)); err != nil {
		t.Errorf("no checkpoint at the interruption: %v", err)
	}
	if all, _ := Checkpoints(tc.CheckpointDir); len(all) != 2 || all[1] != CheckpointPath(tc.CheckpointDir, 4) {
		t.Errorf("KeepCheckpoints = 2 left %v", all)
	}
	// Another data set must be refused on resume.
	net2, _ := New(backend.Must(), tinyConfig())
	tr2, err := NewTrainer(net2, tinyData(6), tc)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tr2.Resume(); err == nil || !strings.Contains(err.Error(), "other data") {
		t.Errorf("resume on other data: %v", err)
	}
}

func TestTrainConfigErrors(t *testing.T) {
	cases := []struct {
		mutate func(*TrainConfig)
		want   string
	}{
		{func(c *TrainConfig) { c.LR = 0 }, "LR"},
		{func(c *TrainConfig) { c.LR = math.Inf(1) }, "LR"},
		{func(c *TrainConfig) { c.Beta1 = 1 }, "Beta1"},
		{func(c *TrainConfig) { c.Beta2 = -0.1 }, "Beta2"},
		{func(c *TrainConfig) { c.Eps = 0 }, "Eps"},
		{func(c *TrainConfig) { c.LRRampupKimg = -1 }, "LRRampupKimg"},
		{func(c *TrainConfig) { c.EMAHalfLifeKimg = -1 }, "EMAHalfLifeKimg"},
		{func(c *TrainConfig) { c.EMARampupRatio = math.NaN() }, "EMARampupRatio"},
		{func(c *TrainConfig) { c.BatchSize = 0 }, "BatchSize"},
		{func(c *TrainConfig) { c.TotalSteps = 0 }, "TotalSteps"},
		{func(c *TrainConfig) { c.PStd = 0 }, "PStd"},
		{func(c *TrainConfig) { c.StepsPerExec = 0 }, "StepsPerExec"},
		{func(c *TrainConfig) { c.StepsPerExec = 1001 }, "StepsPerExec"},
		{func(c *TrainConfig) { c.LogEvery = 0 }, "LogEvery"},
		{func(c *TrainConfig) { c.CheckpointEvery = -1 }, "CheckpointEvery"},
		{func(c *TrainConfig) { c.KeepCheckpoints = -1 }, "KeepCheckpoints"},
	}
	net, err := New(backend.Must(), tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		tc := tinyTrainConfig()
		c.mutate(&tc)
		if _, err := NewTrainer(net, tinyData(3), tc); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one naming %q", err, c.want)
		}
	}
	if _, err := NewTrainer(net, randTensor32(rand.New(rand.NewPCG(1, 1)), 3, 4, 4, 1), tinyTrainConfig()); err == nil {
		t.Error("wrong data shape accepted")
	}
	bad := make([][]float32, 2)
	bad[0], bad[1] = make([]float32, 48), make([]float32, 48)
	bad[1][7] = float32(math.NaN())
	if _, err := NewTrainerFromSlices(net, bad, tinyTrainConfig()); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("NaN data: %v", err)
	}
	if _, err := NewTrainerFromSlices(net, [][]float32{make([]float32, 47)}, tinyTrainConfig()); err == nil {
		t.Error("short image accepted")
	}
}

// TestSchedules checks the learning-rate ramp and the EMA half-life against
// their definitions (EDM training_loop.py).
func TestSchedules(t *testing.T) {
	c := DefaultTrainConfig()
	c.BatchSize, c.LR, c.LRRampupKimg = 100, 2e-3, 10 // ramp over 100 steps
	if lr := c.LearningRate(49); !near(lr, 1e-3, 1e-12) {
		t.Errorf("lr after 5 kimg = %g, want half of 2e-3", lr)
	}
	if lr := c.LearningRate(500); lr != 2e-3 {
		t.Errorf("lr after the ramp = %g, want 2e-3", lr)
	}
	// Without ramp-up ratio the EMA forgets half in EMAHalfLifeKimg: β^(h/B) = ½.
	c.EMAHalfLifeKimg, c.EMARampupRatio = 5, 0
	if b := c.EMABeta(10); !near(math.Pow(b, 5000.0/100), 0.5, 1e-12) {
		t.Errorf("β^(h/B) = %g, want 0.5", math.Pow(b, 50))
	}
	// With ratio 0.05, after 2000 images the half-life is 100 images = 1 step.
	c.EMARampupRatio = 0.05
	if b := c.EMABeta(19); !near(b, 0.5, 1e-12) {
		t.Errorf("β after 2 kimg with ratio 0.05 = %g, want 0.5", b)
	}
}

// TestBatchIndices: every epoch visits each image once, and the batch of a
// step depends only on (seed, step).
func TestBatchIndices(t *testing.T) {
	net, err := New(backend.Must(), tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	tc := tinyTrainConfig()
	tc.BatchSize = 3
	tr, err := NewTrainer(net, tinyData(7), tc)
	if err != nil {
		t.Fatal(err)
	}
	var all []int
	for s := range 7 {
		all = append(all, tr.batchIndices(s)...)
	}
	for e := range 3 {
		ep := slices.Clone(all[7*e : 7*e+7])
		slices.Sort(ep)
		if !slices.Equal(ep, []int{0, 1, 2, 3, 4, 5, 6}) {
			t.Errorf("epoch %d visits %v", e, ep)
		}
	}
	tr2, _ := NewTrainer(net, tinyData(7), tc)
	if got := tr2.batchIndices(5); !slices.Equal(got, all[15:18]) {
		t.Errorf("step 5 alone gives %v, in sequence %v", got, all[15:18])
	}
	x1, e1, s1, r1 := tr.stepInputs(4, 1)
	x2, e2, s2, r2 := tr2.stepInputs(4, 1)
	for i, p := range [][2]*tensors.Tensor{{x1, x2}, {e1, e2}, {s1, s2}, {r1, r2}} {
		if !p[0].Equal(p[1]) {
			t.Errorf("step input %d is not a function of (seed, step)", i)
		}
	}
}

// TestLoopMatchesSingleSteps trains 30 steps as three 10-step While-loop
// executions and as 30 single-step executions: the same computation in
// another XLA program, so weights, EMA and Adam moments agree to float32
// rounding (not bit for bit), and so do the recorded losses. The pure-Go
// backend always runs single steps, so the test needs XLA.
func TestLoopMatchesSingleSteps(t *testing.T) {
	be := backend.Must()
	if backend.IsGo(be) {
		t.Skip("the pure-Go backend runs one step per execution")
	}
	data := tinyData(10)
	run := func(stepsPerExec int) (map[string][]float32, []Record) {
		tc := tinyTrainConfig()
		tc.TotalSteps, tc.LogEvery, tc.StepsPerExec = 30, 30, stepsPerExec
		net, err := New(be, tinyConfig())
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(net, data, tc)
		if err != nil {
			t.Fatal(err)
		}
		if k := tr.nextChunk(tc.TotalSteps); k != stepsPerExec {
			t.Fatalf("StepsPerExec %d: first execution runs %d steps", stepsPerExec, k)
		}
		if err := tr.Train(context.Background()); err != nil {
			t.Fatal(err)
		}
		return snapshot(t, net), tr.History()
	}
	loop, hLoop := run(10)
	single, hSingle := run(1)
	worst := 0.0
	for path, a := range loop {
		b := single[path]
		for i := range a {
			worst = math.Max(worst, math.Abs(float64(a[i]-b[i])))
		}
	}
	if worst > 1e-4 {
		t.Errorf("10-step loops vs single steps: max |Δ| over all variables = %g > 1e-4", worst)
	}
	if len(hLoop) != 1 || len(hSingle) != 1 || math.Abs(hLoop[0].Loss-hSingle[0].Loss) > 1e-5*hSingle[0].Loss {
		t.Errorf("loss records differ: loops %+v, single steps %+v", hLoop, hSingle)
	}
	t.Logf("max |Δ| = %.3g, mean loss %.6f vs %.6f", worst, hLoop[0].Loss, hSingle[0].Loss)
}

// TestResumeRefusesOtherHyperparameters: a checkpoint of a run with another
// batch size (or seed, or learning rate) must not be continued silently;
// a longer TotalSteps may.
func TestResumeRefusesOtherHyperparameters(t *testing.T) {
	be := backend.Must()
	dir := t.TempDir()
	tc := tinyTrainConfig()
	tc.TotalSteps, tc.CheckpointDir = 2, dir
	net, err := New(be, tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(net, tinyData(5), tc)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit func(*TrainConfig)
		want string
	}{
		{func(c *TrainConfig) { c.BatchSize++ }, "BatchSize"},
		{func(c *TrainConfig) { c.Seed++ }, "Seed"},
		{func(c *TrainConfig) { c.LR *= 2 }, "LR"},
	} {
		other := tc
		c.edit(&other)
		net, _ := New(be, tinyConfig())
		tr, err := NewTrainer(net, tinyData(5), other)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := tr.Resume(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("resuming with another %s: %v", c.want, err)
		}
	}
	longer := tc
	longer.TotalSteps = 4
	net, _ = New(be, tinyConfig())
	tr, _ = NewTrainer(net, tinyData(5), longer)
	if p, _, err := tr.Resume(); err != nil || p == "" || tr.Step() != 2 {
		t.Errorf("extending the run: resumed %q at step %d, %v", p, tr.Step(), err)
	}
}
