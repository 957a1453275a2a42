package unet

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Scalings returns EDM's preconditioning coefficients (Karras et al. 2022,
// Table 1; docs/mathematics.md#edm-preconditioning-and-loss) for noise level
// σ > 0 and data scale σ_d:
//
//	c_skip = σ_d²/(σ²+σ_d²),  c_out = σ·σ_d/√(σ²+σ_d²),
//	c_in = 1/√(σ²+σ_d²),      c_noise = ln(σ)/4.
func Scalings(sigma, sigmaData float64) (cSkip, cOut, cIn, cNoise float64) {
	s2, d2 := sigma*sigma, sigmaData*sigmaData
	cSkip = d2 / (s2 + d2)
	cOut = sigma * sigmaData / math.Sqrt(s2+d2)
	cIn = 1 / math.Sqrt(s2+d2)
	cNoise = math.Log(sigma) / 4
	return
}

// ScalingsGraph is Scalings for a batch of noise levels sigma [B] (graph
// version, same dtype as sigma).
func ScalingsGraph(sigma *Node, sigmaData float64) (cSkip, cOut, cIn, cNoise *Node) {
	d2 := sigmaData * sigmaData
	s2d2 := AddScalar(Square(sigma), d2)
	cSkip = Div(Scalar(sigma.Graph(), sigma.DType(), d2), s2d2)
	cIn = Reciprocal(Sqrt(s2d2))
	cOut = Mul(MulScalar(sigma, sigmaData), cIn)
	cNoise = MulScalar(Log(sigma), 0.25)
	return
}

// PreconditionGraph builds EDM's denoiser
//
//	D(x; σ) = c_skip(σ)·x + c_out(σ)·F(c_in(σ)·x; c_noise(σ))
//
// (EDMPrecond.forward) for x [B, …] and sigma [B], where F(xIn, cNoise) is
// the raw network (xIn shaped like x, cNoise [B]).
func PreconditionGraph(x, sigma *Node, sigmaData float64, F func(xIn, cNoise *Node) *Node) *Node {
	b := x.Shape().Dimensions[0]
	cSkip, cOut, cIn, cNoise := ScalingsGraph(sigma, sigmaData)
	bcast := func(c *Node) *Node {
		dims := make([]int, x.Rank())
		for i := range dims {
			dims[i] = 1
		}
		dims[0] = b
		return Reshape(c, dims...)
	}
	fx := F(Mul(bcast(cIn), x), cNoise)
	return Add(Mul(bcast(cSkip), x), Mul(bcast(cOut), fx))
}

// constStoreKey keys the per-graph store of constant weights.
type constStoreKey struct {
	n *Net
	w Weights
}

// weightsScope returns the scope holding weights w for graph g: the Net's
// own store when g is built by a model.Exec over it (weights are fed as
// parameters), otherwise a store that embeds the current values as
// constants (one per graph, shared by all calls in the graph).
func (n *Net) weightsScope(g *Graph, w Weights) *model.Scope {
	if model.GetStore(g) == n.store {
		return n.store.Scope(w.scope())
	}
	key := constStoreKey{n, w}
	if cs, ok := g.State(key).(*model.Store); ok {
		return cs.Scope(w.scope())
	}
	cs := model.NewStore().WithVariableAsConst(true)
	for _, v := range n.vars(w.scope()) {
		val, err := v.Value()
		if err != nil {
			panic(err)
		}
		if _, err := cs.CreateVariable(v.Path(), val); err != nil {
			panic(err)
		}
	}
	g.AttachState(key, cs)
	return cs.Scope(w.scope())
}

// denoise builds D(x; σ) with the variables of scope; rng is the dropout
// RNG state (nil for inference, no dropout).
func (n *Net) denoise(scope *model.Scope, x, sigma, rng *Node) (d, newRNG *Node) {
	f := &fwd{cfg: &n.cfg, g: x.Graph(), rng: rng}
	d = PreconditionGraph(x, sigma, n.cfg.SigmaData, func(xIn, cNoise *Node) *Node {
		return f.unet(scope, xIn, cNoise)
	})
	return d, f.rng
}

