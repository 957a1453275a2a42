package subspace

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// anisotropic returns N samples in ℝⁿ with coordinate scales n, n−1, …, 1
// mixed by a random rotation, so the scatter has a clear eigen-gap.
func anisotropic(nSamples, n int, seed uint64) *mat.Dense {
	rng := newRNG(seed)
	g := gaussian(nSamples, n, rng)
	for j := range n {
		for i := range nSamples {
			g.Set(i, j, g.At(i, j)*float64(n-j))
		}
	}
	var x mat.Dense
	x.Mul(g, molrg.RandomOrthonormal(n, n, rng).T())
	return &x
}

// Independent route: the top-d eigenvectors of the scatter XᵀX by power
// iteration with deflation (no SVD, no LAPACK eigensolver).
func powerTopEigenvectors(x *mat.Dense, d int) *mat.Dense {
	_, n := x.Dims()
	var s mat.Dense
	s.Mul(x.T(), x)
	u := mat.NewDense(n, d, nil)
	rng := newRNG(99)
	for j := range d {
		v := mat.NewVecDense(n, nil)
		for i := range n {
			v.SetVec(i, rng.NormFloat64())
		}
		for range 3000 {
			var w mat.VecDense
			w.MulVec(&s, v)
			for l := range j { // deflate: project off the vectors found
				c := mat.Dot(&w, u.ColView(l))
				w.AddScaledVec(&w, -c, u.ColView(l))
			}
			w.ScaleVec(1/mat.Norm(&w, 2), &w)
			v = &w
		}
		u.SetCol(j, v.RawVector().Data)
	}
	return u
}

func TestPCAMatchesPowerIteration(t *testing.T) {
	for _, c := range []struct{ nSamples, n, d int }{{40, 6, 1}, {40, 6, 3}, {25, 10, 4}, {8, 12, 5}} {
		x := anisotropic(c.nSamples, c.n, uint64(c.n*100+c.d))
		u, err := PCA(x, c.d)
		if err != nil {
			t.Fatal(err)
		}
		if r, cols := u.Dims(); r != c.n || cols != c.d {
			t.Fatalf("%+v: PCA is %d×%d, want %d×%d", c, r, cols, c.n, c.d)
		}
		checkOrthonormal(t, "PCA", u, 1e-12)
		want := powerTopEigenvectors(x, c.d)
		if dist := Distance(u, want); dist > 1e-8 {
			t.Errorf("%+v: PCA vs power iteration on XᵀX: distance %g", c, dist)
		}
	}
}

func TestPCAObjective(t *testing.T) {
	x := anisotropic(30, 8, 3)
	rng := newRNG(4)
	for _, d := range []int{1, 3, 8} {
		u, err := PCA(x, d)
		if err != nil {
			t.Fatal(err)
		}
		best := PCAObjective(x, u)
		// Definition: Σ_i Σ_j (u_jᵀx_i)², by explicit loops.
		want := 0.0
		for i := range 30 {
			for j := range d {
				dot := 0.0
				for l := range 8 {
					dot += u.At(l, j) * x.At(i, l)
				}
				want += dot * dot
			}
		}
		if math.Abs(best-want) > 1e-9*want {
			t.Errorf("d=%d: PCAObjective = %v, explicit sum = %v", d, best, want)
		}
		// Closed form at the optimum: the sum of the d largest eigenvalues of XᵀX.
		var s mat.SymDense
		s.SymOuterK(1, x.T())
		var eig mat.EigenSym
		eig.Factorize(&s, false)
		vals := eig.Values(nil)
		top := 0.0
		for j := range d {
			top += vals[len(vals)-1-j]
		}
		if math.Abs(best-top) > 1e-9*top {
			t.Errorf("d=%d: PCA objective %v, sum of top-d eigenvalues %v", d, best, top)
		}
		// Maximal (eq. 12): no random orthonormal basis does better.
		for range 200 {
			if r := PCAObjective(x, molrg.RandomOrthonormal(8, d, rng)); r > best*(1+1e-12) {
				t.Fatalf("d=%d: random basis objective %v > PCA objective %v", d, r, best)
			}
		}
	}
}

