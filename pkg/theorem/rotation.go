package theorem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// Rotation rotates the first m columns of U away from span(U): it returns,
// for every θ in thetas, the basis U(θ) whose first m columns are
// cos θ·u_j + sin θ·w_j and whose other d − m columns are those of U, with
// W = [w_1 … w_m] ∈ O^{n×m} drawn at random (Haar, from seed) orthogonal to
// span(U), which needs d + m ≤ n. U(θ) has orthonormal columns and
//
//	‖U(θ)U(θ)ᵀ − UUᵀ‖_F = √(2m)·|sin θ|,
//
// so θ = π/2 with m = d reaches a subspace orthogonal to span(U). u must have
// orthonormal columns and 1 ≤ m ≤ d.
func Rotation(u *mat.Dense, m int, thetas []float64, seed uint64) ([]*mat.Dense, error) {
	if u == nil || u.IsEmpty() {
		return nil, fmt.Errorf("theorem: empty basis, want an n×d matrix with orthonormal columns")
	}
	n, d := u.Dims()
	if m < 1 || m > d {
		return nil, fmt.Errorf("theorem: %d rotated columns, want 1 ≤ m ≤ d = %d", m, d)
	}
	if d+m > n {
		return nil, fmt.Errorf("theorem: basis is %d×%d, want d + m ≤ n (m = %d) to rotate it away from itself", n, d, m)
	}
	// W: the orthonormal factor of (I − UUᵀ)G for a Gaussian G.
	rng := rand.New(rand.NewPCG(seed, 0x726f74))
	g := molrg.RandomOrthonormal(n, m, rng)
	var utg, proj mat.Dense
	utg.Mul(u.T(), g)
	proj.Mul(u, &utg)
	g.Sub(g, &proj)
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	w := q.Slice(0, n, 0, m)
	out := make([]*mat.Dense, len(thetas))
	for i, th := range thetas {
		if math.IsNaN(th) || math.IsInf(th, 0) {
			return nil, fmt.Errorf("theorem: rotation angle θ = %v, want a finite angle", th)
		}
		r := mat.DenseCopyOf(u)
		var a, b mat.Dense
		a.Scale(math.Cos(th), u.Slice(0, n, 0, m))
		b.Scale(math.Sin(th), w)
		a.Add(&a, &b)
		r.Slice(0, n, 0, m).(*mat.Dense).Copy(&a)
		out[i] = r
	}
	return out, nil
}
