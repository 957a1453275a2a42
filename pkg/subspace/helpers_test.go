package subspace

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// newRNG returns a seeded generator for test data.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x74657374)) }

// gaussian returns an r×c matrix of independent N(0, 1) entries.
func gaussian(r, c int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	return g
}

// projector forms the n×n matrix UUᵀ explicitly.
func projector(u mat.Matrix) *mat.Dense {
	var p mat.Dense
	p.Mul(u, u.T())
	return &p
}

// checkOrthonormal fails the test unless UᵀU = I to tol.
func checkOrthonormal(t *testing.T, name string, u mat.Matrix, tol float64) {
	t.Helper()
	var g mat.Dense
	g.Mul(u.T(), u)
	r, _ := g.Dims()
	for i := range r {
		for j := range r {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(g.At(i, j)-want) > tol {
				t.Fatalf("%s: (UᵀU)[%d][%d] = %v, want %v", name, i, j, g.At(i, j), want)
			}
		}
	}
}

// orthogonalMoLRG draws a noise-free MoLRG with K mutually orthogonal
// d-dimensional subspaces of ℝⁿ and exactly nk samples per component.
func orthogonalMoLRG(t testing.TB, n, k, d, nk int, seed uint64) (*molrg.Model, *molrg.Samples) {
	t.Helper()
	dims := make([]int, k)
	counts := make([]int, k)
	for i := range dims {
		dims[i], counts[i] = d, nk
	}
	m, err := molrg.New(molrg.Params{N: n, Dims: dims, Orthogonal: true}, seed)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.SampleCounts(counts, seed+1000)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}
