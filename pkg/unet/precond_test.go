package unet

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/diffusion"
)

// SigmaData is EDM's σ_d, the value of DefaultConfig.
const SigmaData = diffusion.SigmaData

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestScalingsSpecValues checks c_skip, c_out, c_in, c_noise and λ against
// values worked out by hand from docs/mathematics.md#edm-preconditioning-and-loss,
// σ_d = 0.5.
func TestScalingsSpecValues(t *testing.T) {
	cases := []struct {
		sigma                    float64
		cSkip, cOut, cIn, cNoise float64
		lambda                   float64
		description              string
	}{
		// σ = σ_d: c_skip = ½, c_out = σ_d/√2, c_in = 1/(σ_d√2), λ = 2/σ_d².
		{0.5, 0.5, 0.5 / math.Sqrt2, math.Sqrt2, math.Log(0.5) / 4, 8, "σ = σ_d"},
		// σ = 1: σ²+σ_d² = 5/4.
		{1, 0.2, 1 / math.Sqrt(5), 2 / math.Sqrt(5), 0, 5, "σ = 1"},
		// σ = 2: σ²+σ_d² = 17/4, σσ_d = 1.
		{2, 1.0 / 17, 2 / math.Sqrt(17), 2 / math.Sqrt(17), math.Log(2) / 4, 17.0 / 4, "σ = 2"},
		// σ = 0.002 (σ_min): c_skip ≈ 1 − 1.6e-5.
		{0.002, 0.25 / 0.250004, 0.001 / math.Sqrt(0.250004), 1 / math.Sqrt(0.250004), math.Log(0.002) / 4,
			0.250004 / 0.000001, "σ_min"},
		// σ = 80 (σ_max).
		{80, 0.25 / 6400.25, 40 / math.Sqrt(6400.25), 1 / math.Sqrt(6400.25), math.Log(80) / 4, 6400.25 / 1600, "σ_max"},
	}
	for _, c := range cases {
		cs, co, ci, cn := Scalings(c.sigma, SigmaData)
		if !near(cs, c.cSkip, 1e-12) || !near(co, c.cOut, 1e-12) || !near(ci, c.cIn, 1e-12) || !near(cn, c.cNoise, 1e-12) {
			t.Errorf("%s: Scalings = (%g, %g, %g, %g), want (%g, %g, %g, %g)", c.description, cs, co, ci, cn,
				c.cSkip, c.cOut, c.cIn, c.cNoise)
		}
		if l := diffusion.EDMLambda(c.sigma, SigmaData); !near(l, c.lambda, 1e-12) {
			t.Errorf("%s: λ = %g, want %g", c.description, l, c.lambda)
		}
		// EDM identities: λ = 1/c_out², c_skip + (c_out/σ_d)²·... : c_out² = σ_d²(1 − c_skip).
		if !near(co*co, SigmaData*SigmaData*(1-cs), 1e-12) {
			t.Errorf("%s: c_out² ≠ σ_d²(1 − c_skip)", c.description)
		}
	}
}

// TestScalingsGraphMatchesHost compares the graph coefficients with the host ones.
func TestScalingsGraphMatchesHost(t *testing.T) {
	sigmas := []float64{0.002, 0.1, 0.5, 1, 3, 80}
	out := MustExecOnceN(backend.Must(), func(s *Node) []*Node {
		a, b, c, d := ScalingsGraph(s, SigmaData)
		return []*Node{a, b, c, d, diffusion.EDMLambdaGraph(s, SigmaData)}
	}, sigmas)
	for i, s := range sigmas {
		cs, co, ci, cn := Scalings(s, SigmaData)
		want := []float64{cs, co, ci, cn, diffusion.EDMLambda(s, SigmaData)}
		for k, w := range want {
			if got := tensors.MustCopyFlatData[float64](out[k])[i]; !near(got, w, 1e-13) {
				t.Errorf("σ = %g, coefficient %d: graph %g, host %g", s, k, got, w)
			}
		}
	}
}

// TestZeroNetworkIsCSkip: with F ≡ 0, D(x; σ) = c_skip(σ)·x exactly, both
// for PreconditionGraph with a zero F and for a Net whose weights are all 0.
func TestZeroNetworkIsCSkip(t *testing.T) {
	be := backend.Must()
	rng := rand.New(rand.NewPCG(7, 8))
	x := randTensor64(rng, 3, 4, 4, 3)
	sigmas := []float64{0.01, 0.5, 20}
	xs := tensors.MustCopyFlatData[float64](x)
	check := func(name string, got []float64) {
		for i := range got {
			cs, _, _, _ := Scalings(sigmas[i/48], SigmaData)
			if got[i] != cs*xs[i] {
				t.Fatalf("%s: D[%d] = %v, want c_skip·x = %v", name, i, got[i], cs*xs[i])
			}
		}
	}
	d := MustExecOnce(be, func(x, s *Node) *Node {
		return PreconditionGraph(x, s, SigmaData, func(xIn, _ *Node) *Node { return ZerosLike(xIn) })
	}, x, sigmas)
	check("PreconditionGraph", tensors.MustCopyFlatData[float64](d))

	cfg := tinyConfig()
	cfg.DType = dtypes.Float64
	net, err := New(be, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for v := range net.Store().IterVariables() {
		v.MustSetValue(tensors.FromShape(v.Shape())) // all zeros
	}
	out, err := net.Denoise(x, sigmas)
	if err != nil {
		t.Fatal(err)
	}
	check("Net with zero weights", tensors.MustCopyFlatData[float64](out))

}

// TestEDMLossGraph checks the per-image loss against a host computation for
// the denoiser D(x; σ) = c_skip·x.
func TestEDMLossGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x0, eps := randTensor64(rng, 4, 2, 2, 3), randTensor64(rng, 4, 2, 2, 3)
	sigmas := []float64{0.05, 0.5, 1.5, 10}
	got := tensors.MustCopyFlatData[float64](MustExecOnce(backend.Must(), func(x0, eps, s *Node) *Node {
		den := func(xn, s *Node) *Node {
			cs, _, _, _ := ScalingsGraph(s, SigmaData)
			return Mul(Reshape(cs, 4, 1, 1, 1), xn)
		}
		return EDMLossGraph(den, x0, eps, s, SigmaData)
	}, x0, eps, sigmas))
	xv, ev := tensors.MustCopyFlatData[float64](x0), tensors.MustCopyFlatData[float64](eps)
	for i, s := range sigmas {
		cs := SigmaData * SigmaData / (s*s + SigmaData*SigmaData)
		sum := 0.0
		for j := range 12 {
			k := i*12 + j
			r := cs*(xv[k]+s*ev[k]) - xv[k]
			sum += r * r
		}
		want := (s*s + SigmaData*SigmaData) / (s * s * SigmaData * SigmaData) * sum
		if !near(got[i], want, 1e-12) {
			t.Errorf("image %d (σ = %g): loss %g, want %g", i, s, got[i], want)
		}
	}
}
