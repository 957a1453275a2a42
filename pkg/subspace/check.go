package subspace

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// checkData validates a data matrix (N×n, one sample per row): at least one
// sample, at least one coordinate, every entry finite. It returns N and n.
func checkData(x *mat.Dense) (int, int, error) {
	if x == nil || x.IsEmpty() {
		return 0, 0, fmt.Errorf("subspace: data x has N = 0 samples, want N ≥ 1 rows (one sample per row)")
	}
	nSamples, n := x.Dims()
	for i := range nSamples {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("subspace: data x[%d][%d] = %v, want finite values", i, j, v)
			}
		}
	}
	return nSamples, n, nil
}

// checkBases validates a list of bases: at least one, each non-empty with n
// rows, and returns their dimensions d_k.
func checkBases(name string, bases []*mat.Dense, n int) ([]int, error) {
	if len(bases) < 1 {
		return nil, fmt.Errorf("subspace: %s has K = 0 bases, want K ≥ 1", name)
	}
	dims := make([]int, len(bases))
	for k, u := range bases {
		if u == nil || u.IsEmpty() {
			return nil, fmt.Errorf("subspace: %s[%d] is empty, want an n×d_k matrix with d_k ≥ 1", name, k)
		}
		r, d := u.Dims()
		if n > 0 && r != n {
			return nil, fmt.Errorf("subspace: %s[%d] has %d rows, want n = %d", name, k, r, n)
		}
		dims[k] = d
	}
	return dims, nil
}
