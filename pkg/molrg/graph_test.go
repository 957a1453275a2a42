package molrg

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
	"gonum.org/v1/gonum/mat"
)

// toTensor returns x as a [rows, cols] tensor of float64 or float32.
func toTensor(x *mat.Dense, f32 bool) *tensors.Tensor {
	r, c := x.Dims()
	if !f32 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), x.RawMatrix().Data...), r, c)
	}
	flat := make([]float32, 0, r*c)
	for i := range r {
		for _, v := range x.RawRowView(i) {
			flat = append(flat, float32(v))
		}
	}
	return tensors.FromFlatDataAndDimensions(flat, r, c)
}

// toFloat64 returns the flat data of a float32 or float64 tensor.
func toFloat64(t *tensors.Tensor) []float64 {
	if v, ok := t.Value().([][]float64); ok {
		var out []float64
		for _, row := range v {
			out = append(out, row...)
		}
		return out
	}
	var out []float64
	for _, row := range t.Value().([][]float32) {
		for _, x := range row {
			out = append(out, float64(x))
		}
	}
	return out
}

// hostRows evaluates a host function row by row with per-row levels.
func hostRows(t *testing.T, xt *mat.Dense, s, sigma []float64, f func(x *mat.Dense, s, sigma float64) (*mat.Dense, error)) []float64 {
	t.Helper()
	r, n := xt.Dims()
	var out []float64
	for i := range r {
		y, err := f(mat.NewDense(1, n, xt.RawRowView(i)), s[i], sigma[i])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, y.RawRowView(0)...)
	}
	return out
}

func TestGraphMatchesHost(t *testing.T) {
	m, err := New(Params{N: 6, Dims: []int{2, 1, 3}, Pi: []float64{0.25, 0.15, 0.6}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	const b = 7
	xt := randomPoints(b, 6, 1.5, 8)
	sv := []float64{1, 0.9, 0.5, 1.2, 0.7, 1, 0.3}
	sigv := []float64{0.01, 0.3, 1, 2, 5, 40, 0.8}
	exec := graph.MustNewExec(backend.Must(), func(x, s, sigma *graph.Node) []*graph.Node {
		return []*graph.Node{m.WeightsGraph(x, s, sigma), m.PosteriorMeanGraph(x, s, sigma), m.ScoreGraph(x, s, sigma)}
	})
	hosts := []func(*mat.Dense, float64, float64) (*mat.Dense, error){m.Weights, m.PosteriorMean, m.Score}
	names := []string{"weights", "posterior mean", "score"}
	for _, f32 := range []bool{false, true} {
		// Levels as [B], [B, 1] and scalars (then every row has s = sv[0], σ = sigv[2]).
		scal := func(v []float64, i int) any {
			if f32 {
				return float32(v[i])
			}
			return v[i]
		}
		vec := func(v []float64) any {
			if f32 {
				o := make([]float32, len(v))
				for i := range v {
					o[i] = float32(v[i])
				}
				return o
			}
			return v
		}
		col := func(v []float64) any { return toTensor(mat.NewDense(len(v), 1, v), f32) }
		cases := []struct {
			name      string
			s, sigma  any
			hs, hsigm []float64
		}{
			{"[B]", vec(sv), vec(sigv), sv, sigv},
			{"[B,1]", col(sv), col(sigv), sv, sigv},
			{"scalar", scal(sv, 0), scal(sigv, 2), fill(b, sv[0]), fill(b, sigv[2])},
			{"mixed", scal(sv, 0), vec(sigv), fill(b, sv[0]), sigv},
		}
		for _, c := range cases {
			outs, err := exec.Call(toTensor(xt, f32), c.s, c.sigma)
			if err != nil {
				t.Fatalf("f32=%v %s: %v", f32, c.name, err)
			}
			for o, h := range hosts {
				want := hostRows(t, xt, c.hs, c.hsigm, h)
				got := toFloat64(outs[o])
				for i := range want {
					tol := 1e-10 * (1 + math.Abs(want[i]))
					if f32 {
						tol = 1e-4 * (1 + math.Abs(want[i]))
					}
					if math.Abs(got[i]-want[i]) > tol {
						t.Fatalf("f32=%v levels %s: graph %s[%d] = %.12g, host %.12g", f32, c.name, names[o], i, got[i], want[i])
					}
				}
			}
		}
	}
}

func fill(n int, v float64) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = v
	}
	return o
}

