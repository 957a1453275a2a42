package subspace

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// fitBases is the fit step: U_k = top-d_k eigenvectors of the scatter of
// cluster k, computed as the top right singular vectors of its samples, with
// clusters of fewer than d_k samples re-seeded (see KSubspaces).
func fitBases(x *mat.Dense, dims, labels []int) []*mat.Dense {
	_, n := x.Dims()
	members := make([][]int, len(dims))
	for i, l := range labels {
		if l >= 0 { // −1: left out of the initial labeling
			members[l] = append(members[l], i)
		}
	}
	bases := make([]*mat.Dense, len(dims))
	for k, d := range dims {
		if len(members[k]) >= d {
			v := rightSingular(rows(x, members[k]))
			bases[k] = mat.DenseCopyOf(v.Slice(0, n, 0, d))
		}
	}
	for k, d := range dims {
		if bases[k] != nil {
			continue
		}
		var q *mat.Dense
		if len(members[k]) > 0 {
			q = rightSingular(rows(x, members[k])) // n×|C_k|
		}
		// Residuals of all samples w.r.t. the best basis fitted so far,
		// projected off span(q).
		fitted := make([]*mat.Dense, 0, len(dims))
		for _, u := range bases {
			if u != nil {
				fitted = append(fitted, u)
			}
		}
		r := residuals(x, fitted)
		if q != nil {
			var c mat.Dense
			c.Mul(r, q)
			var pq mat.Dense
			pq.Mul(&c, q.T())
			r.Sub(r, &pq)
		}
		bases[k] = completeBasis(q, rightSingular(r), d)
	}
	return bases
}

// rows returns the rows of x listed in idx as a new matrix.
func rows(x *mat.Dense, idx []int) *mat.Dense {
	_, n := x.Dims()
	sub := mat.NewDense(len(idx), n, nil)
	for j, i := range idx {
		copy(sub.RawRowView(j), x.RawRowView(i))
	}
	return sub
}

// rightSingular returns the right singular vectors of a (m×n) as the columns
// of an n×min(m, n) matrix, by decreasing singular value: the top
// eigenvectors of the scatter aᵀa, without forming it.
func rightSingular(a *mat.Dense) *mat.Dense {
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThinV) {
		panic("subspace: SVD did not converge")
	}
	var v mat.Dense
	svd.VTo(&v)
	return &v
}

// topEigenvectors returns the eigenvectors of s for its d largest eigenvalues,
// largest first, as the columns of an n×d matrix.
func topEigenvectors(s *mat.SymDense, d int) *mat.Dense {
	n := s.SymmetricDim()
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		panic("subspace: symmetric eigendecomposition did not converge")
	}
	var v mat.Dense
	eig.VectorsTo(&v) // ascending eigenvalues
	u := mat.NewDense(n, d, nil)
	for j := range d {
		for i := range n {
			u.Set(i, j, v.At(i, n-1-j))
		}
	}
	return u
}

// residuals returns x_i − U_bU_bᵀx_i for every sample, b = argmax_k ‖U_kᵀx_i‖
// over the given bases (x itself when there are none).
func residuals(x *mat.Dense, bases []*mat.Dense) *mat.Dense {
	r := mat.DenseCopyOf(x)
	if len(bases) == 0 {
		return r
	}
	labels, _ := assign(x, bases, nil)
	nSamples, _ := x.Dims()
	for i := range nSamples {
		u := bases[labels[i]]
		xi := x.RowView(i)
		var c, p mat.VecDense
		c.MulVec(u.T(), xi)
		p.MulVec(u, &c)
		row := r.RawRowView(i)
		for j := range row {
			row[j] -= p.AtVec(j)
		}
	}
	return r
}

// completeBasis returns an n×d orthonormal matrix whose first columns are
// those of q (n×m, orthonormal, may be nil) followed by the columns of cand
// and then the standard basis vectors, each orthogonalized (twice, classical
// Gram–Schmidt) against the ones kept and skipped when nearly dependent.
func completeBasis(q, cand *mat.Dense, d int) *mat.Dense {
	n, _ := cand.Dims()
	kept := make([][]float64, 0, d)
	if q != nil {
		_, m := q.Dims()
		for j := range m {
			kept = append(kept, mat.Col(nil, j, q))
		}
	}
	try := func(v []float64) {
		for range 2 {
			for _, w := range kept {
				dot := 0.0
				for i := range v {
					dot += v[i] * w[i]
				}
				for i := range v {
					v[i] -= dot * w[i]
				}
			}
		}
		nrm := 0.0
		for _, a := range v {
			nrm += a * a
		}
		nrm = math.Sqrt(nrm)
		if nrm < 1e-6 {
			return
		}
		for i := range v {
			v[i] /= nrm
		}
		kept = append(kept, v)
	}
	_, c := cand.Dims()
	for j := 0; j < c && len(kept) < d; j++ {
		try(mat.Col(nil, j, cand))
	}
	for j := 0; j < n && len(kept) < d; j++ {
		e := make([]float64, n)
		e[j] = 1
		try(e)
	}
	u := mat.NewDense(n, d, nil)
	for j, v := range kept[:d] {
		u.SetCol(j, v)
	}
	return u
}
