package jacobian_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

func gaussian(r, c int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := mat.NewDense(r, c, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return x
}

// constOf puts a host matrix into x's graph, in x's dtype.
func constOf(x *graph.Node, a *mat.Dense) *graph.Node {
	r, c := a.Dims()
	t := tensors.FromFlatDataAndDimensions(append([]float64(nil), a.RawMatrix().Data...), r, c)
	return graph.ConvertDType(graph.ConstTensor(x.Graph(), t), x.DType())
}

// linear is y_b = A x_b for the rows of x: [B, n] → [B, m].
func linear(a *mat.Dense) func(x *graph.Node) *graph.Node {
	return func(x *graph.Node) *graph.Node { return graph.MatMul(x, graph.Transpose(constOf(x, a), 0, 1)) }
}

func maxAbsDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1)) // max row sum ≥ max entry
}

// The Jacobian of a linear map is its matrix, whatever the rows per pass
// (3 does not divide n = 7: the last pass is padded).
func TestLinear(t *testing.T) {
	a := gaussian(7, 7, 1)
	x := gaussian(4, 7, 2)
	for _, rows := range []int{0, 1, 3, 7, 20} {
		c, err := jacobian.New(backend.Must(), func(x, _ *graph.Node) *graph.Node { return linear(a)(x) }, jacobian.Options{Rows: rows})
		if err != nil {
			t.Fatal(err)
		}
		js, err := c.At(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) != 4 {
			t.Fatalf("%d Jacobians, want 4", len(js))
		}
		for b, j := range js {
			if d := maxAbsDiff(j, a); d > 1e-12 {
				t.Errorf("rows %d, point %d: ‖J − A‖ = %.3g, want 0", rows, b, d)
			}
		}
	}
}

// Image-shaped input: the function sees [B, 3, 2, 2]; the Jacobian of the
// flattened map is still A.
func TestOfShape(t *testing.T) {
	a := gaussian(12, 12, 3)
	var seen []int
	f := func(x *graph.Node) *graph.Node {
		seen = x.Shape().Dimensions
		b := x.Shape().Dim(0)
		return graph.Reshape(linear(a)(graph.Reshape(x, b, 12)), b, 3, 2, 2)
	}
	js, err := jacobian.OfShape(backend.Must(), f, gaussian(2, 12, 4), []int{3, 2, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen[1] != 3 {
		t.Errorf("function saw shape %v, want [B 3 2 2]", seen)
	}
	for _, j := range js {
		if d := maxAbsDiff(j, a); d > 1e-12 {
			t.Errorf("‖J − A‖ = %.3g, want 0", d)
		}
	}
}

// A nonlinear map, f(x)_i = tanh((Wx)_i) + x_i·‖x‖²/n, against central
// finite differences of a host (plain Go) implementation.
func TestNonlinearFiniteDifferences(t *testing.T) {
	const n = 6
	w := gaussian(n, n, 5)
	f := func(x *graph.Node) *graph.Node {
		wx := graph.MatMul(x, graph.Transpose(constOf(x, w), 0, 1))
		s := graph.DivScalar(graph.ReduceSum(graph.Square(x), -1), n)
		return graph.Add(graph.Tanh(wx), graph.Mul(x, graph.InsertAxes(s, -1)))
	}
	host := func(x []float64) []float64 {
		s := 0.0
		for _, v := range x {
			s += v * v
		}
		y := make([]float64, n)
		for i := range n {
			wx := 0.0
			for k := range n {
				wx += w.At(i, k) * x[k]
			}
			y[i] = math.Tanh(wx) + x[i]*s/n
		}
		return y
	}
	x := gaussian(3, n, 6)
	js, err := jacobian.Of(backend.Must(), f, x)
	if err != nil {
		t.Fatal(err)
	}
	for b := range 3 {
		fd := finiteDifferences(host, x.RawRowView(b))
		if d := maxAbsDiff(js[b], fd); d > 1e-6 {
			t.Errorf("point %d: ‖J_autodiff − J_fd‖ = %.3g, want < 1e-6", b, d)
		}
	}
}

// finiteDifferences is the central-difference Jacobian of a host function.
func finiteDifferences(f func([]float64) []float64, x []float64) *mat.Dense {
	const h = 1e-5
	n := len(x)
	m := len(f(x))
	j := mat.NewDense(m, n, nil)
	xp := make([]float64, n)
	for k := range n {
		copy(xp, x)
		xp[k] = x[k] + h
		yp := f(xp)
		xp[k] = x[k] - h
		ym := f(xp)
		for i := range m {
			j.Set(i, k, (yp[i]-ym[i])/(2*h))
		}
	}
	return j
}

func truth(m *molrg.Model) func(x, sigma *graph.Node) *graph.Node {
	return func(x, sigma *graph.Node) *graph.Node {
		return m.PosteriorMeanGraph(x, graph.ScalarOne(x.Graph(), x.DType()), sigma)
	}
}

// The ground-truth posterior mean (eq. 8), differentiated in-graph, against
// central finite differences of molrg.PosteriorMean (the float64 host code).
func TestPosteriorMeanFiniteDifferences(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 8, Dims: []int{2, 3}}, 2) // independent, non-orthogonal subspaces
	if err != nil {
		t.Fatal(err)
	}
	c, _ := jacobian.New(backend.Must(), truth(m), jacobian.Options{})
	for _, sigma := range []float64{0.3, 1, 3} {
		x := gaussian(3, 8, 7)
		js, err := c.At(x, sigma)
		if err != nil {
			t.Fatal(err)
		}
		for b := range 3 {
			host := func(v []float64) []float64 {
				pm, err := m.PosteriorMean(mat.NewDense(1, 8, append([]float64(nil), v...)), 1, sigma)
				if err != nil {
					t.Fatal(err)
				}
				return pm.RawRowView(0)
			}
			fd := finiteDifferences(host, x.RawRowView(b))
			if d := maxAbsDiff(js[b], fd); d > 1e-6 {
				t.Errorf("σ = %v, point %d: ‖J_autodiff − J_fd‖ = %.3g, want < 1e-6", sigma, b, d)
			}
		}
	}
}

