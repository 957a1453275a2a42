package metrics_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

func gaussian(r, c int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := mat.NewDense(r, c, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return x
}

// Brute force: a double loop over pairs.
func TestNearestDistancesBruteForce(t *testing.T) {
	x, ref := gaussian(300, 7, 1), gaussian(50, 7, 2) // 300 rows: two blocks
	got, err := metrics.NearestDistances(x, ref)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 300 {
		best := math.Inf(1)
		for i := range 50 {
			s := 0.0
			for k := range 7 {
				d := x.At(j, k) - ref.At(i, k)
				s += d * d
			}
			best = min(best, math.Sqrt(s))
		}
		if math.Abs(got[j]-best) > 1e-12 {
			t.Fatalf("row %d: nearest distance %v, want %v", j, got[j], best)
		}
	}
}

func molrgSets(t *testing.T) (*molrg.Model, *mat.Dense) {
	m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	train, err := m.Sample(100, 10)
	if err != nil {
		t.Fatal(err)
	}
	return m, train.X
}

// Generated = training set: every nearest distance is exactly 0, GL = 0.
func TestGLMemorizing(t *testing.T) {
	m, train := molrgSets(t)
	fresh, _ := m.Sample(500, 11)
	gl, err := metrics.GL(train, fresh.X, train)
	if err != nil {
		t.Fatal(err)
	}
	if gl != 0 {
		t.Errorf("GL of the training set itself = %v, want 0", gl)
	}
}

// Generated = a fresh MoLRG draw: same distribution as the fresh set, GL ≈ 1
// (Monte Carlo: two means of 1000 nearest distances, a few % apart).
func TestGLGeneralizing(t *testing.T) {
	m, train := molrgSets(t)
	gen, _ := m.Sample(1000, 12)
	fresh, _ := m.Sample(1000, 13)
	gl, err := metrics.GL(gen.X, fresh.X, train)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(gl-1) > 0.1 {
		t.Errorf("GL of a fresh draw = %.3f, want 1 ± 0.1", gl)
	}
}

func TestGLErrors(t *testing.T) {
	a, b := gaussian(3, 4, 1), gaussian(3, 5, 2)
	nan := gaussian(3, 4, 3)
	nan.Set(2, 1, math.NaN())
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"dims", func() error { _, e := metrics.GL(a, a, b); return e }(), "same dimension"},
		{"NaN", func() error { _, e := metrics.GL(nan, a, a); return e }(), "x[2][1]"},
		{"empty", func() error { _, e := metrics.GL(&mat.Dense{}, a, a); return e }(), "empty"},
		{"fresh = train", func() error { _, e := metrics.GL(a, a, a); return e }(), "independent"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, c.err, c.want)
		}
	}
}