// TestGraphJacobian differentiates PosteriorMeanGraph by autodiff, compares
// the Jacobian with central differences of the host PosteriorMean, and checks
// Lemma 2: its rank is at most Σ_k d_k (here it equals it).
func TestGraphJacobian(t *testing.T) {
	m, err := New(Params{N: 6, Dims: []int{2, 1}, Pi: []float64{0.45, 0.55}, Orthogonal: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	const b, n, s, sigma = 3, 6, 0.9, 0.7
	xt := randomPoints(b, n, 1.2, 6)
	exec := graph.MustNewExec(backend.Must(), func(x, sN, sigmaN *graph.Node) []*graph.Node {
		pm := m.PosteriorMeanGraph(x, sN, sigmaN)
		rows := make([]*graph.Node, n)
		for i := range n { // row i of every sample's Jacobian: ∇_x Σ_b pm[b, i]
			rows[i] = graph.Gradient(graph.ReduceAllSum(graph.Slice(pm, graph.AxisRange(), graph.AxisElem(i))), x)[0]
		}
		return rows
	})
	outs, err := exec.Call(toTensor(xt, false), s, sigma)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-6
	for p := range b {
		jac := mat.NewDense(n, n, nil)
		for i := range n {
			jac.SetRow(i, toFloat64(outs[i])[p*n:(p+1)*n])
		}
		for j := range n {
			xp, xm := mat.NewDense(1, n, nil), mat.NewDense(1, n, nil)
			xp.CloneFrom(xt.Slice(p, p+1, 0, n))
			xm.CloneFrom(xt.Slice(p, p+1, 0, n))
			xp.Set(0, j, xp.At(0, j)+h)
			xm.Set(0, j, xm.At(0, j)-h)
			yp, _ := m.PosteriorMean(xp, s, sigma)
			ym, _ := m.PosteriorMean(xm, s, sigma)
			for i := range n {
				fd := (yp.At(0, i) - ym.At(0, i)) / (2 * h)
				if d := math.Abs(jac.At(i, j) - fd); d > 1e-7 {
					t.Errorf("point %d: ∂E[x₀|x_t]_%d/∂x_%d autodiff %.10g, finite difference %.10g", p, i, j, jac.At(i, j), fd)
				}
			}
		}
		var svd mat.SVD
		if !svd.Factorize(jac, mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		sv := svd.Values(nil)
		r := 0
		for _, v := range sv {
			if v > 1e-10*sv[0] {
				r++
			}
		}
		if r != m.RankBound() {
			t.Errorf("point %d: rank ∇E[x₀|x_t] = %d (singular values %v), want Σd_k = %d (Lemma 2)", p, r, sv, m.RankBound())
		}
	}
}

// TestGraphBadShapes checks that bad shapes give an error from Exec that
// names the argument.
func TestGraphBadShapes(t *testing.T) {
	m := unequalModel(t, true)
	exec := graph.MustNewExec(backend.Must(), m.PosteriorMeanGraph)
	x := toTensor(randomPoints(2, 3, 1, 1), false)
	for _, c := range []struct {
		name, want string
		args       []any
	}{
		{"wrong n", "x_t has shape", []any{toTensor(randomPoints(2, 4, 1, 1), false), 1.0, 1.0}},
		{"rank-3 x_t", "x_t has shape", []any{[][][]float64{{{1, 2, 3}}}, 1.0, 1.0}},
		{"integer x_t", "x_t has dtype", []any{[][]int32{{1, 2, 3}}, int32(1), int32(1)}},
		{"wrong B of σ", "σ_t has shape", []any{x, 1.0, []float64{1, 2, 3}}},
		{"rank-2 σ", "σ_t has shape", []any{x, 1.0, [][]float64{{1, 2}, {3, 4}}}},
		{"wrong B of s", "s_t has shape", []any{x, []float64{1}, 1.0}},
		{"[1,B] s", "s_t has shape", []any{x, [][]float64{{1, 1}}, 1.0}},
	} {
		_, err := exec.Call(c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestGraphAccuracy measures the graphs against the host functions (at the
// points as the graph sees them, i.e. rounded to float32) and checks the
// accuracy documented in graph.go: absolute error of the weights and
// relative error of the posterior mean ≤ b = 2·n·ε·(1 + φ‖x‖²), φ =
// 1/(2s²σ²(1+σ²)), relative error of the score ≤ 2·n·ε·(1 + σ⁻²) + b·(1 + σ⁻²),
// for points near and off the subspaces.
func TestGraphAccuracy(t *testing.T) {
	m, err := New(Params{N: 8, Dims: []int{2, 3}, Pi: []float64{0.4, 0.6}}, 21)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	pts := randomPoints(4, n, 1.5, 3)
	var on mat.Dense
	on.Mul(randomPoints(2, 3, 1, 4), m.Bases[1].T()) // near subspace 1 (rounding off it)
	x := mat.NewDense(6, n, nil)
	x.Stack(pts, &on)
	exec := graph.MustNewExec(backend.Must(), func(x, s, sigma *graph.Node) []*graph.Node {
		return []*graph.Node{m.WeightsGraph(x, s, sigma), m.PosteriorMeanGraph(x, s, sigma), m.ScoreGraph(x, s, sigma)}
	})
	for _, f32 := range []bool{false, true} {
		eps, sigmas := 0x1p-53, []float64{1e-6, 1e-3, 0.05, 0.5, 1, 10, 1e3, 1e6}
		if f32 {
			eps, sigmas = 0x1p-24, []float64{1e-2, 0.05, 0.5, 1, 10, 1e2, 1e4}
		}
		worst := 0.0
		for _, sg := range sigmas {
			for _, s := range []float64{0.5, 1, 2} {
				xin := toTensor(x, f32)
				xr := mat.NewDense(6, n, toFloat64(xin)) // what the graph sees
				var sa, ga any = s, sg
				if f32 {
					sa, ga = float32(s), float32(sg)
				}
				outs, err := exec.Call(xin, sa, ga)
				if err != nil {
					t.Fatal(err)
				}
				// the level as the graph sees it
				sv, gv := s, sg
				if f32 {
					sv, gv = float64(float32(s)), float64(float32(sg))
				}
				want, err := m.Posterior(xr, sv, gv)
				if err != nil {
					t.Fatal(err)
				}
				w, mean, score := toFloat64(outs[0]), toFloat64(outs[1]), toFloat64(outs[2])
				for i := range 6 {
					xi := xr.RawRowView(i)
					phi := 1 / (2 * sv * sv * gv * gv * (1 + gv*gv))
					bw := 2 * n * eps * (1 + phi*dot(xi, xi))
					bs := 2*n*eps*(1+1/(gv*gv)) + bw*(1+1/(gv*gv))
					ew := 0.0
					for k := range 2 {
						ew = math.Max(ew, math.Abs(w[i*2+k]-want.Weights.At(i, k)))
					}
					em := relErr(mean[i*n:(i+1)*n], want.Mean.RawRowView(i))
					es := relErr(score[i*n:(i+1)*n], want.Score.RawRowView(i))
					worst = math.Max(worst, math.Max(ew/bw, math.Max(em/bw, es/bs)))
					if ew > bw || em > bw || es > bs {
						t.Errorf("f32=%v s=%g σ=%g point %d: errors weights %.2g, mean %.2g, score %.2g; bounds %.2g, %.2g, %.2g",
							f32, s, sg, i, ew, em, es, bw, bw, bs)
					}
				}
			}
		}
		t.Logf("f32=%v: worst error/bound %.2g", f32, worst)
	}
}

// TestGraphExtremeLevels: no NaN from the graphs at extreme levels (the old
// graphs returned NaN weights once s²σ² underflowed), and points on an axis
// subspace keep their exact score −x/(s²(1+σ²)).
func TestGraphExtremeLevels(t *testing.T) {
	line := mat.NewDense(3, 1, []float64{1, 0, 0})
	plane := mat.NewDense(3, 2, []float64{0, 0, 1, 0, 0, 1})
	m, err := FromBases([]*mat.Dense{line, plane}, []float64{0.3, 0.7})
	if err != nil {
		t.Fatal(err)
	}
	exec := graph.MustNewExec(backend.Must(), func(x, s, sigma *graph.Node) []*graph.Node {
		return []*graph.Node{m.WeightsGraph(x, s, sigma), m.PosteriorMeanGraph(x, s, sigma), m.ScoreGraph(x, s, sigma)}
	})
	x := mat.NewDense(3, 3, []float64{2, 0, 0, 0, 1, 1, 0, 0, 0})
	for _, f32 := range []bool{false, true} {
		for _, sg := range []float64{1e-30, 1e-17, 1e-8, 1e8, 1e17} {
			var sa, ga any = 1.0, sg
			if f32 {
				sa, ga = float32(1), float32(sg)
			}
			outs, err := exec.Call(toTensor(x, f32), sa, ga)
			if err != nil {
				t.Fatal(err)
			}
			for o, name := range []string{"weights", "mean", "score"} {
				for _, v := range toFloat64(outs[o]) {
					if math.IsNaN(v) {
						t.Fatalf("f32=%v σ=%g: NaN in the %s: %v", f32, sg, name, toFloat64(outs[o]))
					}
				}
			}
			w, sc := toFloat64(outs[0]), toFloat64(outs[2])
			if sg < 1 && (w[0] != 1 || w[3] != 1) {
				t.Errorf("f32=%v σ=%g: weights %v, want 1 for the line at row 0 and the plane at row 1", f32, sg, w)
			}
			want := -2 / (1 + sg*sg)
			if f32 {
				want = float64(float32(want))
			}
			if sg < 1 && math.Abs(sc[0]-want) > 1e-6*math.Abs(want) {
				t.Errorf("f32=%v σ=%g: score at 2e₀ = %v, want %v", f32, sg, sc[:3], want)
			}
		}
	}
}

func relErr(got, want []float64) float64 {
	d, w := 0.0, 0.0
	for i := range got {
		d += (got[i] - want[i]) * (got[i] - want[i])
		w += want[i] * want[i]
	}
	if w == 0 {
		if d == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Sqrt(d / w)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
