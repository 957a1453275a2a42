package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// GL is the generalization score for MoLRG data (eq. 21):
//
//	GL = mean_j min_i ‖x̂_j − x⁽ⁱ⁾‖ / mean_j min_i ‖x̃_j − x⁽ⁱ⁾‖,
//
// with x̂_j the rows of generated, x̃_j the rows of fresh (new samples of the
// same MoLRG, independent of the training set) and x⁽ⁱ⁾ the rows of train.
// GL ≈ 0 means memorization, GL ≈ 1 generalization.
func GL(generated, fresh, train *mat.Dense) (float64, error) {
	num, err := MeanNearestDistance(generated, train)
	if err != nil {
		return math.NaN(), fmt.Errorf("metrics: generated samples: %w", err)
	}
	den, err := MeanNearestDistance(fresh, train)
	if err != nil {
		return math.NaN(), fmt.Errorf("metrics: fresh samples: %w", err)
	}
	if den == 0 {
		return math.NaN(), fmt.Errorf("metrics: fresh samples all coincide with training samples (mean nearest distance 0), want fresh draws independent of the training set")
	}
	return num / den, nil
}

// MeanNearestDistance is mean_j min_i ‖x_j − r_i‖ over the rows x_j of x and
// r_i of ref: the average Euclidean distance from a point of x to its nearest
// neighbour in ref (brute force).
func MeanNearestDistance(x, ref *mat.Dense) (float64, error) {
	d, err := NearestDistances(x, ref)
	if err != nil {
		return math.NaN(), err
	}
	s := 0.0
	for _, v := range d {
		s += v
	}
	return s / float64(len(d)), nil
}

// NearestDistances returns min_i ‖x_j − r_i‖ for every row x_j of x. The
// nearest neighbour is found with one matrix product per block of rows
// (‖x‖² + ‖r‖² − 2⟨x, r⟩) and its distance is then recomputed directly, so
// exact copies give exactly 0.
func NearestDistances(x, ref *mat.Dense) ([]float64, error) {
	if err := checkData("x", x); err != nil {
		return nil, err
	}
	if err := checkData("reference set", ref); err != nil {
		return nil, err
	}
	m, n := x.Dims()
	_, n2 := ref.Dims()
	if n != n2 {
		return nil, fmt.Errorf("metrics: samples have n = %d coordinates but the reference set has %d, want the same dimension", n, n2)
	}
	refNorm := rowNorms2(ref)
	out := make([]float64, m)
	const block = 256
	var g mat.Dense
	for lo := 0; lo < m; lo += block {
		hi := min(lo+block, m)
		xb := x.Slice(lo, hi, 0, n)
		g.Reset()
		g.Mul(xb, ref.T())
		for j := lo; j < hi; j++ {
			xj := x.RawRowView(j)
			xn := dot(xj, xj)
			best, bestI := math.Inf(1), 0
			for i, gi := range g.RawRowView(j - lo) {
				if d2 := xn + refNorm[i] - 2*gi; d2 < best {
					best, bestI = d2, i
				}
			}
			out[j] = dist(xj, ref.RawRowView(bestI))
		}
	}
	return out, nil
}

func checkData(name string, x *mat.Dense) error {
	if x == nil || x.IsEmpty() {
		return fmt.Errorf("metrics: %s is empty, want an N×n matrix with N, n ≥ 1", name)
	}
	r, _ := x.Dims()
	for i := range r {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("metrics: %s[%d][%d] = %v, want finite values (no NaN or Inf)", name, i, j, v)
			}
		}
	}
	return nil
}

func rowNorms2(x *mat.Dense) []float64 {
	r, _ := x.Dims()
	out := make([]float64, r)
	for i := range r {
		row := x.RawRowView(i)
		out[i] = dot(row, row)
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func dist(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}
