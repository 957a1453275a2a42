package dae

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSnapshots checks Config.Snapshots on both kernels against separate
// runs: with a constant step size the snapshot after s steps is the result
// of training s steps, step 0 is the initial basis, the last snapshot is the
// result, and asking for snapshots changes nothing in the result.
func TestSnapshots(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, d := 8, 2
	var instances []Instance
	for i := range 2 {
		u := randomBasis(n, d, rng)
		var x mat.Dense
		x.Mul(gaussian(20, d, rng), u.T())
		instances = append(instances, Instance{X: &x, Seed: uint64(i + 1)})
	}
	for _, kernel := range []Kernel{KernelHost, KernelGraph} {
		t.Run(kernel.String(), func(t *testing.T) {
			cfg := testConfig(ParamSingleGaussian, d)
			cfg.Kernel = kernel
			cfg.StepSize, cfg.FinalStepSize, cfg.Steps, cfg.StepsPerExec = 0.3, 0.3, 60, 25
			plain, err := Train(cfg, instances)
			if err != nil {
				t.Fatal(err)
			}
			short := cfg
			short.Steps = 30
			at30, err := Train(short, instances)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Snapshots = []int{0, 30, 60}
			res, err := Train(cfg, instances)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Snapshots) != 3 {
				t.Fatalf("%d snapshots, want 3", len(res.Snapshots))
			}
			for i, in := range instances {
				init := InitialBasis(&cfg, InstanceKey(cfg.Seed, in.Seed), 0, nil, n)
				for _, c := range []struct {
					name      string
					got, want *mat.Dense
					tol       float64
				}{
					{"step 0 vs InitialBasis", res.Snapshots[0][i][0], init, 1e-6},
					{"step 30 vs a 30-step run", res.Snapshots[1][i][0], at30.Bases[i][0], 0},
					{"step 60 vs the result", res.Snapshots[2][i][0], res.Bases[i][0], 0},
					{"result vs a run without snapshots", res.Bases[i][0], plain.Bases[i][0], 0},
				} {
					if e := maxAbsDiff(c.got, c.want); e > c.tol {
						t.Errorf("instance %d: %s: max |Δ| = %g", i, c.name, e)
					}
				}
			}
		})
	}
	bad := testConfig(ParamSingleGaussian, d)
	for _, s := range [][]int{{-1}, {5, 5}, {bad.Steps + 1}} {
		bad.Snapshots = s
		if err := bad.Validate(n); err == nil {
			t.Errorf("Snapshots %v accepted", s)
		} else if !strings.Contains(err.Error(), "Snapshots") {
			t.Errorf("Snapshots %v: error %q does not name Snapshots", s, err)
		}
	}
}

func maxAbsDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	m := 0.0
	for _, v := range d.RawMatrix().Data {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
