package theorem

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

func sampleData(t *testing.T, p molrg.Params, counts []int, seed uint64) (*molrg.Model, *mat.Dense) {
	t.Helper()
	m, err := molrg.New(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.SampleCounts(counts, seed+1)
	if err != nil {
		t.Fatal(err)
	}
	return m, s.X
}

// The closed forms agree with a Monte-Carlo estimate through the DAE graphs
// of pkg/dae (the integrand Algorithm 1 differentiates), for several s_t too.
func TestClosedFormsMatchMonteCarlo(t *testing.T) {
	levels := []diffusion.Level{{S: 1, Sigma: 0.1, Lambda: 1}, {S: 0.7, Sigma: 0.5, Lambda: 2}, {S: 1, Sigma: 1.5, Lambda: 0.5}}
	be := backend.Must()
	rng := rand.New(rand.NewPCG(3, 4))

	_, x := sampleData(t, molrg.Params{N: 8, Dims: []int{3}, Noise: 0.2}, []int{12}, 5)
	u := molrg.RandomOrthonormal(8, 3, rng)
	exact, err := SingleGaussianLoss(x, u, levels)
	if err != nil {
		t.Fatal(err)
	}
	mc, se, err := MonteCarloLoss(be, dae.ParamSingleGaussian, nil, x, []*mat.Dense{u}, levels, 2000, 9)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(mc-exact) > 4*se || se > 0.01*exact {
		t.Errorf("single Gaussian: closed form %v, Monte Carlo %v ± %v", exact, mc, se)
	}

	_, x2 := sampleData(t, molrg.Params{N: 8, Dims: []int{2, 3}, Orthogonal: true}, []int{6, 6}, 11)
	bases := []*mat.Dense{molrg.RandomOrthonormal(8, 2, rng), molrg.RandomOrthonormal(8, 3, rng)}
	exact, err = HardMaxLoss(x2, bases, levels)
	if err != nil {
		t.Fatal(err)
	}
	mc, se, err = MonteCarloLoss(be, dae.ParamHardMax, nil, x2, bases, levels, 2000, 10)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(mc-exact) > 4*se || se > 0.01*exact {
		t.Errorf("hard max: closed form %v, Monte Carlo %v ± %v", exact, mc, se)
	}
}

// Theorems 1 and 3: the loss is a − b·objective/N with b > 0, for any bases.
func TestAffineRelations(t *testing.T) {
	levels := []diffusion.Level{{S: 1, Sigma: 0.2, Lambda: 1}, {S: 1, Sigma: 0.6, Lambda: 1}}
	_, x := sampleData(t, molrg.Params{N: 10, Dims: []int{2, 2}, Orthogonal: true}, []int{7, 5}, 21)
	a, b, err := SingleGaussianAffine(x, 2, levels)
	if err != nil {
		t.Fatal(err)
	}
	if !(b > 0) {
		t.Fatalf("b = %v, want > 0", b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		u := molrg.RandomOrthonormal(10, 2, rng)
		l, _ := SingleGaussianLoss(x, u, levels)
		if want := a - b*subspace.PCAObjective(x, u)/12; math.Abs(l-want) > 1e-12 {
			t.Errorf("single Gaussian loss %v, a − bF/N = %v", l, want)
		}
		bases := []*mat.Dense{u, molrg.RandomOrthonormal(10, 2, rng)}
		h, _ := HardMaxLoss(x, bases, levels)
		g, _ := subspace.ClusteringObjective(x, bases)
		if want := a - b*g/12; math.Abs(h-want) > 1e-12 {
			t.Errorf("hard-max loss %v, a − bG/N = %v", h, want)
		}
	}
}

// Theorem 2: with N < d noiseless samples, completing their span with
// directions orthogonal to U⋆ is an optimum of (12) at distance √(2(d−N)).
func TestRecoveryLowerBoundIsAttained(t *testing.T) {
	const n, d, nSamples = 12, 5, 2
	m, x := sampleData(t, molrg.Params{N: n, Dims: []int{d}}, []int{nSamples}, 31)
	// Orthonormal basis of [span(data), complement of U⋆]: QR of [Xᵀ | G − U⋆U⋆ᵀG].
	rng := rand.New(rand.NewPCG(5, 6))
	y := mat.NewDense(n, d, nil)
	for j := range nSamples {
		y.SetCol(j, x.RawRowView(j))
	}
	var proj mat.Dense
	proj.Mul(m.Bases[0], m.Bases[0].T())
	for j := nSamples; j < d; j++ {
		g := make([]float64, n)
		for i := range g {
			g[i] = rng.NormFloat64()
		}
		gv := mat.NewVecDense(n, g)
		var pg mat.VecDense
		pg.MulVec(&proj, gv)
		gv.SubVec(gv, &pg)
		y.SetCol(j, gv.RawVector().Data)
	}
	var qr mat.QR
	qr.Factorize(y)
	var q mat.Dense
	qr.QTo(&q)
	u := mat.DenseCopyOf(q.Slice(0, n, 0, d))
	best := mat.Norm(x, 2)
	if f := subspace.PCAObjective(x, u); math.Abs(f-best*best) > 1e-9 {
		t.Fatalf("completed basis has objective %v, want the maximum ‖X‖²_F = %v", f, best*best)
	}
	if got, want := subspace.Distance(u, m.Bases[0]), RecoveryLowerBound(d, nSamples); math.Abs(got-want) > 1e-9 {
		t.Errorf("distance %v, want √(2(d−N)) = %v", got, want)
	}
	if RecoveryLowerBound(3, 3) != 0 || RecoveryLowerBound(3, 7) != 0 {
		t.Error("bound for N ≥ d, want 0")
	}
}

// Several sets in one call use the same noise as separate calls with the same seed.
func TestMonteCarloLossesShareTheNoise(t *testing.T) {
	levels := []diffusion.Level{{S: 1, Sigma: 0.3, Lambda: 1}}
	be := backend.Must()
	rng := rand.New(rand.NewPCG(8, 9))
	_, x := sampleData(t, molrg.Params{N: 6, Dims: []int{2}}, []int{5}, 61)
	sets := [][]*mat.Dense{{molrg.RandomOrthonormal(6, 2, rng)}, {molrg.RandomOrthonormal(6, 2, rng)}}
	means, _, err := MonteCarloLosses(be, dae.ParamSingleGaussian, nil, x, sets, levels, 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, set := range sets {
		one, _, err := MonteCarloLoss(be, dae.ParamSingleGaussian, nil, x, set, levels, 7, 3)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(one-means[i]) > 1e-12 {
			t.Errorf("set %d: %v in a batch, %v alone", i, means[i], one)
		}
	}
	bad := [][]*mat.Dense{sets[0], {molrg.RandomOrthonormal(6, 3, rng)}}
	if _, _, err := MonteCarloLosses(be, dae.ParamSingleGaussian, nil, x, bad, levels, 7, 3); err == nil || !strings.Contains(err.Error(), "equal shapes") {
		t.Errorf("mismatched shapes: err = %v", err)
	}
	if _, _, err := MonteCarloLoss(be, dae.ParamSingleGaussian, nil, x, sets[0], levels, 0, 3); err == nil || !strings.Contains(err.Error(), "draws ≥ 1") {
		t.Errorf("draws = 0: err = %v", err)
	}
}
