// Package loop runs a graph computation a fixed number of times inside one
// XLA While loop, so that many iterations (SGD steps, optimizer steps) cost
// one execution.
package loop

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// Repeat returns state after n iterations of state ← body(g, j, state),
// j = 0 … n−1 (an Int32 scalar), built as one While loop. body must return
// nodes of the same shapes as state, in the same order.
//
// The body is a closure, and closures cannot capture nodes of the enclosing
// function: every value it reads must travel in state (constant inputs are
// returned unchanged). Build the enclosing function's nodes with Const, not
// Scalar: scalar constants are cached per graph, and a cached scalar of the
// main function must not leak into the body.
func Repeat(n int, state []*Node, body func(g *Graph, j *Node, state []*Node) []*Node) []*Node {
	if len(state) == 0 {
		panic("loop.Repeat: empty state")
	}
	g := state[0].Graph()
	init := append([]*Node{Const(g, int32(0))}, state...)
	params := func(g *Graph) []*Node {
		ps := make([]*Node, len(init))
		for i, v := range init {
			ps[i] = Parameter(g, fmt.Sprintf("state%d", i), v.Shape())
		}
		return ps
	}
	cond := NewClosure(g, func(g *Graph) []*Node {
		return []*Node{LessThan(params(g)[0], Const(g, int32(n)))}
	})
	step := NewClosure(g, func(g *Graph) []*Node {
		ps := params(g)
		next := body(g, ps[0], ps[1:])
		if len(next) != len(state) {
			panic(fmt.Sprintf("loop.Repeat: body returned %d nodes for a state of %d", len(next), len(state)))
		}
		return append([]*Node{Add(ps[0], Const(g, int32(1)))}, next...)
	})
	return While(cond, step, init...)[1:]
}

// At returns x[j] for x of shape [n, …] and an Int32 scalar j: the slice
// of the leading axis, with that axis removed.
func At(x, j *Node) *Node {
	dims := x.Shape().Dimensions
	starts := []*Node{j}
	for range dims[1:] {
		starts = append(starts, Const(x.Graph(), int32(0)))
	}
	return Reshape(DynamicSlice(x, starts, append([]int{1}, dims[1:]...)), dims[1:]...)
}

// Set returns x with x[j] replaced by v (x [n, …], v of shape x[j]).
func Set(x, j, v *Node) *Node {
	starts := []*Node{j}
	for range x.Rank() - 1 {
		starts = append(starts, Const(x.Graph(), int32(0)))
	}
	return DynamicUpdateSlice(x, InsertAxes(v, 0), starts)
}
