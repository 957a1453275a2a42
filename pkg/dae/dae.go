package dae

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// DAE is a denoiser x_θ(x_t, t) as a graph function: xt and x0 are
// [..., B, n] (x0, the clean sample, is used only by HardMax), s and sigma
// are the per-sample s_t and σ_t of shape [..., B] (or scalars), and bases
// holds U_k of shape [..., n, d_k] (or [n, d_k]). It returns x_θ, [..., B, n].
type DAE func(xt, x0, s, sigma *Node, bases []*Node) *Node

// project returns c = Uᵀx per sample: x [..., B, n], u [..., n, d] or
// [n, d] → [..., B, d].
func project(x, u *Node) *Node {
	r := x.Rank()
	if u.Rank() == 2 {
		return DotGeneral(x, []int{r - 1}, nil, u, []int{0}, nil)
	}
	if u.Rank() != r {
		panic(fmt.Sprintf("dae: basis of shape %s does not match samples of shape %s: want [..., n, d] with the samples' leading axes", u.Shape(), x.Shape()))
	}
	batch := make([]int, r-2)
	for i := range batch {
		batch[i] = i
	}
	return DotGeneral(x, []int{r - 1}, batch, u, []int{r - 2}, batch)
}

// reconstruct returns Uc per sample: c [..., B, d], u [..., n, d] or [n, d]
// → [..., B, n].
func reconstruct(c, u *Node) *Node {
	r := c.Rank()
	if u.Rank() == 2 {
		return DotGeneral(c, []int{r - 1}, nil, u, []int{1}, nil)
	}
	batch := make([]int, r-2)
	for i := range batch {
		batch[i] = i
	}
	return DotGeneral(c, []int{r - 1}, batch, u, []int{r - 1}, batch)
}

// perSample reshapes a per-sample quantity [..., B] (or a scalar) so it
// broadcasts against samples [..., B, n]: it returns [..., B, 1] (or a scalar).
func perSample(v, x *Node) *Node {
	if v.Rank() == 0 {
		return v
	}
	if v.Rank() != x.Rank()-1 {
		panic(fmt.Sprintf("dae: per-sample value of shape %s does not match samples of shape %s: want [..., B]", v.Shape(), x.Shape()))
	}
	return InsertAxes(v, -1)
}

// shrinkage is 1/(s(1+σ²)), the factor in front of every DAE (eqs. 9, 11, 16).
func shrinkage(s, sigma *Node) *Node {
	one := ConstAs(sigma, 1)
	return Inverse(Mul(s, Add(one, Square(sigma))))
}

func checkSamples(name string, xt *Node, bases []*Node) {
	if xt.Rank() < 2 {
		panic(fmt.Sprintf("dae.%s: x_t of shape %s, want [..., B, n]", name, xt.Shape()))
	}
	if len(bases) == 0 {
		panic(fmt.Sprintf("dae.%s: no bases given, want K ≥ 1", name))
	}
	n := xt.Shape().Dimensions[xt.Rank()-1]
	for k, u := range bases {
		if u.Rank() < 2 || u.Shape().Dimensions[u.Rank()-2] != n {
			panic(fmt.Sprintf("dae.%s: basis U_%d of shape %s, want [..., n = %d, d_%d]", name, k, u.Shape(), n, k))
		}
	}
}
