package molrg

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"
	"gonum.org/v1/gonum/mat"
)

// Graph versions of the ground truth, for the sampler and for Jacobians by
// autodiff. In all of them xt is a [B, n] node of dtype float32 or float64,
// and s = s_t, sigma = σ_t are scalars, [B] or [B, 1] nodes (one level per
// sample), converted to xt's dtype. The bases become constants of xt's dtype
// in xt's graph (the orthonormal bases of their spans that the host
// functions use). Like every graph-building function they panic on bad
// shapes (graph.Exec turns the panic into an error); values are not checked:
// s_t, σ_t must be > 0.
//
// They use the same stable form as the host functions (stable.go): with
// p_k = U_kU_kᵀx and r_k = x − p_k, the logits are
// log π_k − ((d_k − d_min)/2)·log(1+σ⁻²) − (‖r_k‖² − min_j‖r_j‖²)/(2(sσ)²(1+σ²)),
// and the score is −Σ_k w_k (r_k/(sσ)² + p_k/(s²(1+σ²))): no cancellation,
// and (sσ)² and s² are clamped below by the smallest normal number so that no
// 0/0 arises when they underflow (XLA rewrites a/b/c as a/(b·c), so chains of
// divisions would not help). Unlike the host functions they do not
// check their accuracy. Their error (ε = 2⁻²⁴ ≈ 6e-8 for float32, 2⁻⁵³ ≈
// 1.1e-16 for float64; bounds measured by TestGraphAccuracy):
//
//   - r_k is computed in the dtype, with an error ≈ n·ε·‖x‖, so near a
//     subspace the score's relative error is ≲ 2n·ε·(1 + σ⁻²): for float32
//     and n = 48, 6e-6 at σ = 1 and 6e-4 at σ = 0.1; for float64 1e-10 at
//     σ = 1e-2 (the host functions have no such limit);
//   - the weights (absolute) and the posterior mean (relative) are accurate
//     to ≲ 2n·ε·(1 + φ‖x‖²) with φ = 1/(2s²σ²(1+σ²)), which is large only
//     where two components compete at small σ (the weights are then
//     ill-conditioned anyway); the score adds this times (1 + σ⁻²);
//   - float32 holds every intermediate for s, σ and s·σ in [1e-18, 1e18]
//     and |x| ≤ 1e18 (float64: [1e-150, 1e150]); outside it results may be
//     ±Inf or 0 but not NaN.

// WeightsGraph returns the [B, K] soft-max weights w⋆_k(x_t) of eq. (8).
func (m *Model) WeightsGraph(xt, s, sigma *graph.Node) *graph.Node {
	return m.buildGraph(xt, s, sigma).w
}

// PosteriorMeanGraph returns E[x₀|x_t] (eq. 8) as a [B, n] node:
//
//	E[x₀|x_t] = 1/(s_t(1+σ_t²)) · Σ_k w⋆_k(x_t) U⋆_kU⋆_kᵀ x_t.   (eq. 8)
func (m *Model) PosteriorMeanGraph(xt, s, sigma *graph.Node) *graph.Node {
	g := m.buildGraph(xt, s, sigma)
	sum := mixProjections(g.w, g.proj)
	return graph.Div(sum, graph.Mul(g.lv.sCol, graph.OnePlus(g.lv.sigma2Col))) // eq. 8
}

// ScoreGraph returns ∇log p_t(x_t) (eq. 28) as a [B, n] node:
//
//	∇log p_t(x) = −1/(s_t²σ_t²) · Σ_k w⋆_k(x)·(x − U⋆_kU⋆_kᵀx/(1+σ_t²)),   (eq. 28)
//
// computed as −Σ_k w⋆_k·(r_k/(s_tσ_t)² + U⋆_kU⋆_kᵀx/(s_t²(1+σ_t²))) with
// r_k = x − U⋆_kU⋆_kᵀx, which has no cancellation.
func (m *Model) ScoreGraph(xt, s, sigma *graph.Node) *graph.Node {
	g := m.buildGraph(xt, s, sigma)
	lv := g.lv
	perp := graph.Div(mixProjections(g.w, g.res), lv.g2Col)
	par := graph.Div(mixProjections(g.w, g.proj), graph.Mul(lv.s2Col, graph.OnePlus(lv.sigma2Col)))
	return graph.Neg(graph.Add(perp, par)) // eq. 28
}

// levelNodes holds s_t, σ_t, σ_t² and (s_tσ_t)² per sample ([] or [B]) and
// s_t, s_t², σ_t², (s_tσ_t)² per row of xt ([] or [B, 1]). s_t² and
// (s_tσ_t)² are clamped below by the smallest normal number of the dtype, so
// that a division by them is never 0/0 (and they are never 0 times Inf).
type levelNodes struct {
	s, sigma, sigma2, g2          *graph.Node // [] or [B]
	sCol, s2Col, sigma2Col, g2Col *graph.Node // [] or [B, 1]
}

type builtGraph struct {
	w         *graph.Node   // [B, K]
	proj, res []*graph.Node // U_kU_kᵀx_t and x_t − U_kU_kᵀx_t, [B, n] each
	lv        levelNodes
}

