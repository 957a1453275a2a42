package molrg

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/molrg/molrg/pkg/tensormat"
	"gonum.org/v1/gonum/mat"
)

// LogDensityGraph returns log p_t(x_t) (Lemma 1) as a [B] node, the graph
// version of LogDensity:
//
//	log p_t(x) = logsumexp_k(logit_k) − (n/2)·log(2π s_t²σ_t²) − ‖x‖²/(2 s_t²σ_t²),
//
// with the logits of eq. (8). Its gradient with respect to x_t is the score
// ∇log p_t (eq. 28); ScoreAutodiff computes it that way.
func (m *Model) LogDensityGraph(xt, s, sigma *graph.Node) *graph.Node {
	if err := m.check(); err != nil {
		panic(err)
	}
	sv, _ := levelNode(xt, s, "s_t")
	sig, _ := levelNode(xt, sigma, "σ_t")
	sigma2 := graph.Square(sig)
	g2 := graph.Mul(graph.Square(sv), sigma2)                                         // s_t²σ_t², [] or [B]
	phi := graph.Reciprocal(graph.MulScalar(graph.Mul(g2, graph.OnePlus(sigma2)), 2)) // φ_t
	l1p := graph.Log1p(graph.Reciprocal(sigma2))                                      // log(1 + σ_t⁻²)
	logits := make([]*graph.Node, m.K())
	for k, u := range m.Bases {
		_, d := u.Dims()
		c := graph.MatMul(xt, basisConst(xt, u))
		norm2 := graph.ReduceSum(graph.Square(c), -1)
		logits[k] = graph.Add(graph.AddScalar(graph.MulScalar(l1p, -0.5*float64(d)), math.Log(m.Pi[k])), graph.Mul(phi, norm2))
	}
	lg := graph.Stack(logits, 1)                      // [B, K], the logits of eq. (8)
	norm := graph.ReduceSum(graph.Square(xt), -1)     // ‖x‖², [B]
	mx := graph.StopGradient(graph.ReduceMax(lg, -1)) // [B], a shift for a stable log-sum-exp
	lse := graph.Add(graph.Log(graph.ReduceSum(graph.Exp(graph.Sub(lg, graph.InsertAxes(mx, -1))), -1)), mx)
	c := graph.MulScalar(graph.Log(graph.MulScalar(g2, 2*math.Pi)), -0.5*float64(m.N))
	return graph.Add(graph.Sub(lse, graph.Div(norm, graph.MulScalar(g2, 2))), c)
}

// ScoreAutodiff returns ∇log p_t(x_t) for every row of xt, computed by
// automatic differentiation of LogDensityGraph on the given backend, in
// float64. Since log p_t of row b depends on row b alone, the gradient of
// Σ_b log p_t(x_b) is the score of each row. It is an independent check of
// eq. (28), which it does not use.
func (m *Model) ScoreAutodiff(backend compute.Backend, xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	if err := m.checkInputs(xt, s, sigma); err != nil {
		return nil, err
	}
	if backend == nil {
		return nil, fmt.Errorf("molrg: backend is nil")
	}
	r, n := xt.Dims()
	x, err := tensormat.FromMatrix(xt, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	defer x.FinalizeAll()
	out, err := graph.ExecOnce(backend, func(x, s, sigma *graph.Node) *graph.Node {
		return graph.Gradient(graph.ReduceAllSum(m.LogDensityGraph(x, s, sigma)), x)[0]
	}, x, s, sigma)
	if err != nil {
		return nil, fmt.Errorf("molrg: score by autodiff: %w", err)
	}
	defer out.FinalizeAll()
	return tensormat.ToDense(out, r, n)
}