// DenoiseGraph builds the denoiser D_θ(x; σ) of EDM (preconditioned U-Net,
// see PreconditionGraph) with the EMA weights, for sampling:
//
//	x      [B, S, S, C] noisy images x₀ + σε (any float dtype),
//	sigma  [B] or a scalar (broadcast), σ > 0,
//	result [B, S, S, C], the estimate of E[x₀ | x], in x's dtype.
//
// It can be called in any graph: inside a model.Exec over n.Store() the
// weights are graph parameters; in any other graph (e.g. a plain
// graph.Exec of a sampler) they are embedded as constants holding the
// values current when the graph is built (rebuild after more training).
func (n *Net) DenoiseGraph(x, sigma *Node) *Node { return n.DenoiseGraphWeights(WeightsEMA, x, sigma) }

// DenoiseGraphWeights is DenoiseGraph with a choice of weights.
func (n *Net) DenoiseGraphWeights(w Weights, x, sigma *Node) *Node {
	s, c := n.cfg.ImageSize, n.cfg.Channels
	if x.Rank() != 4 || x.Shape().Dimensions[1] != s || x.Shape().Dimensions[2] != s || x.Shape().Dimensions[3] != c {
		exceptions.Panicf("unet.DenoiseGraph: x has shape %s, want [B, %d, %d, %d]", x.Shape(), s, s, c)
	}
	b := x.Shape().Dimensions[0]
	inType := x.DType()
	x = ConvertDType(x, n.cfg.DType)
	sigma = ConvertDType(sigma, n.cfg.DType)
	switch {
	case sigma.IsScalar():
		sigma = BroadcastToDims(sigma, b)
	case sigma.Shape().Size() == b:
		sigma = Reshape(sigma, b)
	default:
		exceptions.Panicf("unet.DenoiseGraph: sigma has shape %s, want a scalar or [%d]", sigma.Shape(), b)
	}
	d, _ := n.denoise(n.weightsScope(x.Graph(), w), x, sigma, nil)
	return ConvertDType(d, inType)
}

// Denoise runs DenoiseGraph (EMA weights) on a batch: x [B, S, S, C]
// (float32 or float64 tensor) and one σ per image. It returns D(x; σ) in
// x's dtype.
func (n *Net) Denoise(x *tensors.Tensor, sigma []float64) (*tensors.Tensor, error) {
	return n.DenoiseWeights(WeightsEMA, x, sigma)
}

// DenoiseWeights is Denoise with a choice of weights.
func (n *Net) DenoiseWeights(w Weights, x *tensors.Tensor, sigma []float64) (*tensors.Tensor, error) {
	if x == nil || x.Rank() != 4 || x.Shape().Dimensions[0] != len(sigma) {
		return nil, fmt.Errorf("unet: Denoise wants x [B, S, S, C] and len(sigma) = B, got x %v and %d σ's",
			shapeOf(x), len(sigma))
	}
	for i, s := range sigma {
		if !(s > 0) {
			return nil, fmt.Errorf("unet: Denoise: sigma[%d] = %g, want > 0", i, s)
		}
	}
	n.mu.Lock()
	e := n.execs[w]
	if e == nil {
		var err error
		e, err = model.NewExec(n.backend, n.store, func(_ *model.Scope, x, sigma *Node) *Node {
			return n.DenoiseGraphWeights(w, x, sigma)
		})
		if err != nil {
			n.mu.Unlock()
			return nil, err
		}
		n.execs[w] = e
	}
	n.mu.Unlock()
	out, err := e.Call(x, tensors.FromValue(sigma))
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// DenoiseFlat runs Denoise on B = len(sigma) vectors of ℝⁿ, n = S·S·C, given
// back to back in x (each the row-major flattening of a channels-last
// [S, S, C] image, e.g. a MoLRG sample with n = 48 as a 4×4×3 image).
func (n *Net) DenoiseFlat(x []float32, sigma []float64) ([]float32, error) {
	s, c := n.cfg.ImageSize, n.cfg.Channels
	if len(x) != len(sigma)*s*s*c {
		return nil, fmt.Errorf("unet: DenoiseFlat: len(x) = %d, want len(sigma)·%d = %d", len(x), s*s*c, len(sigma)*s*s*c)
	}
	out, err := n.Denoise(tensors.FromFlatDataAndDimensions(x, len(sigma), s, s, c), sigma)
	if err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](out)
}

func shapeOf(t *tensors.Tensor) any {
	if t == nil {
		return "nil"
	}
	return t.Shape()
}
