package dae

import (
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/molrg/molrg/pkg/loop"
)

// stepInputs are the graph inputs of Algorithm 1 that do not change during
// training: data [I, N_max, n], counts [I] Int32, keys [I] Uint64 and levels
// [T, 3] (s, σ, λ).
type stepInputs struct {
	data, counts, keys, levels *Node
}

// sgdStep is one step of Algorithm 1 for all instances: draw the minibatch
// of step index step (scalar Uint64), evaluate the loss (6) per instance
// ([I]) and return U_k ← P_O(U_k − η∇) with the scalar step size eta.
func sgdStep(cfg *Config, dae DAE, in stepInputs, us []*Node, step, eta *Node) (next []*Node, loss *Node) {
	x0, eps, s, sigma, lambda := minibatch(cfg, in, step)
	loss = Loss(dae, us, x0, eps, s, sigma, lambda) // [I]
	// The sum over instances keeps every instance's gradient its own.
	grads := Gradient(ReduceAllSum(loss), us...)
	next = make([]*Node, len(us))
	for k := range us {
		next[k] = Polar(Sub(us[k], Mul(eta, grads[k])), cfg.PolarIterations)
	}
	return next, loss
}

// minibatch draws the minibatch of step index step (scalar Uint64) for
// every instance: per slot a sample index uniform in 0..N_i−1, a noise level
// uniform in 0..T−1 and ε ~ N(0, Iₙ). It returns x₀ and ε [I, B, n] and the
// per-sample s, σ, λ [I, B].
func minibatch(cfg *Config, in stepInputs, step *Node) (x0, eps, s, sigma, lambda *Node) {
	g := in.data.Graph()
	dims := in.data.Shape().Dimensions
	numInst, nMax, n := dims[0], dims[1], dims[2]
	numT := in.levels.Shape().Dimensions[0]
	batch := cfg.BatchSize
	flat := Reshape(in.data, numInst*nMax, n)
	rowBase := Mul(Iota(g, shapes.Make(dtypes.Int32, numInst, 1), 0), Const(g, int32(nMax)))
	countsF := InsertAxes(ConvertDType(in.counts, dtypes.Float32), -1) // [I, 1]
	lastRow := InsertAxes(Sub(in.counts, Const(g, int32(1))), -1)      // [I, 1]

	// Sample indices (rows ≥ N_i are padding).
	idx := ConvertDType(Floor(Mul(randomUniform(in.keys, step, 0, batch), countsF)), dtypes.Int32)
	idx = Min(idx, lastRow)
	x0 = Gather(flat, InsertAxes(Add(idx, rowBase), -1)) // [I, B, n]
	tIdx := ConvertDType(Floor(Mul(randomUniform(in.keys, step, 1, batch), Const(g, float32(numT)))), dtypes.Int32)
	tIdx = Min(tIdx, Const(g, int32(numT-1)))
	lvl := Gather(in.levels, InsertAxes(tIdx, -1)) // [I, B, 3]
	s = Squeeze(SliceAxis(lvl, -1, AxisElem(0)), -1)
	sigma = Squeeze(SliceAxis(lvl, -1, AxisElem(1)), -1)
	lambda = Squeeze(SliceAxis(lvl, -1, AxisElem(2)), -1)
	eps = randomNormal(in.keys, step, 2, batch, n) // [I, B, n]
	return x0, eps, s, sigma, lambda
}

// stepGraph returns the graph function of one execution of Algorithm 1.
// Inputs: U_0..U_{K−1} [I, n, d_k], data, counts, keys, levels (see
// stepInputs), the index of the first step (scalar Uint64) and the step
// sizes lr [S]. Outputs: the updated U_k and the minibatch losses [S, I].
//
// With inLoop = true the S steps run in a While loop (the graph holds one
// step, whatever S); otherwise they are unrolled. The pure-Go backend
// (compute v0.1.6, and still v0.1.14) has no DynamicSlice, which the loop
// needs to pick step j's inputs, so it gets the unrolled form.
func stepGraph(cfg *Config, inLoop bool) func(inputs []*Node) []*Node {
	dae := cfg.Parameterization.DAE(cfg.Pi)
	numK := len(cfg.Dims)
	return func(inputs []*Node) []*Node {
		us := append([]*Node(nil), inputs[:numK]...)
		in := stepInputs{data: inputs[numK], counts: inputs[numK+1], keys: inputs[numK+2], levels: inputs[numK+3]}
		step0, lr := inputs[numK+4], inputs[numK+5]
		g := step0.Graph()
		numS := lr.Shape().Dimensions[0]
		numInst := in.data.Shape().Dimensions[0]
		if !inLoop {
			losses := make([]*Node, numS)
			for j := range numS {
				step := Add(step0, Const(g, uint64(j)))
				eta := Reshape(SliceAxis(lr, 0, AxisElem(j)))
				us, losses[j] = sgdStep(cfg, dae, in, us, step, eta)
			}
			return append(us, Stack(losses, 0))
		}
		// The loop state carries every input (see loop.Repeat); main-function
		// nodes are built with Const only.
		losses := Reshape(Const(g, make([]float32, numS*numInst)), numS, numInst)
		state := append(append(slices.Clone(us), losses), in.data, in.counts, in.keys, in.levels, step0, lr)
		out := loop.Repeat(numS, state, func(g *Graph, j *Node, ps []*Node) []*Node {
			cur, losses, c := ps[:numK], ps[numK], ps[numK+1:]
			in := stepInputs{data: c[0], counts: c[1], keys: c[2], levels: c[3]}
			step := Add(c[4], ConvertDType(j, dtypes.Uint64))
			next, loss := sgdStep(cfg, dae, in, cur, step, loop.At(c[5], j))
			return append(append(next, loop.Set(losses, j, loss)), c...)
		})
		return out[:numK+1]
	}
}
