package unet

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Initialisation gains of SongUNet: init (xavier_uniform), init_zero
// (xavier_uniform·1e-5) and init_attn (xavier_uniform·√0.2).
const (
	gainInit  = 1.0
	gainZero  = 1e-5
	gainAttn  = 0.4472135954999579 // √0.2
	skipScale = 0.7071067811865476 // √½, SongUNet skip_scale
)

const (
	initKindZero = iota
	initKindOne
	initKindXavier
	initKindNormal
)

// initSpec says how a parameter is initialised.
type initSpec struct {
	kind          int
	fanIn, fanOut int
	scale         float64 // gain (xavier) or σ (normal)
}

func initZeros() initSpec             { return initSpec{kind: initKindZero} }
func initOnes() initSpec              { return initSpec{kind: initKindOne} }
func initNormal(std float64) initSpec { return initSpec{kind: initKindNormal, scale: std} }
func initXavier(in, out int, gain float64) initSpec {
	return initSpec{kind: initKindXavier, fanIn: in, fanOut: out, scale: gain}
}

// hostValues draws the initial values on the host from a PCG stream keyed
// by (seed, variable path), so they do not depend on the order in which
// variables are created or on the backend.
func (s initSpec) hostValues(seed uint64, path string, size int) []float64 {
	v := make([]float64, size)
	h := fnv.New64a()
	h.Write([]byte(path))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	switch s.kind {
	case initKindOne:
		for i := range v {
			v[i] = 1
		}
	case initKindXavier:
		// EDM weight_init(xavier_uniform): √(6/(fan_in+fan_out))·U(−1, 1).
		bound := s.scale * math.Sqrt(6/float64(s.fanIn+s.fanOut))
		for i := range v {
			v[i] = bound * (2*rng.Float64() - 1)
		}
	case initKindNormal:
		for i := range v {
			v[i] = s.scale * rng.NormFloat64()
		}
	}
	return v
}

// hostTensor returns the initial value of a variable as a tensor of dtype.
func (s initSpec) hostTensor(seed uint64, path string, shape shapes.Shape) *tensors.Tensor {
	return toDType(s.hostValues(seed, path, shape.Size()), shape.DType, shape.Dimensions...)
}

// fwd holds what one graph construction of the network needs.
type fwd struct {
	cfg   *Config
	g     *Graph
	rng   *Node               // dropout RNG state; nil: no dropout (inference)
	inits map[string]initSpec // when set, records how each variable is initialised
}

// param returns the graph value of variable name in scope, created (with the
// given initialisation) if it does not exist.
func (f *fwd) param(scope *model.Scope, name string, dims []int, init initSpec) *Node {
	shape := shapes.Make(f.cfg.DType, dims...)
	path := model.JoinPath(scope.Scope(), name)
	seed := f.cfg.Seed
	if f.inits != nil {
		f.inits[path] = init
	}
	initFn := func(g *Graph, shape shapes.Shape) *Node {
		return ConstTensor(g, init.hostTensor(seed, path, shape))
	}
	return scope.WithInitializer(initFn).VariableWithShape(name, shape).NodeValue(f.g)
}

func silu(x *Node) *Node { return Mul(x, Sigmoid(x)) }

// linear is EDM's Linear: y = x·W + b, x [B, in], W xavier-initialised, b = 0.
func (f *fwd) linear(scope *model.Scope, x *Node, out int, gain float64) *Node {
	in := x.Shape().Dimensions[1]
	w := f.param(scope, "weight", []int{in, out}, initXavier(in, out, gain))
	b := f.param(scope, "bias", []int{out}, initZeros())
	return Add(Dot(x, w).Product(), Reshape(b, 1, out))
}

// conv is EDM's Conv2d with a k×k kernel ("same" padding): fan_in = C_in·k²,
// fan_out = C_out·k², bias 0.
func (f *fwd) conv(scope *model.Scope, x *Node, out, k int, gain float64, stride int) *Node {
	in := x.Shape().Dimensions[3]
	w := f.param(scope, "weight", []int{k, k, in, out}, initXavier(in*k*k, out*k*k, gain))
	b := f.param(scope, "bias", []int{out}, initZeros())
	return Add(Conv2D(x, w, stride, f.cfg.Conv), Reshape(b, 1, 1, 1, out))
}

