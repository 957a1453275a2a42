package metrics

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// The relative nearest-neighbour copy test (the project's image GL score
// for Figure 5(b); docs/mathematics.md#the-relative-nearest-neighbour-copy-test).
// A generated image x̂ is a copy of the training set when its nearest
// training image is much closer than its other near neighbours:
//
//	ρ_k(x̂) = ‖x̂ − x₍₁₎‖ / ((1/k) Σ_{j=1..k} ‖x̂ − x₍ⱼ₎‖) < τ,
//
// where x₍ⱼ₎ is the j-th nearest training image (Carlini et al. 2023 divide
// by the mean distance to the nearest training images; for k = 2,
// ρ₂ < 1/2 is d₁/d₂ < 1/3, the test of Yoon et al. 2023 and Gu et al. 2023).
// ρ_k is a ratio of distances of one point, so it does not change when the
// training set gets denser: for a fresh draw from a locally uniform density
// of intrinsic dimension m, the distances d₍ⱼ₎ all scale as N^(−1/m) and the
// distribution of ρ_k does not depend on N (for k = 2 it is
// P(ρ₂ < τ) = (τ/(2−τ))^m), whereas a fixed threshold on a distance or a
// cosine flags more and more fresh images as N grows.
const (
	// RatioK is the default k: the mean of the distances to the 5 nearest
	// training images (the nearest included).
	RatioK = 5
	// RatioThreshold is the default τ: a copy when d₁ is less than a third of
	// the mean of d₁ … d_k.
	RatioThreshold = 1.0 / 3
)

// KNearestDistances returns, for every row x_j of x, the distances to its k
// nearest rows of ref in increasing order (k ≤ rows of ref). Candidates are
// found with one matrix product per block of rows (‖x‖² + ‖r‖² − 2⟨x, r⟩)
// and their distances recomputed directly, so exact copies give exactly 0.
func KNearestDistances(x, ref *mat.Dense, k int) ([][]float64, error) {
	if err := checkData("x", x); err != nil {
		return nil, err
	}
	if err := checkData("reference set", ref); err != nil {
		return nil, err
	}
	m, n := x.Dims()
	r, n2 := ref.Dims()
	if n != n2 {
		return nil, fmt.Errorf("metrics: samples have n = %d coordinates but the reference set has %d, want the same dimension", n, n2)
	}
	if k < 1 || k > r {
		return nil, fmt.Errorf("metrics: k = %d nearest neighbours among %d reference rows, want 1 ≤ k ≤ %d", k, r, r)
	}
	// A few more candidates than k by the (rounded) Gram distances, so that
	// the k nearest by the exact distance are among them.
	cand := min(r, k+2)
	refNorm := rowNorms2(ref)
	out := make([][]float64, m)
	const block = 256
	var g mat.Dense
	type pair struct {
		d2 float64
		i  int
	}
	heap := make([]pair, 0, cand)
	for lo := 0; lo < m; lo += block {
		hi := min(lo+block, m)
		g.Reset()
		g.Mul(x.Slice(lo, hi, 0, n), ref.T())
		for j := lo; j < hi; j++ {
			xj := x.RawRowView(j)
			xn := dot(xj, xj)
			heap = heap[:0]
			// The cand smallest Gram distances, kept sorted by insertion
			// (cand is small).
			for i, gi := range g.RawRowView(j - lo) {
				d2 := xn + refNorm[i] - 2*gi
				if len(heap) == cand && d2 >= heap[cand-1].d2 {
					continue
				}
				p := pair{d2, i}
				if len(heap) < cand {
					heap = append(heap, p)
				} else {
					heap[cand-1] = p
				}
				for q := len(heap) - 1; q > 0 && heap[q].d2 < heap[q-1].d2; q-- {
					heap[q], heap[q-1] = heap[q-1], heap[q]
				}
			}
			d := make([]float64, len(heap))
			for q, p := range heap {
				d[q] = dist(xj, ref.RawRowView(p.i))
			}
			sort.Float64s(d)
			out[j] = d[:k]
		}
	}
	return out, nil
}

// NearestRatios returns ρ_k(x_j) = d₁/((1/k)Σ_{j≤k} d_j) for every row of x
// against the rows of train (see RatioThreshold): 0 for an exact copy of a
// training row, near 1 for a row with many training rows about as close as
// its nearest. A row at distance 0 from all its k nearest has ρ = 0.
func NearestRatios(x, train *mat.Dense, k int) ([]float64, error) {
	if k < 2 {
		return nil, fmt.Errorf("metrics: k = %d, want k ≥ 2 (ρ₁ is always 1)", k)
	}
	ds, err := KNearestDistances(x, train, k)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ds))
	for j, d := range ds {
		s := 0.0
		for _, v := range d {
			s += v
		}
		if s > 0 {
			out[j] = d[0] / (s / float64(k))
		}
	}
	return out, nil
}

// RatioGL is the image GL score with the relative nearest-neighbour copy
// test: the fraction of the generated rows that are not copies,
//
//	GL = 1 − (1/M) Σ_j 1[ρ_k(x̂_j) < threshold],
//
// ≈ 0 when the model reproduces its training images, ≈ 1 when its images
// are no closer to one training image than fresh images are.
func RatioGL(generated, train *mat.Dense, k int, threshold float64) (float64, error) {
	if !(threshold > 0 && threshold <= 1) {
		return math.NaN(), fmt.Errorf("metrics: ratio threshold = %v, want 0 < threshold ≤ 1 (default %.3g)", threshold, RatioThreshold)
	}
	rho, err := NearestRatios(generated, train, k)
	if err != nil {
		return math.NaN(), err
	}
	copies := 0
	for _, v := range rho {
		if v < threshold {
			copies++
		}
	}
	return 1 - float64(copies)/float64(len(rho)), nil
}
