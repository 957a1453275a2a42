package dae

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// TestPolarVsSVD compares the in-graph Newton–Schulz polar factor with WVᵀ
// from gonum's SVD, for matrices near O^{n×d} (as after an SGD step) with the
// default iterations, and with more iterations for Gaussian matrices
// (square ones included) and an ill-conditioned one (σ_min/σ_max = 1e-2).
func TestPolarVsSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type tc struct {
		name string
		y    *mat.Dense
		tol  float64 // float32 rounding in WVᵀ grows like 1e-7·σ_max/σ_min
		its  int     // Newton–Schulz iterations (0: the default)
	}
	var cases []tc
	for _, nd := range [][2]int{{48, 6}, {16, 3}, {48, 12}, {5, 5}, {7, 1}} {
		n, d := nd[0], nd[1]
		u := randomBasis(n, d, rng)
		step := gaussian(n, d, rng)
		step.Scale(0.3, step)
		step.Add(step, u)
		cases = append(cases, tc{"near", step, 2e-5, 0}, tc{"gaussian", gaussian(n, d, rng), 2e-5, 40})
	}
	{ // ill-conditioned: W diag(1, ..., 1e-2) Vᵀ
		n, d := 20, 4
		w, v := randomBasis(n, d, rng), randomBasis(d, d, rng)
		s := mat.NewDiagDense(d, []float64{1, 0.5, 0.1, 0.01})
		var y mat.Dense
		y.Mul(w, s)
		y.Mul(&y, v.T())
		cases = append(cases, tc{"illcond", &y, 1e-4, 30})
	}
	for _, c := range cases {
		n, d := c.y.Dims()
		out, err := ExecOnce(testBackend(), func(y *Node) *Node { return Polar(y, c.its) }, toF32([]*mat.Dense{c.y}, n, d))
		if err != nil {
			t.Fatal(err)
		}
		got := fromF32(out)[0]
		want := svdPolar(c.y)
		var diff mat.Dense
		diff.Sub(got, want)
		if e := mat.Norm(&diff, math.Inf(1)); e > c.tol {
			t.Errorf("%s %dx%d: max |P_NS − WVᵀ| = %.3g, want ≤ %g", c.name, n, d, e, c.tol)
		}
		t.Logf("%s %dx%d: max |P_NS − WVᵀ| = %.2g", c.name, n, d, mat.Norm(&diff, math.Inf(1)))
		var gram mat.Dense
		gram.Mul(got.T(), got)
		for i := range d {
			gram.Set(i, i, gram.At(i, i)-1)
		}
		if e := mat.Norm(&gram, math.Inf(1)); e > 2e-6 {
			t.Errorf("%s %dx%d: max |XᵀX − I| = %.3g, want ≤ 2e-6", c.name, n, d, e)
		}
	}
}

// TestPolarBatched checks that a batch [I, K, n, d] is projected matrix by
// matrix.
func TestPolarBatched(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const inst, k, n, d = 3, 2, 10, 3
	var ys []*mat.Dense
	for range inst * k {
		ys = append(ys, gaussian(n, d, rng))
	}
	out, err := ExecOnce(testBackend(), func(y *Node) *Node { return Polar(y, 40) }, toF32(ys, inst, k, n, d))
	if err != nil {
		t.Fatal(err)
	}
	for i, got := range fromF32(out) {
		var diff mat.Dense
		diff.Sub(got, svdPolar(ys[i]))
		if e := mat.Norm(&diff, math.Inf(1)); e > 2e-5 {
			t.Errorf("matrix %d: max |P_NS − WVᵀ| = %.3g", i, e)
		}
	}
}

// TestMulReduceMatchesDot: the broadcast-and-sum contraction Polar uses on
// XLA equals batchedDot for the contractions Polar makes (aᵀb over the rows,
// a·b).
func TestMulReduceMatchesDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	a := gaussian(3*7, 4, rng)
	b := gaussian(3*7, 4, rng)
	sq := gaussian(3*4, 4, rng)
	for _, c := range []struct {
		name   string
		a, b   *mat.Dense
		ad, bd []int
		ca, cb int
	}{
		{"gram", a, b, []int{3, 7, 4}, []int{3, 7, 4}, 1, 1},
		{"x·p", a, sq, []int{3, 7, 4}, []int{3, 4, 4}, 2, 1},
		{"p·m", sq, sq, []int{3, 4, 4}, []int{3, 4, 4}, 2, 1},
	} {
		x, y := toF32([]*mat.Dense{c.a}, c.ad...), toF32([]*mat.Dense{c.b}, c.bd...)
		dot, err := ExecOnce(testBackend(), func(x, y *Node) *Node { return batchedDot(x, c.ca, y, c.cb) }, x, y)
		if err != nil {
			t.Fatal(err)
		}
		red, err := ExecOnce(testBackend(), func(x, y *Node) *Node { return mulReduce(x, c.ca, y, c.cb) }, x, y)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(dot.Shape().Dimensions, red.Shape().Dimensions) {
			t.Fatalf("%s: shapes %v and %v", c.name, dot.Shape(), red.Shape())
		}
		want, got := tensors.MustCopyFlatData[float32](dot), tensors.MustCopyFlatData[float32](red)
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-5 {
				t.Fatalf("%s: [%d] = %v, want %v", c.name, i, got[i], want[i])
			}
		}
	}
}
