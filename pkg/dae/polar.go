package dae

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/molrg/molrg/pkg/backend"
)

// DefaultPolarIterations is the number of Newton–Schulz iterations used by
// Polar when none is given and by Algorithm 1 (ours). After the normalization
// every singular value σ lies in (0, 1] and the largest is close to 1; a
// singular value σ needs about log_{1.5}(1/σ) + 5 iterations, so 12
// iterations (plus the two clean-up iterations) reach float32 orthonormality
// (~1e-6) for σ_min/σ_max ≳ 0.1, which covers a matrix one SGD step away from
// O^{n×d}. In Algorithm 1 a step that starts further away is not fully
// projected, and the following steps finish the job. Pass more iterations
// for ill-conditioned matrices (30 handle σ_min/σ_max ≈ 1e-3).
const DefaultPolarIterations = 12

// Polar returns the polar factor P_O(Y) = WVᵀ of Y = WΣVᵀ (the projection onto
// O^{n×d} used in Algorithm 1) for y of shape [..., n, d] with d ≤ n, by the
// Newton–Schulz iteration X ← X(3I − XᵀX)/2 started at X₀ = Y/√c.
//
// The normalization c is ‖Y‖²_F = tr(YᵀY), tightened to the Gershgorin bound
// max_i Σ_j |(YᵀY)_ij| when that is smaller: both bound σ_max², so the
// iteration converges, and for Y near O^{n×d} the Gershgorin bound gives
// σ ≈ 1 at once where the Frobenius norm gives σ ≈ 1/√d.
//
// The iteration only changes the right factor: X_k = X₀P_k with P_k a
// polynomial in A₀ = X₀ᵀX₀, so it is run on the d×d Gram matrices
// (A_{k+1} = M_kA_kM_k, P_{k+1} = P_kM_k, M_k = (3I − A_k)/2), which costs
// O(d³) instead of O(nd²) per iteration, followed by two iterations on the
// n×d matrix itself that clean up rounding. iterations < 1 means
// DefaultPolarIterations.
func Polar(y *Node, iterations int) *Node {
	if iterations < 1 {
		iterations = DefaultPolarIterations
	}
	g := y.Graph()
	rank := y.Rank()
	if rank < 2 {
		panic("dae.Polar: y must have shape [..., n, d]")
	}
	d := y.Shape().Dimensions[rank-1]
	// XLA CPU runs a batch of tiny matrix products one small GEMM at a time;
	// as a broadcast product summed over the contracted axis it fuses them
	// into one loop (ours: Algorithm 1 on XLA, K = 2, d = 6, 500 instances,
	// 35 → 20 CPU ms per step). The pure-Go backend is faster with DotGeneral.
	contract := batchedDot
	if !backend.IsGo(g.Backend()) {
		contract = mulReduce
	}
	gram := func(a, b *Node) *Node { // aᵀb over the n axis: [..., d, d]
		return contract(a, rank-2, b, rank-2)
	}
	mm := func(a, b *Node) *Node { // a·b: [..., p, q]·[..., q, r]
		return contract(a, rank-1, b, rank-2)
	}
	eye := identityLike(g, y, d)
	eye15 := Mul(ConstAs(y, 1.5), eye) // M = (3I − A)/2 = 1.5·I − 0.5·A
	half := ConstAs(y, 0.5)
	a0 := gram(y, y) // YᵀY: [..., d, d]
	frob := ReduceAndKeep(Mul(a0, eye), ReduceSum, rank-2, rank-1)
	gersh := ReduceAndKeep(ReduceAndKeep(Abs(a0), ReduceSum, rank-1), ReduceMax, rank-2)
	c := Min(frob, gersh)
	x := Div(y, Sqrt(c))
	a := Div(a0, c)
	var p *Node
	for range iterations {
		m := Sub(eye15, Mul(a, half))
		if p == nil {
			p = m
		} else {
			p = mm(p, m)
		}
		a = mm(mm(m, a), m)
	}
	x = mm(x, p)
	for range 2 {
		x = mm(x, Sub(eye15, Mul(gram(x, x), half)))
	}
	return x
}

// batchedDot contracts axis ca of a with axis cb of b; all axes before the
// last two are batch axes shared by a and b. The result has the batch axes,
// then the remaining axis of a, then the remaining axis of b.
func batchedDot(a *Node, ca int, b *Node, cb int) *Node {
	rank := a.Rank()
	batch := make([]int, rank-2)
	for i := range batch {
		batch[i] = i
	}
	return DotGeneral(a, []int{ca}, batch, b, []int{cb}, batch)
}

// mulReduce is batchedDot as a broadcast product summed over the
// contracted axis (ca, cb ∈ {r−2, r−1}).
func mulReduce(a *Node, ca int, b *Node, cb int) *Node {
	r := a.Rank()
	// The contracted axis at r−2 in both: a [..., k, p], b [..., k, q].
	if ca == r-1 {
		a = TransposeAllDims(a, append(iotaInts(r-2), r-1, r-2)...)
	}
	if cb == r-1 {
		b = TransposeAllDims(b, append(iotaInts(r-2), r-1, r-2)...)
	}
	prod := Mul(InsertAxes(a, -1), InsertAxes(b, r-1)) // [..., k, p, q]
	return ReduceSum(prod, r-2)
}

// iotaInts is 0, 1, …, n−1.
func iotaInts(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// identityLike returns the d×d identity with y's dtype, shaped [1, ..., 1, d, d]
// to broadcast against y's batch axes.
func identityLike(g *Graph, y *Node, d int) *Node {
	flat := make([]float64, d*d)
	for i := range d {
		flat[i*d+i] = 1
	}
	eye := ConvertDType(Const(g, flat), y.DType())
	dims := ones(y.Rank())
	dims[len(dims)-2], dims[len(dims)-1] = d, d
	return Reshape(eye, dims...)
}
