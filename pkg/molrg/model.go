package molrg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Params describes a MoLRG (Definition 1): K = len(Dims) components in ℝⁿ,
// component k spanning a d_k-dimensional subspace with mixing weight π_k.
type Params struct {
	N          int       // ambient dimension n ≥ 1
	Dims       []int     // d_k, 1 ≤ d_k ≤ n, one per component (K = len(Dims) ≥ 1)
	Pi         []float64 // mixing weights π_k > 0 summing to 1; nil means π_k = 1/K
	Orthogonal bool      // mutually orthogonal subspaces (needs Σd_k ≤ n), else independent random ones
	Noise      float64   // δ ≥ 0: samples are U_k a + e, e ~ N(0, δ² Iₙ) (eqs. 10, 15)
}

// Model is a MoLRG with its bases U⋆_k drawn.
type Model struct {
	N     int          // ambient dimension n
	Bases []*mat.Dense // U⋆_k ∈ O^{n×d_k}
	Pi    []float64    // π_k
	Noise float64      // δ
}

// K is the number of components.
func (m *Model) K() int { return len(m.Bases) }

// Dims returns d_k for every component.
func (m *Model) Dims() []int {
	dims := make([]int, len(m.Bases))
	for k, u := range m.Bases {
		_, dims[k] = u.Dims()
	}
	return dims
}

// Validate checks every parameter and returns an error naming the first bad one
// and its allowed range.
func (p Params) Validate() error {
	if p.N < 1 {
		return fmt.Errorf("molrg: ambient dimension n = %d, want n ≥ 1", p.N)
	}
	if len(p.Dims) < 1 {
		return fmt.Errorf("molrg: number of components K = %d, want K ≥ 1", len(p.Dims))
	}
	sum := 0
	for k, d := range p.Dims {
		if d < 1 || d > p.N {
			return fmt.Errorf("molrg: subspace dimension d_%d = %d, want 1 ≤ d_k ≤ n = %d", k, d, p.N)
		}
		sum += d
	}
	if p.Orthogonal && sum > p.N {
		return fmt.Errorf("molrg: orthogonal subspaces need Σd_k ≤ n, got Σd_k = %d > n = %d", sum, p.N)
	}
	if p.Pi != nil {
		if err := validatePi(p.Pi, len(p.Dims)); err != nil {
			return err
		}
	}
	if math.IsNaN(p.Noise) || math.IsInf(p.Noise, 0) || p.Noise < 0 {
		return fmt.Errorf("molrg: noise level δ = %v, want a finite δ ≥ 0", p.Noise)
	}
	return nil
}

// validatePi checks K mixing weights: each π_k > 0 and finite, Σπ_k = 1 (to 1e-9).
func validatePi(pi []float64, k int) error {
	if len(pi) != k {
		return fmt.Errorf("molrg: %d mixing weights π given for K = %d components, want one per component", len(pi), k)
	}
	s := 0.0
	for i, v := range pi {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("molrg: mixing weight π_%d = %v, want 0 < π_k ≤ 1", i, v)
		}
		s += v
	}
	if math.Abs(s-1) > 1e-9 {
		return fmt.Errorf("molrg: mixing weights π sum to %v, want Σπ_k = 1", s)
	}
	return nil
}

// New draws the bases of a MoLRG. Orthogonal subspaces are disjoint column
// blocks of one random orthogonal n×n matrix; otherwise each U⋆_k is the
// orthonormal factor of its own Gaussian n×d_k matrix. The same seed gives the
// same model.
func New(p Params, seed uint64) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6f6c7267))
	pi := p.Pi
	if pi == nil {
		pi = make([]float64, len(p.Dims))
		for k := range pi {
			pi[k] = 1 / float64(len(p.Dims))
		}
	}
	m := &Model{N: p.N, Pi: append([]float64(nil), pi...), Noise: p.Noise}
	if p.Orthogonal {
		sum := 0
		for _, d := range p.Dims {
			sum += d
		}
		q := RandomOrthonormal(p.N, sum, rng)
		col := 0
		for _, d := range p.Dims {
			m.Bases = append(m.Bases, mat.DenseCopyOf(q.Slice(0, p.N, col, col+d)))
			col += d
		}
	} else {
		for _, d := range p.Dims {
			m.Bases = append(m.Bases, RandomOrthonormal(p.N, d, rng))
		}
	}
	return m, nil
}

// RandomOrthonormal returns an n×d matrix with orthonormal columns, uniformly
// distributed (Haar): the Q factor of a Gaussian matrix with the signs of
// diag(R) made positive.
func RandomOrthonormal(n, d int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	u := mat.DenseCopyOf(q.Slice(0, n, 0, d))
	for j := range d {
		if r.At(j, j) < 0 {
			for i := range n {
				u.Set(i, j, -u.At(i, j))
			}
		}
	}
	return u
}