// Theorem 2, N ≥ d: noise-free samples of a d-dimensional subspace determine it.
func TestPCATheorem2Recovery(t *testing.T) {
	for _, c := range []struct{ n, d, nSamples int }{{48, 1, 1}, {48, 6, 6}, {48, 6, 12}, {20, 12, 12}, {12, 12, 30}} {
		for seed := range uint64(3) {
			m, s := orthogonalMoLRG(t, c.n, 1, c.d, c.nSamples, seed)
			u, err := PCA(s.X, c.d)
			if err != nil {
				t.Fatal(err)
			}
			if dist := Distance(u, m.Bases[0]); dist > 1e-8 {
				t.Errorf("%+v seed %d: N ≥ d but ‖UUᵀ − U⋆U⋆ᵀ‖_F = %g", c, seed, dist)
			}
		}
	}
}

// Theorem 2, N < d: the data cannot determine the subspace. Besides U⋆ the
// data lie in U⋆' = [a basis of span{x_i}, d − N directions orthogonal to U⋆],
// which attains the optimum of eq. (12) too and lies at distance exactly
// √(2(d − N)) from U⋆. Whatever PCA returns, by the triangle inequality it is
// at least √(2(d − N))/2 > τ = 0.5 from one of two equally valid truths.
func TestPCATheorem2Failure(t *testing.T) {
	for _, c := range []struct{ n, d, nSamples int }{{48, 2, 1}, {48, 6, 3}, {48, 12, 11}, {16, 8, 1}} {
		extra := c.d - c.nSamples
		m, err := molrg.New(molrg.Params{N: c.n, Dims: []int{c.d, extra}, Orthogonal: true}, 7)
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.SampleCounts([]int{c.nSamples, 1}, 8)
		if err != nil {
			t.Fatal(err)
		}
		x := mat.DenseCopyOf(s.X.Slice(0, c.nSamples, 0, c.n)) // component 0 only
		truth, w := m.Bases[0], m.Bases[1]                     // Wᵀ U⋆ = 0
		var qr mat.QR
		qr.Factorize(x.T())
		var q mat.Dense
		qr.QTo(&q)
		alt := mat.NewDense(c.n, c.d, nil) // U⋆'
		alt.Slice(0, c.n, 0, c.nSamples).(*mat.Dense).Copy(q.Slice(0, c.n, 0, c.nSamples))
		alt.Slice(0, c.n, c.nSamples, c.d).(*mat.Dense).Copy(w)
		checkOrthonormal(t, "U⋆'", alt, 1e-12)

		total := mat.Norm(x, 2)
		total *= total // Σ‖x_i‖² bounds eq. (12) from above
		u, err := PCA(x, c.d)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string]*mat.Dense{"U⋆": truth, "U⋆'": alt, "PCA": u} {
			if obj := PCAObjective(x, b); math.Abs(obj-total) > 1e-10*total {
				t.Errorf("%+v: objective of %s = %v, want the optimum Σ‖x_i‖² = %v", c, name, obj, total)
			}
		}
		bound := math.Sqrt(2 * float64(extra))
		if dist := Distance(alt, truth); dist < bound-1e-9 {
			t.Errorf("%+v: an optimum at distance %v from U⋆, want ≥ √(2(d−N)) = %v", c, dist, bound)
		}
		d1, d2 := Distance(u, truth), Distance(u, alt)
		if math.Max(d1, d2) < bound/2-1e-9 {
			t.Errorf("%+v: PCA within %v and %v of two truths √(2(d−N)) = %v apart", c, d1, d2, bound)
		}
		ok1, _ := Success([]*mat.Dense{u}, []*mat.Dense{truth}, DefaultTau)
		ok2, _ := Success([]*mat.Dense{u}, []*mat.Dense{alt}, DefaultTau)
		if ok1 && ok2 {
			t.Errorf("%+v: PCA counted a success for both truths", c)
		}
	}
}