// resampledConv is EDM's Conv2d with up/down: resample first (nearest 2×
// up-sampling, or 2×2 average pooling = resample_filter [1,1]), then
// convolve; with DownStridedConv the down-sampling is a stride-2 conv.
func (f *fwd) resampledConv(scope *model.Scope, x *Node, out, k int, gain float64, up, down bool) *Node {
	stride := 1
	switch {
	case up:
		x = upNearest2(x)
	case down && f.cfg.Downsample == DownStridedConv:
		stride = 2
	case down:
		x = avgPool2(x)
	}
	return f.conv(scope, x, out, k, gain, stride)
}

// avgPool2 is the 2×2 average pool (stride 2) of x [B, H, W, C].
func avgPool2(x *Node) *Node {
	d := x.Shape().Dimensions
	return ReduceMean(Reshape(x, d[0], d[1]/2, 2, d[2]/2, 2, d[3]), 2, 4)
}

// upNearest2 is the nearest-neighbour 2× up-sampling of x [B, H, W, C].
func upNearest2(x *Node) *Node {
	d := x.Shape().Dimensions
	y := BroadcastToDims(Reshape(x, d[0], d[1], 1, d[2], 1, d[3]), d[0], d[1], 2, d[2], 2, d[3])
	return Reshape(y, d[0], 2*d[1], 2*d[2], d[3])
}

// dropout zeroes each entry with probability p and scales the rest by
// 1/(1−p) (inverted dropout, as torch.nn.functional.dropout).
func (f *fwd) dropout(x *Node) *Node {
	p := f.cfg.Dropout
	if f.rng == nil || p == 0 {
		return x
	}
	var u *Node
	f.rng, u = RandomUniform(f.rng, x.Shape())
	keep := ConvertDType(GreaterOrEqual(u, Scalar(f.g, x.DType(), p)), x.DType())
	return MulScalar(Mul(x, keep), 1/(1-p))
}

// block is SongUNet's UNetBlock with the DDPM++ settings (adaptive_scale =
// False, resample_proj = True, skip_scale = √½, eps = 1e-6):
//
//	h = conv0(SiLU(norm0(x)))                      (up/down-sampled)
//	h = conv1(dropout(SiLU(norm1(h + affine(emb)))))
//	x = (h + skip(x))·√½                           (skip = 1×1 conv if shape changes)
//	x = (proj(attn(norm2(x))) + x)·√½              (if attention)
func (f *fwd) block(scope *model.Scope, x, emb *Node, m module) *Node {
	b := x.Shape().Dimensions[0]
	orig := x
	h := silu(f.groupNorm(scope.In("norm0"), x))
	h = f.resampledConv(scope.In("conv0"), h, m.out, 3, gainInit, m.up, m.down)
	params := f.linear(scope.In("affine"), emb, m.out, gainInit)
	h = Add(h, Reshape(params, b, 1, 1, m.out))
	h = silu(f.groupNorm(scope.In("norm1"), h))
	h = f.conv(scope.In("conv1"), f.dropout(h), m.out, 3, gainZero, 1)
	if m.hasSkipConv() {
		orig = f.resampledConv(scope.In("skip"), orig, m.out, 1, gainInit, m.up, m.down)
	}
	x = MulScalar(Add(h, orig), skipScale)
	if m.attn {
		x = f.attention(scope, x)
	}
	return x
}

// attention is the self-attention of UNetBlock over the H·W positions:
// qkv = 1×1 conv of norm2(x) (channel (h·C/heads + c)·3 + {q,k,v}, EDM's
// layout), w = softmax_m(q_l·k_m/√(C/heads)), a_l = Σ_m w_{lm} v_m,
// x = (proj(a) + x)·√½.
func (f *fwd) attention(scope *model.Scope, x *Node) *Node {
	d := x.Shape().Dimensions
	b, hh, ww, c := d[0], d[1], d[2], d[3]
	heads := f.cfg.NumHeads
	ch, l := c/heads, hh*ww
	qkv := f.conv(scope.In("qkv"), f.groupNorm(scope.In("norm2"), x), 3*c, 1, gainAttn, 1)
	qkv = Reshape(qkv, b, l, heads, ch, 3)
	part := func(i int) *Node {
		return Reshape(Slice(qkv, AxisRange(), AxisRange(), AxisRange(), AxisRange(), AxisElem(i)), b, l, heads, ch)
	}
	q, k, v := part(0), part(1), part(2)
	logits := MulScalar(Einsum("blhc,bmhc->bhlm", q, k), 1/math.Sqrt(float64(ch)))
	w := Softmax(logits, -1)
	a := Reshape(Einsum("bhlm,bmhc->blhc", w, v), b, hh, ww, c)
	return MulScalar(Add(f.conv(scope.In("proj"), a, c, 1, gainZero, 1), x), skipScale)
}
