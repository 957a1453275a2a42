package dae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// Plain float64 re-implementations of the DAEs, one sample at a time,
// written from the formulas (eqs. 9, 11, 16–17) independently of the graphs.

func refProj(u *mat.Dense, x []float64) []float64 { // Uᵀx
	n, d := u.Dims()
	c := make([]float64, d)
	for j := range d {
		for i := range n {
			c[j] += u.At(i, j) * x[i]
		}
	}
	return c
}

func refRecon(u *mat.Dense, c []float64) []float64 { // Uc
	n, d := u.Dims()
	y := make([]float64, n)
	for i := range n {
		for j := range d {
			y[i] += u.At(i, j) * c[j]
		}
	}
	return y
}

func sq(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return s
}

func refSoftMax(xt []float64, s, sigma float64, bases []*mat.Dense, pi []float64) []float64 {
	k := len(bases)
	phi := 1 / (2 * s * s * sigma * sigma * (1 + sigma*sigma))
	logits := make([]float64, k)
	maxL := math.Inf(-1)
	for j, u := range bases {
		_, d := u.Dims()
		p := 1 / float64(k)
		if pi != nil {
			p = pi[j]
		}
		logits[j] = math.Log(p) - float64(d)/2*math.Log(1+1/(sigma*sigma)) + phi*sq(refProj(u, xt))
		maxL = math.Max(maxL, logits[j])
	}
	z := 0.0
	for j := range logits {
		logits[j] = math.Exp(logits[j] - maxL)
		z += logits[j]
	}
	out := make([]float64, len(xt))
	for j, u := range bases {
		y := refRecon(u, refProj(u, xt))
		for i := range out {
			out[i] += logits[j] / z * y[i] / (s * (1 + sigma*sigma))
		}
	}
	return out
}

func refSingle(xt []float64, s, sigma float64, u *mat.Dense) []float64 {
	y := refRecon(u, refProj(u, xt))
	for i := range y {
		y[i] /= s * (1 + sigma*sigma)
	}
	return y
}

func refHardMax(xt, x0 []float64, s, sigma float64, bases []*mat.Dense) []float64 {
	best, bestV := 0, -1.0
	for j, u := range bases {
		if v := sq(refProj(u, x0)); v > bestV {
			best, bestV = j, v
		}
	}
	return refSingle(xt, s, sigma, bases[best])
}

// TestDAEsMatchFloat64 evaluates the three graph DAEs on a batch with a
// leading instance axis (I = 2, B = 5, n = 7, K = 3 bases of dimensions
// 1, 2, 3, unequal π, per-sample s_t and σ_t) and on shared rank-2 bases, and
// compares them with the float64 re-implementations.
func TestDAEsMatchFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const inst, b, n = 2, 5, 7
	dims := []int{1, 2, 3}
	pi := []float64{0.2, 0.3, 0.5}
	bases := make([][]*mat.Dense, inst) // [instance][k]
	for i := range bases {
		for _, d := range dims {
			bases[i] = append(bases[i], randomBasis(n, d, rng))
		}
	}
	xt := make([][]float64, inst*b)
	x0 := make([][]float64, inst*b)
	s := make([]float64, inst*b)
	sigma := make([]float64, inst*b)
	var xtF, x0F, sF, sigmaF []float32
	for r := range xt {
		xt[r], x0[r] = make([]float64, n), make([]float64, n)
		for j := range n {
			x0[r][j] = rng.NormFloat64()
			xt[r][j] = x0[r][j] + 0.5*rng.NormFloat64()
			xtF = append(xtF, float32(xt[r][j]))
			x0F = append(x0F, float32(x0[r][j]))
		}
		s[r] = 0.5 + rng.Float64()
		sigma[r] = 0.3 + 1.2*rng.Float64()
		sF = append(sF, float32(s[r]))
		sigmaF = append(sigmaF, float32(sigma[r]))
	}
	baseT := make([]*tensors.Tensor, len(dims))
	for k, d := range dims {
		baseT[k] = toF32([]*mat.Dense{bases[0][k], bases[1][k]}, inst, n, d)
	}
	args := []any{
		tensors.FromFlatDataAndDimensions(xtF, inst, b, n),
		tensors.FromFlatDataAndDimensions(x0F, inst, b, n),
		tensors.FromFlatDataAndDimensions(sF, inst, b),
		tensors.FromFlatDataAndDimensions(sigmaF, inst, b),
	}
	for _, bt := range baseT {
		args = append(args, bt)
	}
	exec, err := NewExec(testBackend(), func(in []*Node) []*Node {
		xt, x0, s, sigma, us := in[0], in[1], in[2], in[3], in[4:]
		return []*Node{
			SoftMax(xt, s, sigma, us, pi),
			SoftMax(xt, s, sigma, us, nil),
			SingleGaussian(xt, s, sigma, us[2]),
			HardMax(xt, x0, s, sigma, us),
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"SoftMax (eq. 9, unequal π)", "SoftMax (eq. 9, π = 1/K)", "SingleGaussian (eq. 11)", "HardMax (eqs. 16-17)"}
	for o, name := range names {
		got := tensors.MustCopyFlatData[float32](out[o])
		for r := range xt {
			us := bases[r/b]
			var want []float64
			switch o {
			case 0:
				want = refSoftMax(xt[r], s[r], sigma[r], us, pi)
			case 1:
				want = refSoftMax(xt[r], s[r], sigma[r], us, nil)
			case 2:
				want = refSingle(xt[r], s[r], sigma[r], us[2])
			case 3:
				want = refHardMax(xt[r], x0[r], s[r], sigma[r], us)
			}
			for j := range n {
				if e := math.Abs(float64(got[r*n+j]) - want[j]); e > 1e-5*(1+math.Abs(want[j])) {
					t.Errorf("%s: sample %d coordinate %d: graph %v, float64 %v", name, r, j, got[r*n+j], want[j])
				}
			}
		}
	}

	// Shared rank-2 bases and scalar s, σ on a [B, n] batch.
	shared, err := ExecOnce(testBackend(), func(xt, u0, u1 *Node) *Node {
		g := xt.Graph()
		return SoftMax(xt, Const(g, float32(1)), Const(g, float32(0.7)), []*Node{u0, u1}, nil)
	}, tensors.FromFlatDataAndDimensions(xtF[:b*n], b, n), toF32(bases[0][1:2], n, 2), toF32(bases[0][2:3], n, 3))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](shared)
	for r := range b {
		want := refSoftMax(xt[r], 1, 0.7, bases[0][1:3], nil)
		for j := range n {
			if e := math.Abs(float64(got[r*n+j]) - want[j]); e > 1e-5*(1+math.Abs(want[j])) {
				t.Errorf("SoftMax with shared bases: sample %d coordinate %d: graph %v, float64 %v", r, j, got[r*n+j], want[j])
			}
		}
	}
}
