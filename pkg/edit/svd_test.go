package edit

import (
	"math"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"gonum.org/v1/gonum/mat"
)

// mlpDenoiser is D(x;σ) = x/(1+σ²) + A·tanh(Bx) with random A (n×h) and
// B (h×n): a smooth map whose Jacobian I/(1+σ²) + A·diag(1−tanh²(Bx))·B has
// a full, spread-out spectrum (unlike the true posterior's, of rank ≤ Σd_k).
func mlpDenoiser(n, h int, seed uint64) experiment.DenoiserSpec {
	a := mat.NewDense(n, h, nil)
	b := mat.NewDense(h, n, nil)
	for i, v := range RandomDirection(n*h, seed) {
		a.RawMatrix().Data[i] = v * math.Sqrt(float64(n))
	}
	for i, v := range RandomDirection(n*h, seed+1) {
		b.RawMatrix().Data[i] = v * math.Sqrt(float64(h))
	}
	f := func(x, sigma *graph.Node) *graph.Node {
		g := x.Graph()
		at := graph.ConstTensor(g, tensors.FromFlatDataAndDimensions(append([]float64(nil), a.RawMatrix().Data...), n, h))
		bt := graph.ConstTensor(g, tensors.FromFlatDataAndDimensions(append([]float64(nil), b.RawMatrix().Data...), h, n))
		shrink := graph.Reciprocal(graph.OnePlus(graph.Square(sigma)))
		lin := graph.Mul(x, graph.InsertAxes(shrink, -1))
		hid := graph.Tanh(graph.MatMul(x, graph.Transpose(bt, 0, 1)))
		return graph.Add(lin, graph.MatMul(hid, graph.Transpose(at, 0, 1)))
	}
	return experiment.DenoiserSpec{Name: "mlp", D: f}
}

// The subspace iteration (Jacobian-vector products by double VJPs) against
// the SVD of the whole Jacobian (n VJPs), with and without a mask: every
// ς_i within the stated bound Tol·ς_1/√2 (plus rounding), and the right
// singular vectors equal up to sign where the spectrum has a gap.
func TestIterateMatchesFullSVD(t *testing.T) {
	truth, m := truthEditor(t, 3)
	x := componentSample(t, m, 0, 5)
	for i := range x {
		x[i] += 0.8 * RandomDirection(len(x), 17)[i] * math.Sqrt(float64(len(x)))
	}
	mask, err := PixelMask(func() []float64 { r, _ := RectMask(4, 4, 0, 0, 2, 4); return r }(), 3)
	if err != nil {
		t.Fatal(err)
	}
	mlp, err := New(backend.Must(), mlpDenoiser(64, 40, 1), 64)
	if err != nil {
		t.Fatal(err)
	}
	y := RandomDirection(64, 4)
	umask, _ := RectMask(8, 8, 2, 2, 6, 6)
	cases := []struct {
		name  string
		e     *Editor
		x     []float64
		sigma float64
		mask  []float64
	}{
		{"true posterior, σ = 0.8", truth, x, 0.8, nil},
		{"true posterior, σ = 0.8, left half", truth, x, 0.8, mask},
		{"x/(1+σ²) + A·tanh(Bx), n = 64", mlp, y, 1, nil},
		{"x/(1+σ²) + A·tanh(Bx), n = 64, centre", mlp, y, 1, umask},
	}
	const r, tol = 4, 1e-4
	for _, c := range cases {
		t0 := time.Now()
		full, err := c.e.TopSVD(c.x, c.sigma, SVDOptions{R: r, Method: Full, Mask: c.mask})
		if err != nil {
			t.Fatal(c.name, err)
		}
		t1 := time.Now()
		it, err := c.e.TopSVD(c.x, c.sigma, SVDOptions{R: r, Method: Iterate, Mask: c.mask, Tol: tol, Seed: 3})
		if err != nil {
			t.Fatal(c.name, err)
		}
		t.Logf("%s: full %.2fs, %d iterations %.2fs; ς full %.5g, iterated %.5g", c.name, t1.Sub(t0).Seconds(), it.Iterations, time.Since(t1).Seconds(), full.Values, it.Values)
		for i := range r {
			if d := math.Abs(it.Values[i] - full.Values[i]); d > tol*full.Values[0]/math.Sqrt2+1e-6*full.Values[0] {
				t.Errorf("%s: ς_%d = %.8g iterated, %.8g full: off by %.3g·ς_1, want ≤ tol/√2", c.name, i+1, it.Values[i], full.Values[i], d/full.Values[0])
			}
			if it.Residual[i] > tol*it.Values[0] {
				t.Errorf("%s: residual %d = %.3g, want ≤ tol·ς_1", c.name, i+1, it.Residual[i])
			}
			gap := math.Inf(1)
			if i > 0 {
				gap = full.Values[i-1] - full.Values[i]
			}
			if i+1 < len(full.Values) {
				gap = math.Min(gap, full.Values[i]-full.Values[i+1])
			}
			if gap < 0.05*full.Values[0] {
				continue // a near-multiple singular value: its vector is not determined
			}
			cos := math.Abs(mat.Dot(it.V.ColView(i), full.V.ColView(i)))
			// sin∠ ≤ residual/gap (Wedin); allow 10× for the bound's constants.
			if 1-cos > math.Pow(10*it.Residual[i]/gap, 2)+1e-9 {
				t.Errorf("%s: |⟨v_%d iterated, v_%d full⟩| = %.8f, want ≥ 1 − (10·residual/gap)²", c.name, i+1, i+1, cos)
			}
		}
	}
}
