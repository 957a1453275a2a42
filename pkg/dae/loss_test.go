package dae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// meanAndSE returns the mean of v and its standard error.
func meanAndSE(v []float32) (mean, se float64) {
	var s1, s2 float64
	for _, x := range v {
		s1 += float64(x)
		s2 += float64(x) * float64(x)
	}
	m := float64(len(v))
	mean = s1 / m
	return mean, math.Sqrt(math.Max(0, s2/m-mean*mean) / m)
}

// TestSingleGaussianLossMonteCarlo estimates E_ε‖x_θ(x + σε) − x‖² for the
// DAE of eq. (11) (s = 1, λ = 1) by Monte Carlo through the graph SampleLoss
// and compares it with the closed form
// ‖x‖² − ((1+2σ²)/(1+σ²)²)‖Uᵀx‖² + dσ²/(1+σ²)², within 4 standard errors.
func TestSingleGaussianLossMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n, d, m = 12, 4, 40000
	u := randomBasis(n, d, rng)
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	exec, err := NewExec(testBackend(), func(x0, eps, sigma, u *Node) *Node {
		dae := ParamSingleGaussian.DAE(nil)
		g := x0.Graph()
		return SampleLoss(dae, []*Node{u}, x0, eps, Const(g, float32(1)), sigma, Const(g, float32(1)))
	})
	if err != nil {
		t.Fatal(err)
	}
	x0F := make([]float32, 0, m*n)
	for range m {
		for _, v := range x {
			x0F = append(x0F, float32(v))
		}
	}
	proj := sq(refProj(u, x))
	for _, sigma := range []float64{0.1, 0.5, 1, 2} {
		eps := make([]float32, m*n)
		for i := range eps {
			eps[i] = float32(rng.NormFloat64())
		}
		out, err := exec.Call(tensors.FromFlatDataAndDimensions(x0F, m, n), tensors.FromFlatDataAndDimensions(eps, m, n), float32(sigma), toF32([]*mat.Dense{u}, n, d))
		if err != nil {
			t.Fatal(err)
		}
		got, se := meanAndSE(tensors.MustCopyFlatData[float32](out[0]))
		s2 := sigma * sigma
		want := sq(x) - (1+2*s2)/((1+s2)*(1+s2))*proj + float64(d)*s2/((1+s2)*(1+s2))
		if math.Abs(got-want) > 4*se {
			t.Errorf("σ = %v: Monte Carlo loss %.5f ± %.5f (SE), closed form %.5f: off by %.1f SE", sigma, got, se, want, math.Abs(got-want)/se)
		}
	}
}

// TestHardMaxLossIsAffineInClusteringObjective checks Theorem 3's link
// between the hard-max DAE (eqs. 16–17) and subspace clustering (eq. 18).
// For x in cluster k̂ the closed form of eq. (11) applies with U = U_k̂, so
// with s = 1, T levels drawn uniformly, weights λ_t and equal d_k = d, the
// expected loss (6) is
//
//	ℓ = a − b·Σ_k Σ_{i∈C_k} ‖U_kᵀx_i‖²,
//	a = E_t[λ_t]·(1/N)Σ_i‖x_i‖² + d·E_t[λ_t σ_t²/(1+σ_t²)²],
//	b = E_t[λ_t (1+2σ_t²)/(1+σ_t²)²] / N.
//
// For several bases (random ones and the true ones) the Monte-Carlo loss of
// the graph must lie on that line within 4 standard errors, and the least-
// squares line through the points must have slope −b.
func TestHardMaxLossIsAffineInClusteringObjective(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const n, d, k, N, draws = 10, 2, 2, 12, 400
	sigmas := []float64{0.2, 0.6, 1.2}
	lambda := func(s float64) float64 { return 1 / (s * s) } // a non-constant weighting
	truth := []*mat.Dense{randomBasis(n, d, rng), randomBasis(n, d, rng)}
	x := mat.NewDense(N, n, nil)
	for i := range N {
		row := refRecon(truth[i%k], []float64{rng.NormFloat64(), rng.NormFloat64()})
		for j := range n {
			x.Set(i, j, row[j]+0.1*rng.NormFloat64())
		}
	}
	var sets [][]*mat.Dense
	sets = append(sets, truth)
	for range 5 {
		sets = append(sets, []*mat.Dense{randomBasis(n, d, rng), randomBasis(n, d, rng)})
	}
	// Derived constants.
	var meanX2, eL, eLnoise, eLc float64
	for i := range N {
		meanX2 += sq(x.RawRowView(i)) / N
	}
	for _, s := range sigmas {
		s2 := s * s
		eL += lambda(s) / float64(len(sigmas))
		eLnoise += lambda(s) * s2 / ((1 + s2) * (1 + s2)) / float64(len(sigmas))
		eLc += lambda(s) * (1 + 2*s2) / ((1 + s2) * (1 + s2)) / float64(len(sigmas))
	}
	a := eL*meanX2 + d*eLnoise
	b := eLc / N

	// Rows: every (set j, sample i, level l, draw m), sets on the leading axis.
	rows := N * len(sigmas) * draws
	var x0F, epsF, sigF, lamF []float32
	var u0, u1 []*mat.Dense
	for _, set := range sets {
		u0, u1 = append(u0, set[0]), append(u1, set[1])
		for i := range N {
			for _, s := range sigmas {
				for range draws {
					for j := range n {
						x0F = append(x0F, float32(x.At(i, j)))
						epsF = append(epsF, float32(rng.NormFloat64()))
					}
					sigF = append(sigF, float32(s))
					lamF = append(lamF, float32(lambda(s)))
				}
			}
		}
	}
	J := len(sets)
	out, err := ExecOnce(testBackend(), func(in []*Node) *Node {
		return SampleLoss(ParamHardMax.DAE(nil), in[4:], in[0], in[1], ConstAs(in[2], 1), in[2], in[3])
	}, tensors.FromFlatDataAndDimensions(x0F, J, rows, n), tensors.FromFlatDataAndDimensions(epsF, J, rows, n),
		tensors.FromFlatDataAndDimensions(sigF, J, rows), tensors.FromFlatDataAndDimensions(lamF, J, rows),
		toF32(u0, J, n, d), toF32(u1, J, n, d))
	if err != nil {
		t.Fatal(err)
	}
	losses := tensors.MustCopyFlatData[float32](out)
	objs, mcs := make([]float64, J), make([]float64, J)
	for j, set := range sets {
		// Objective (18), computed here from its definition.
		for i := range N {
			best := 0.0
			for _, u := range set {
				best = math.Max(best, sq(refProj(u, x.RawRowView(i))))
			}
			objs[j] += best
		}
		mc, se := meanAndSE(losses[j*rows : (j+1)*rows])
		mcs[j] = mc
		if want := a - b*objs[j]; math.Abs(mc-want) > 4*se {
			t.Errorf("bases %d: objective (18) = %.4f, Monte-Carlo loss %.5f ± %.5f, a − b·objective = %.5f (off by %.1f SE)", j, objs[j], mc, se, want, math.Abs(mc-want)/se)
		}
	}
	// Least-squares slope through (objective, loss).
	var mo, ml float64
	for j := range J {
		mo += objs[j] / float64(J)
		ml += mcs[j] / float64(J)
	}
	var sxy, sxx float64
	for j := range J {
		sxy += (objs[j] - mo) * (mcs[j] - ml)
		sxx += (objs[j] - mo) * (objs[j] - mo)
	}
	if slope := sxy / sxx; math.Abs(slope+b) > 0.02*b {
		t.Errorf("fitted slope %.5f, want −b = %.5f (2%%)", slope, -b)
	}
}
