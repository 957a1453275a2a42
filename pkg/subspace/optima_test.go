package subspace

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// orthonormalError is max |UᵀU − I|.
func orthonormalError(u *mat.Dense) float64 {
	var g mat.Dense
	g.Mul(u.T(), u)
	_, d := u.Dims()
	worst := 0.0
	for i := range d {
		for j := range d {
			want := 0.0
			if i == j {
				want = 1
			}
			worst = math.Max(worst, math.Abs(g.At(i, j)-want))
		}
	}
	return worst
}

// With N < d noiseless samples every returned basis attains the PCA objective
// (checked against PCA itself), and the distances to the true subspace sweep
// from 0 to √(2(d−N)) as sin α_i: the objective cannot tell them apart.
// With N ≥ d every optimum is PCA's subspace.
func TestPCAOptima(t *testing.T) {
	const n, d = 20, 5
	rng := rand.New(rand.NewPCG(3, 4))
	truth := mat.NewDense(n, d, nil)
	for i := range truth.RawMatrix().Data {
		truth.RawMatrix().Data[i] = rng.NormFloat64()
	}
	truth = leading(truth, d)
	for _, samples := range []int{2, 5, 9} {
		a := mat.NewDense(samples, d, nil)
		for i := range a.RawMatrix().Data {
			a.RawMatrix().Data[i] = rng.NormFloat64()
		}
		var x mat.Dense
		x.Mul(a, truth.T())
		pca, err := PCA(&x, d)
		if err != nil {
			t.Fatal(err)
		}
		best := PCAObjective(&x, pca)
		const count = 7
		opt, err := PCAOptima(&x, d, count, truth, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i, u := range opt {
			if e := orthonormalError(u); e > 1e-12 {
				t.Errorf("N = %d optimum %d: not orthonormal (%.1e)", samples, i, e)
			}
			if f := PCAObjective(&x, u); math.Abs(f-best) > 1e-9*best {
				t.Errorf("N = %d optimum %d: objective %.12g, PCA %.12g", samples, i, f, best)
			}
			dist := Distance(u, truth)
			want := 0.0 // N ≥ d: the data span the true subspace
			if samples < d {
				want = math.Sqrt(2*float64(d-samples)) * math.Sin(math.Pi/2*float64(i)/(count-1))
			}
			if math.Abs(dist-want) > 1e-9 {
				t.Errorf("N = %d optimum %d: distance to the truth %.10f, want %.10f", samples, i, dist, want)
			}
		}
	}
}

func TestPCAOptimaRandomAndErrors(t *testing.T) {
	x := mat.NewDense(2, 6, []float64{1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0})
	opt, err := PCAOptima(x, 4, 3, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if Distance(opt[0], opt[1]) < 1e-3 {
		t.Error("random completions are identical")
	}
	for _, u := range opt {
		if PCAObjective(x, u) != 2 || orthonormalError(u) > 1e-12 {
			t.Errorf("random completion: objective %v (want 2), orthonormality %.1e", PCAObjective(x, u), orthonormalError(u))
		}
	}
	if _, err := PCAOptima(x, 7, 3, nil, 1); err == nil || !strings.Contains(err.Error(), "d = 7") {
		t.Errorf("d > n: err = %v", err)
	}
	if _, err := PCAOptima(x, 2, 0, nil, 1); err == nil || !strings.Contains(err.Error(), "number of optima = 0") {
		t.Errorf("count 0: err = %v", err)
	}
	if _, err := PCAOptima(x, 2, 1, mat.NewDense(3, 2, nil), 1); err == nil || !strings.Contains(err.Error(), "want n = 6") {
		t.Errorf("bad toward: err = %v", err)
	}
}