// Lemma 2 and Figure 3 on the ground truth, K = 2, d = (2, 3), n = 12:
// at high SNR (σ = 0.01) near subspace k the soft-max weights are one-hot and
// the Jacobian ≈ U_kU_kᵀ/(1+σ²) has numerical rank d_k; at low SNR (σ = 20)
// the weights are ≈ π and the Jacobian ≈ (U_1U_1ᵀ + U_2U_2ᵀ)/(2(1+σ²)) reaches
// the bound Σ_k d_k = 5.
func TestRankOfTruePosteriorMean(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 4)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.Sample(20, 5)
	c, _ := jacobian.New(backend.Must(), truth(m), jacobian.Options{})
	for _, sigma := range []float64{0.01, 20} {
		// x_t = x₀ + σε (eq. 3, s_t = 1).
		var xt mat.Dense
		xt.Scale(sigma, gaussian(20, 12, 6))
		xt.Add(&xt, data.X)
		js, err := c.At(&xt, sigma)
		if err != nil {
			t.Fatal(err)
		}
		ranks, err := jacobian.Ranks(js, 0.99)
		if err != nil {
			t.Fatal(err)
		}
		for b, r := range ranks {
			want := 5
			if sigma < 1 {
				want = m.Dims()[data.Labels[b]]
			}
			if r != want || r > m.RankBound() {
				t.Errorf("σ = %v, point %d (component %d): numerical rank %d, want %d (≤ Σd_k = %d)", sigma, b, data.Labels[b], r, want, m.RankBound())
			}
		}
	}
}

// A function reading its parameters from a model.Store (like a trained U-Net).
func TestStore(t *testing.T) {
	a := gaussian(5, 5, 9)
	store := model.NewStore()
	v := store.RootScope().VariableWithValue("a", tensors.FromFlatDataAndDimensions(append([]float64(nil), a.RawMatrix().Data...), 5, 5))
	f := func(x, _ *graph.Node) *graph.Node {
		return graph.MatMul(x, graph.Transpose(v.ValueGraph(x.Graph()), 0, 1))
	}
	c, err := jacobian.New(backend.Must(), f, jacobian.Options{Store: store, Rows: 2})
	if err != nil {
		t.Fatal(err)
	}
	js, err := c.At(gaussian(3, 5, 1), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if d := maxAbsDiff(j, a); d > 1e-12 {
			t.Errorf("‖J − A‖ = %.3g, want 0", d)
		}
	}
}

func TestErrors(t *testing.T) {
	id := func(x, _ *graph.Node) *graph.Node { return x }
	c, _ := jacobian.New(backend.Must(), id, jacobian.Options{})
	nan := gaussian(2, 3, 1)
	nan.Set(1, 0, math.NaN())
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"NaN", func() error { _, e := c.At(nan, 1); return e }(), "x[1][0]"},
		{"sigma", func() error { _, e := c.At(gaussian(2, 3, 1), 0); return e }(), "σ > 0"},
		{"empty", func() error { _, e := c.At(&mat.Dense{}, 1); return e }(), "empty"},
		{"rows", func() error { _, e := jacobian.New(backend.Must(), id, jacobian.Options{Rows: -1}); return e }(), "Rows ≥ 0"},
		{"shape", func() error {
			_, e := jacobian.OfShape(backend.Must(), func(x *graph.Node) *graph.Node { return x }, gaussian(2, 5, 1), []int{2, 2})
			return e
		}(), "sample shape"},
		{"output size", func() error {
			_, e := jacobian.Of(backend.Must(), func(x *graph.Node) *graph.Node { return graph.ReduceSum(x, -1) }, gaussian(2, 3, 1))
			return e
		}(), "values per sample"},
		{"frac", func() error { _, e := jacobian.Ranks(nil, 0); return e }(), "fraction"},
		{"trajectory", func() error { _, e := c.RankAlong([]*mat.Dense{gaussian(1, 3, 1)}, nil, 0.99); return e }(), "one level per state"},
	}
	for _, tc := range cases {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, tc.err, tc.want)
		}
	}
}
