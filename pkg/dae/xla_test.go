package dae

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// TestXLAWhileLoop runs where the project backend is not the pure-Go one
// (XLA): Algorithm 1 with its steps in a While loop must match the same steps
// executed one per call, and an instance's result must not depend on its
// place in the batch (to float32 rounding: the dynamics amplify rounding
// differences, so only 10 steps are compared; both checks reuse one graph
// shape to keep compilation short).
func TestXLAWhileLoop(t *testing.T) {
	be, err := backend.Default()
	if err != nil || backend.IsGo(be) {
		t.Skip("no XLA backend")
	}
	var insts []Instance
	for i, nk := range []int{3, 7} {
		m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 2}, Orthogonal: true, Noise: 0.05}, uint64(90+i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.SampleCounts([]int{nk, nk}, uint64(95+i))
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
	}
	cfg := DefaultConfig(ParamSoftMax, 2, 2)
	cfg.Backend = be
	cfg.Steps, cfg.StepsPerExec, cfg.LogEvery = 10, 5, 1
	loop, err := Train(cfg, insts)
	if err != nil {
		t.Fatal(err)
	}
	swapped, err := Train(cfg, []Instance{insts[1], insts[0]})
	if err != nil {
		t.Fatal(err)
	}
	cfg.unrolled = true
	unrolled, err := Train(cfg, insts)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, a, b [][]*mat.Dense, la, lb [][]float64) {
		for i := range a {
			for k := range a[i] {
				var diff mat.Dense
				diff.Sub(a[i][k], b[i][k])
				if e := mat.Norm(&diff, math.Inf(1)); e > 1e-5 {
					t.Errorf("%s: instance %d basis %d differs by %.3g", what, i, k, e)
				}
			}
			for w := range la[i] {
				if e := math.Abs(la[i][w] - lb[i][w]); e > 1e-5*(1+math.Abs(la[i][w])) {
					t.Errorf("%s: instance %d step %d loss %v vs %v", what, i, w, la[i][w], lb[i][w])
				}
			}
		}
	}
	check("While loop vs one step per call", loop.Bases, unrolled.Bases, loop.Loss, unrolled.Loss)
	check("instances swapped in the batch", loop.Bases, [][]*mat.Dense{swapped.Bases[1], swapped.Bases[0]},
		loop.Loss, [][]float64{swapped.Loss[1], swapped.Loss[0]})
}
