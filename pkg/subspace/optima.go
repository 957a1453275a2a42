package subspace

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// PCAOptima returns count maximizers of the PCA objective (12) for the data x
// (N×n) and dimension d: bases that all attain the value of PCA(x, d). When
// the data span at least d dimensions the maximizer is unique (up to ties
// among singular values) and every returned basis spans PCA's subspace. When
// they span only r < d dimensions (N < d, the failing regime of Theorem 2),
// every basis made of the r principal directions and any d − r directions
// orthogonal to the data is a maximizer: the returned bases complete the
// principal directions with
//
//	C_i = cos α_i · W + sin α_i · R,   α_i = (π/2)·i/(count−1),
//
// where W (n×(d−r)) spans the part of `toward` orthogonal to the data and R
// is a random orthonormal basis orthogonal to both the data and W. With
// toward = U⋆ and noiseless data the first optimum is the true subspace and
// the last one is at distance √(2(d−r)) from it (eq. 14), with every distance
// in between: the objective — hence the loss, Theorem 1 — cannot tell them
// apart. A nil toward completes every basis at random (sin α_i = 1).
// The numerical rank r counts singular values above 1e-10 times the largest.
func PCAOptima(x *mat.Dense, d, count int, toward *mat.Dense, seed uint64) ([]*mat.Dense, error) {
	_, n, err := checkData(x)
	if err != nil {
		return nil, err
	}
	if d < 1 || d > n {
		return nil, fmt.Errorf("subspace: PCA dimension d = %d, want 1 ≤ d ≤ n = %d", d, n)
	}
	if count < 1 {
		return nil, fmt.Errorf("subspace: number of optima = %d, want ≥ 1", count)
	}
	if toward != nil {
		if r, _ := toward.Dims(); r != n {
			return nil, fmt.Errorf("subspace: toward has %d rows, want n = %d", r, n)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDFullV) {
		return nil, errors.New("subspace: PCAOptima: the SVD of the data did not converge")
	}
	var v mat.Dense
	svd.VTo(&v)
	vals := svd.Values(nil)
	r := 0
	for _, s := range vals {
		if s > 1e-10*vals[0] {
			r++
		}
	}
	out := make([]*mat.Dense, count)
	if r >= d {
		for i := range out {
			out[i] = mat.DenseCopyOf(v.Slice(0, n, 0, d))
		}
		return out, nil
	}
	m := d - r
	data := mat.DenseCopyOf(v.Slice(0, n, 0, r)) // the principal directions
	rng := rand.New(rand.NewPCG(seed, 0x6f7074696d61))
	var w *mat.Dense // n×m: the part of toward orthogonal to the data (nil: none)
	if toward != nil {
		w = leading(orthogonalPart(toward, data), m)
	}
	for i := range out {
		against := data
		if w != nil {
			against = augment(data, w)
		}
		g := mat.NewDense(n, m, nil)
		for j := range g.RawMatrix().Data {
			g.RawMatrix().Data[j] = rng.NormFloat64()
		}
		rnd := leading(orthogonalPart(g, against), m)
		c := rnd
		if w != nil {
			alpha := math.Pi / 2
			if count > 1 {
				alpha = math.Pi / 2 * float64(i) / float64(count-1)
			}
			c = mat.NewDense(n, m, nil)
			c.Scale(math.Cos(alpha), w)
			var s mat.Dense
			s.Scale(math.Sin(alpha), rnd)
			c.Add(c, &s)
		}
		out[i] = augment(data, c)
	}
	return out, nil
}

// orthogonalPart returns (I − QQᵀ)A for q with orthonormal columns.
func orthogonalPart(a, q *mat.Dense) *mat.Dense {
	var c, p mat.Dense
	c.Mul(q.T(), a)
	p.Mul(q, &c)
	var out mat.Dense
	out.Sub(a, &p)
	return &out
}

// leading returns the m leading left singular vectors of a (n×m).
func leading(a *mat.Dense, m int) *mat.Dense {
	var svd mat.SVD
	svd.Factorize(a, mat.SVDThinU)
	var u mat.Dense
	svd.UTo(&u)
	r, _ := u.Dims()
	return mat.DenseCopyOf(u.Slice(0, r, 0, m))
}

// augment returns [a b].
func augment(a, b *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Augment(a, b)
	return &out
}
