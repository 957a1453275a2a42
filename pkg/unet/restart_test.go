package unet

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
)

func randRows(seed uint64, n, dim int) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = float32(rng.NormFloat64() * 0.5)
		}
	}
	return out
}

// TestRestartIsAFreshRun trains a network on data A, restarts the same
// trainer on data B with another seed and batch, and compares every
// variable and the history with a run on B by a new network and trainer:
// they must be bit-for-bit identical. A restart with another Adam β₂ (a
// constant of the compiled step) must drop the compiled graphs.
func TestRestartIsAFreshRun(t *testing.T) {
	be := backend.Must()
	tc := tinyTrainConfig()
	tc.TotalSteps, tc.StepsPerExec, tc.LogEvery = 20, 5, 10
	a, b := randRows(1, 9, 48), randRows(2, 13, 48)
	tcB := tc
	tcB.Seed, tcB.BatchSize = 99, 3

	fresh := func(data [][]float32, c TrainConfig) map[string][]float32 {
		net, err := New(be, tinyConfig())
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainerFromSlices(net, data, c)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Train(context.Background()); err != nil {
			t.Fatal(err)
		}
		return snapshot(t, net)
	}
	net, err := New(be, tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainerFromSlices(net, a, tc)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []TrainConfig{tcB} {
		if err := tr.Restart(b, c); err != nil {
			t.Fatal(err)
		}
		if tr.Step() != 0 || len(tr.History()) != 0 {
			t.Fatalf("after Restart: step %d, %d records", tr.Step(), len(tr.History()))
		}
		if err := tr.Train(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, want := snapshot(t, net), fresh(b, c)
		if len(got) != len(want) {
			t.Fatalf("%d variables, want %d", len(got), len(want))
		}
		for path, w := range want {
			g := got[path]
			for i := range w {
				if g[i] != w[i] {
					t.Fatalf("β₂ = %v: %s[%d] = %v after Restart, %v in a fresh run", c.Beta2, path, i, g[i], w[i])
				}
			}
		}
		if h := tr.History(); len(h) != 2 || h[1].Step != 20 {
			t.Errorf("history after Restart: %+v", h)
		}
	}
	if tr.loopExec == nil {
		t.Fatal("no compiled loop after training")
	}
	kept := tr.loopExec
	if err := tr.Restart(b, tcB); err != nil || tr.loopExec != kept {
		t.Errorf("Restart with the same Adam constants dropped the compiled loop (%v)", err)
	}
	other := tcB
	other.Beta2 = 0.99
	if err := tr.Restart(b, other); err != nil || tr.loopExec != nil || tr.exec != nil {
		t.Errorf("Restart with another β₂ kept the compiled graphs (%v)", err)
	}
	if err := tr.Restart(nil, tc); err == nil {
		t.Error("Restart with no data")
	}
	if err := tr.Restart(randRows(3, 2, 47), tc); err == nil {
		t.Error("Restart with images of the wrong size")
	}
	bad := tc
	bad.BatchSize = 0
	if err := tr.Restart(b, bad); err == nil {
		t.Error("Restart with batch 0")
	}
}
