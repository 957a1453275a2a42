package molrg

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Graph versions of the ground truth, for the sampler and for Jacobians by
// autodiff. In all of them xt is a [B, n] node of dtype float32 or float64,
// and s = s_t, sigma = σ_t are scalars, [B] or [B, 1] nodes (one level per
// sample), converted to xt's dtype. The bases U⋆_k become constants of xt's
// dtype in xt's graph. Like every graph-building function they panic on bad
// shapes (graph.Exec turns the panic into an error); values are not checked:
// s_t, σ_t must be > 0.

// WeightsGraph returns the [B, K] soft-max weights w⋆_k(x_t) of eq. (8).
func (m *Model) WeightsGraph(xt, s, sigma *graph.Node) *graph.Node {
	w, _, _ := m.weightsGraph(xt, s, sigma)
	return w
}

// PosteriorMeanGraph returns E[x₀|x_t] (eq. 8) as a [B, n] node:
//
//	E[x₀|x_t] = 1/(s_t(1+σ_t²)) · Σ_k w⋆_k(x_t) U⋆_kU⋆_kᵀ x_t.   (eq. 8)
func (m *Model) PosteriorMeanGraph(xt, s, sigma *graph.Node) *graph.Node {
	w, proj, lv := m.weightsGraph(xt, s, sigma)
	sum := mixProjections(w, proj)
	return graph.Div(sum, graph.Mul(lv.sCol, graph.OnePlus(lv.sigma2Col))) // eq. 8
}

// ScoreGraph returns ∇log p_t(x_t) (eq. 28) as a [B, n] node:
//
//	∇log p_t(x) = −1/(s_t²σ_t²) · Σ_k w⋆_k(x)·(x − U⋆_kU⋆_kᵀx/(1+σ_t²)),   (eq. 28)
//
// written with Σ_k w⋆_k = 1 as −(x − Σ_k w⋆_k U⋆_kU⋆_kᵀx/(1+σ_t²))/(s_t²σ_t²).
func (m *Model) ScoreGraph(xt, s, sigma *graph.Node) *graph.Node {
	w, proj, lv := m.weightsGraph(xt, s, sigma)
	sum := mixProjections(w, proj)
	inner := graph.Sub(xt, graph.Div(sum, graph.OnePlus(lv.sigma2Col)))
	return graph.Neg(graph.Div(inner, graph.Mul(graph.Square(lv.sCol), lv.sigma2Col))) // eq. 28
}

// levelNodes holds s_t and σ_t² in the two shapes the formulas need:
// per sample ([] or [B]) and per row of xt ([] or [B, 1]).
type levelNodes struct {
	s, sigma2       *graph.Node // [] or [B]
	sCol, sigma2Col *graph.Node // [] or [B, 1]
}

// weightsGraph returns the weights [B, K], the projections U_kU_kᵀx_t [B, n]
// of every component and the level nodes.
func (m *Model) weightsGraph(xt, s, sigma *graph.Node) (*graph.Node, []*graph.Node, levelNodes) {
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
	lv.s, lv.sCol = levelNode(xt, s, "s_t")
	sig, sigCol := levelNode(xt, sigma, "σ_t")
	lv.sigma2, lv.sigma2Col = graph.Square(sig), graph.Square(sigCol)

	s2 := graph.Mul(graph.Square(lv.s), lv.sigma2)                                       // s_t²σ_t²
	phi := graph.Reciprocal(graph.MulScalar(graph.Mul(s2, graph.OnePlus(lv.sigma2)), 2)) // φ_t, eq. 8
	l1p := graph.Log1p(graph.Reciprocal(lv.sigma2))                                      // log(1 + σ_t⁻²)

	logits := make([]*graph.Node, m.K())
	proj := make([]*graph.Node, m.K())
	for k, u := range m.Bases {
		_, d := u.Dims()
		uk := basisConst(xt, k, m)
		c := graph.MatMul(xt, uk)                            // [B, d_k]: U_kᵀx_t
		proj[k] = graph.MatMul(c, graph.Transpose(uk, 0, 1)) // [B, n]: U_kU_kᵀx_t
		norm2 := graph.ReduceSum(graph.Square(c), -1)        // ‖U_kᵀx_t‖²
		// log π_k − (d_k/2)·log(1+σ_t⁻²) + φ_t‖U_kᵀx_t‖²   (eq. 8)
		lk := graph.Add(graph.AddScalar(graph.MulScalar(l1p, -0.5*float64(d)), math.Log(m.Pi[k])), graph.Mul(phi, norm2))
		logits[k] = lk // [B]
	}
	w := graph.Softmax(graph.Stack(logits, 1), -1) // [B, K]
	return w, proj, lv
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

// basisConst returns U_k as an [n, d_k] constant of xt's dtype in xt's graph.
func basisConst(xt *graph.Node, k int, m *Model) *graph.Node {
	u := m.Bases[k]
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