// buildGraph returns the weights, the projections and residuals of every
// component and the level nodes.
func (m *Model) buildGraph(xt, s, sigma *graph.Node) builtGraph {
	if err := m.check(); err != nil {
		panic(err)
	}
	if xt.Rank() != 2 || xt.Shape().Dim(1) != m.N {
		exceptions.Panicf("molrg: x_t has shape %s, want [B, n] with n = %d", xt.Shape(), m.N)
	}
	dt := xt.DType()
	if dt != dtypes.Float32 && dt != dtypes.Float64 {
		exceptions.Panicf("molrg: x_t has dtype %s, want Float32 or Float64", dt)
	}
	var lv levelNodes
	var sigCol *graph.Node
	lv.s, lv.sCol = levelNode(xt, s, "s_t")
	lv.sigma, sigCol = levelNode(xt, sigma, "σ_t")
	lv.sigma2, lv.sigma2Col = graph.Square(lv.sigma), graph.Square(sigCol)
	tiny := 0x1p-1022
	if dt == dtypes.Float32 {
		tiny = 0x1p-126
	}
	lv.g2 = graph.MaxScalar(graph.Square(graph.Mul(lv.s, lv.sigma)), tiny)
	lv.g2Col = graph.MaxScalar(graph.Square(graph.Mul(lv.sCol, sigCol)), tiny)
	lv.s2Col = graph.MaxScalar(graph.Square(lv.sCol), tiny)

	// log(1 + σ⁻²) without forming σ⁻² for small σ.
	l1p := graph.Where(graph.LessThan(lv.sigma, graph.OnesLike(lv.sigma)),
		graph.Sub(graph.Log1p(lv.sigma2), graph.MulScalar(graph.Log(lv.sigma), 2)),
		graph.Log1p(graph.Reciprocal(lv.sigma2)))
	dMin := m.N
	for _, d := range m.Dims() {
		dMin = min(dMin, d)
	}
	g := builtGraph{lv: lv}
	r2 := make([]*graph.Node, m.K())
	for k, u := range m.Bases {
		q, _ := orthonormalBasis(u)
		uk := basisConst(xt, q)
		c := graph.MatMul(xt, uk)                                           // [B, d_k]: U_kᵀx_t
		g.proj = append(g.proj, graph.MatMul(c, graph.Transpose(uk, 0, 1))) // [B, n]
		g.res = append(g.res, graph.Sub(xt, g.proj[k]))
		r2[k] = graph.ReduceSum(graph.Square(g.res[k]), -1) // ‖r_k‖², [B]
	}
	minR2 := graph.StopGradient(graph.ReduceMin(graph.Stack(r2, 1), 1))   // [B]
	den := graph.Mul(lv.g2, graph.MulScalar(graph.OnePlus(lv.sigma2), 2)) // 2(sσ)²(1+σ²)
	logits := make([]*graph.Node, m.K())
	for k, u := range m.Bases {
		_, d := u.Dims()
		// −(‖r_k‖² − min_j‖r_j‖²)/(2(sσ)²(1+σ²)): 0 for the nearest component,
		// so the softmax never sees only −Inf.
		delta := graph.Neg(graph.Div(graph.Sub(r2[k], minR2), den))
		// log π_k − ((d_k − d_min)/2)·log(1+σ⁻²) + delta   (eq. 8, shifted by a k-independent term)
		logits[k] = graph.Add(graph.AddScalar(graph.MulScalar(l1p, -0.5*float64(d-dMin)), math.Log(m.Pi[k])), delta)
	}
	g.w = graph.Softmax(graph.Stack(logits, 1), -1) // [B, K]
	return g
}

// mixProjections returns Σ_k w_k U_kU_kᵀx_t, [B, n].
func mixProjections(w *graph.Node, proj []*graph.Node) *graph.Node {
	var sum *graph.Node
	for k, p := range proj {
		term := graph.Mul(graph.Slice(w, graph.AxisRange(), graph.AxisElem(k)), p) // [B, 1]·[B, n]
		if sum == nil {
			sum = term
		} else {
			sum = graph.Add(sum, term)
		}
	}
	return sum
}

// levelNode converts a level (scalar, [B] or [B, 1]) to xt's dtype and
// returns it per sample ([] or [B]) and per row ([] or [B, 1]).
func levelNode(xt, v *graph.Node, name string) (vec, col *graph.Node) {
	if v.DType() != xt.DType() {
		v = graph.ConvertDType(v, xt.DType())
	}
	b := xt.Shape().Dim(0)
	switch {
	case v.Rank() == 0:
		return v, v
	case v.Rank() == 1 && v.Shape().Dim(0) == b:
		return v, graph.Reshape(v, b, 1)
	case v.Rank() == 2 && v.Shape().Dim(0) == b && v.Shape().Dim(1) == 1:
		return graph.Reshape(v, b), v
	}
	exceptions.Panicf("molrg: %s has shape %s, want a scalar, [B] or [B, 1] with B = %d", name, v.Shape(), b)
	return nil, nil
}

// basisConst returns u as an [n, d] constant of xt's dtype in xt's graph.
func basisConst(xt *graph.Node, u *mat.Dense) *graph.Node {
	n, d := u.Dims()
	if xt.DType() == dtypes.Float64 {
		flat := make([]float64, 0, n*d)
		for i := range n {
			for j := range d {
				flat = append(flat, u.At(i, j))
			}
		}
		return graph.ConstTensor(xt.Graph(), tensors.FromFlatDataAndDimensions(flat, n, d))
	}
	flat := make([]float32, 0, n*d)
	for i := range n {
		for j := range d {
			flat = append(flat, float32(u.At(i, j)))
		}
	}
	return graph.ConstTensor(xt.Graph(), tensors.FromFlatDataAndDimensions(flat, n, d))
}
