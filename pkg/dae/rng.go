package dae

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// Counter-based random numbers computed inside the graph.
//
// Every random word is SplitMix64 evaluated at a counter: for instance i with
// key κ_i, step t, stream j and position p (row-major index inside the
// per-instance block) the word is mix64(κ_i + (c+1)·γ), c = t·2³⁴ + j·2³² + p,
// γ = 0x9E3779B97F4A7C15 the golden-ratio increment of SplitMix64 and mix64 its
// finalizer. The words depend only on (κ_i, t, j, p), never on the number of
// instances in the graph, which is what makes batched and single-instance
// training identical.

const (
	golden64 = 0x9E3779B97F4A7C15
	mixMul1  = 0xBF58476D1CE4E5B9
	mixMul2  = 0x94D049BB133111EB
)

// splitMix64 is the SplitMix64 finalizer on the host (used to derive keys).
func splitMix64(z uint64) uint64 {
	z += golden64
	z = (z ^ (z >> 30)) * mixMul1
	z = (z ^ (z >> 27)) * mixMul2
	return z ^ (z >> 31)
}

// InstanceKey derives the RNG key κ of an instance from the run seed and the
// instance seed.
func InstanceKey(runSeed, instanceSeed uint64) uint64 {
	return splitMix64(splitMix64(runSeed) ^ splitMix64(instanceSeed+0x64616531))
}

// mix64 is the SplitMix64 finalizer as graph ops on a Uint64 node.
func mix64(z *Node) *Node {
	g := z.Graph()
	z = Mul(BitwiseXor(z, BitwiseShiftRightLogical(z, Const(g, uint64(30)))), Const(g, uint64(mixMul1)))
	z = Mul(BitwiseXor(z, BitwiseShiftRightLogical(z, Const(g, uint64(27)))), Const(g, uint64(mixMul2)))
	return BitwiseXor(z, BitwiseShiftRightLogical(z, Const(g, uint64(31))))
}

// randomWords returns Uint64 random words of shape [I, dims...]: keys is [I]
// Uint64, step a scalar Uint64 node, stream a small constant (< 4) and dims
// the per-instance block shape (at most 2³² entries).
func randomWords(keys, step *Node, stream uint64, dims ...int) *Node {
	g := keys.Graph()
	numInstances := keys.Shape().Dimensions[0]
	pos := IotaFull(g, shapes.Make(dtypes.Uint64, dims...))
	base := Add(BitwiseShiftLeft(step, Const(g, uint64(34))), Const(g, (stream<<32)+1))
	ctr := Add(pos, base) // [dims...]
	z := Mul(ctr, Const(g, uint64(golden64)))
	full := append([]int{numInstances}, dims...)
	k := Reshape(keys, append([]int{numInstances}, ones(len(dims))...)...)
	z = Add(BroadcastToDims(k, full...), BroadcastToDims(InsertAxes(z, 0), full...))
	return mix64(z)
}

func ones(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// uniform24 maps the top 24 bits of a word to a Float32 in [0, 1).
func uniform24(words *Node, shift uint64) *Node {
	g := words.Graph()
	bits := BitwiseAnd(BitwiseShiftRightLogical(words, Const(g, shift)), Const(g, uint64(0xFFFFFF)))
	return Mul(ConvertDType(bits, dtypes.Float32), Const(g, float32(1.0/(1<<24))))
}

// randomUniform returns Float32 uniforms in [0, 1) of shape [I, dims...].
func randomUniform(keys, step *Node, stream uint64, dims ...int) *Node {
	return uniform24(randomWords(keys, step, stream, dims...), 40)
}

// randomNormal returns Float32 standard normals of shape [I, dims...]
// (Box–Muller on two 24-bit uniforms per word, both outputs used).
func randomNormal(keys, step *Node, stream uint64, dims ...int) *Node {
	g := keys.Graph()
	last := dims[len(dims)-1]
	half := (last + 1) / 2
	hdims := append(append([]int{}, dims[:len(dims)-1]...), half)
	w := randomWords(keys, step, stream, hdims...)
	u1 := Add(uniform24(w, 40), Const(g, float32(0.5/(1<<24)))) // (0, 1)
	u2 := uniform24(w, 8)
	r := Sqrt(Mul(Const(g, float32(-2)), Log(u1)))
	// θ = 2πu₂: cos θ, and sin θ = ±√(1 − cos²θ) with the sign of θ < π
	// (one transcendental instead of two).
	c := cosPoly(Mul(u2, Const(g, float32(2*math.Pi))))
	s := Sqrt(Max(Sub(Const(g, float32(1)), Square(c)), Const(g, float32(0))))
	s = Where(LessThan(u2, Const(g, float32(0.5))), s, Neg(s))
	z := Concatenate([]*Node{Mul(r, c), Mul(r, s)}, -1)
	if 2*half != last {
		z = SliceAxis(z, -1, AxisRange(0, last))
	}
	return z
}

// cosPoly is cos θ for Float32 θ in [0, 2π], to a few float32 ulps, as
// vectorizable graph ops: XLA CPU calls libm's scalar cosf per element for
// Cos (ours: a fifth of Algorithm 1's step time). θ = qπ/2 + r with
// |r| ≤ π/4 (π/2 in two parts, so that qπ/2 is exact), then cos r or ∓sin r
// by Taylor polynomials to r⁸ and r⁹ (truncation below 3e-8).
func cosPoly(theta *Node) *Node {
	g := theta.Graph()
	c := func(v float64) *Node { return Const(g, float32(v)) }
	const hi = 1.5703125 // π/2 to 8 bits: q·hi is exact for q ≤ 4
	q := Floor(Add(Mul(theta, c(2/math.Pi)), c(0.5)))
	r := Sub(Sub(theta, Mul(q, c(hi))), Mul(q, c(math.Pi/2-hi)))
	r2 := Square(r)
	horner := func(coef ...float64) *Node {
		p := c(coef[0])
		for _, v := range coef[1:] {
			p = Add(Mul(p, r2), c(v))
		}
		return p
	}
	cosR := horner(1.0/40320, -1.0/720, 1.0/24, -0.5, 1)
	sinR := Mul(horner(1.0/362880, -1.0/5040, 1.0/120, -1.0/6, 1), r)
	qi := ConvertDType(q, dtypes.Int32)
	one, two := Const(g, int32(1)), Const(g, int32(2))
	v := Where(Equal(BitwiseAnd(qi, one), one), sinR, cosR)
	// cos(r + π/2) = −sin r, cos(r + π) = −cos r: negate for q mod 4 ∈ {1, 2}.
	return Where(Equal(BitwiseAnd(Add(qi, one), two), two), Neg(v), v)
}
