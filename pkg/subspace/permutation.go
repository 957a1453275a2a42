package subspace

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// BestPermutation matches estimated bases to true ones: it returns the
// permutation perm (est[perm[k]] is matched with truth[k]) minimizing the
// largest distance max_k Distance(est[perm[k]], truth[k]), and that distance.
// Among permutations with the same largest distance it takes one minimizing
// Σ_k Distance(est[perm[k]], truth[k])².
//
// It is exact for every K and polynomial (no brute force over K!
// permutations): the smallest threshold t for which the bipartite graph of
// pairs with distance ≤ t has a perfect matching (a bottleneck assignment,
// binary search over the K² distances with augmenting paths), then the
// Hungarian algorithm on the squared distances restricted to that graph.
// Cost O(K³ log K) plus K² distances.
//
// Errors: K < 1, len(est) ≠ len(truth), an empty basis, bases with different
// numbers of rows n.
func BestPermutation(est, truth []*mat.Dense) (perm []int, maxDist float64, err error) {
	dist, err := distanceMatrix(est, truth)
	if err != nil {
		return nil, 0, err
	}
	k := len(truth)
	values := make([]float64, 0, k*k)
	for _, row := range dist {
		values = append(values, row...)
	}
	slices.Sort(values)
	values = slices.Compact(values)
	lo, hi := 0, len(values)-1 // values[hi] admits every pair
	for lo < hi {
		mid := (lo + hi) / 2
		if perfectMatching(dist, values[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	t := values[lo]
	cost := make([][]float64, k)
	for i, row := range dist {
		cost[i] = make([]float64, k)
		for j, d := range row {
			if d <= t {
				cost[i][j] = d * d
			} else {
				cost[i][j] = math.Inf(1)
			}
		}
	}
	perm = hungarian(cost)
	for i, j := range perm {
		maxDist = math.Max(maxDist, dist[i][j])
	}
	return perm, maxDist, nil
}

// Errors returns, for every true component k, Distance(est[perm[k]], truth[k])
// after the best permutation of BestPermutation.
func Errors(est, truth []*mat.Dense) ([]float64, error) {
	perm, _, err := BestPermutation(est, truth)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(truth))
	for k, j := range perm {
		out[k] = Distance(est[j], truth[k])
	}
	return out, nil
}

// distanceMatrix returns D[k][j] = Distance(est[j], truth[k]) after checking
// the inputs.
func distanceMatrix(est, truth []*mat.Dense) ([][]float64, error) {
	if len(truth) < 1 {
		return nil, fmt.Errorf("subspace: truth has K = 0 bases, want K ≥ 1")
	}
	if len(est) != len(truth) {
		return nil, fmt.Errorf("subspace: est has %d bases and truth has K = %d, want len(est) = K", len(est), len(truth))
	}
	n := 0
	if truth[0] != nil {
		n, _ = truth[0].Dims()
	}
	if _, err := checkBases("truth", truth, n); err != nil {
		return nil, err
	}
	if _, err := checkBases("est", est, n); err != nil {
		return nil, err
	}
	dist := make([][]float64, len(truth))
	for k, u := range truth {
		dist[k] = make([]float64, len(est))
		for j, v := range est {
			dist[k][j] = Distance(v, u)
		}
	}
	return dist, nil
}

// perfectMatching reports whether rows and columns of dist can be matched
// one to one using only entries ≤ t (Kuhn's augmenting paths).
func perfectMatching(dist [][]float64, t float64) bool {
	k := len(dist)
	matchCol := make([]int, k) // column → row, −1 if free
	for j := range matchCol {
		matchCol[j] = -1
	}
	var augment func(i int, seen []bool) bool
	augment = func(i int, seen []bool) bool {
		for j := range k {
			if dist[i][j] <= t && !seen[j] {
				seen[j] = true
				if matchCol[j] < 0 || augment(matchCol[j], seen) {
					matchCol[j] = i
					return true
				}
			}
		}
		return false
	}
	for i := range k {
		if !augment(i, make([]bool, k)) {
			return false
		}
	}
	return true
}

// hungarian solves the square assignment problem min Σ_i cost[i][a[i]]
// (Kuhn–Munkres with potentials, O(K³)) and returns a. Entries may be +Inf as
// long as a finite assignment exists.
func hungarian(cost [][]float64) []int {
	k := len(cost)
	inf := math.Inf(1)
	u := make([]float64, k+1)
	v := make([]float64, k+1)
	p := make([]int, k+1) // p[j] = row matched to column j (1-based), 0 = free
	way := make([]int, k+1)
	for i := 1; i <= k; i++ {
		p[0] = i
		j0 := 0
		minv := make([]float64, k+1)
		used := make([]bool, k+1)
		for j := range minv {
			minv[j] = inf
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], inf, -1
			for j := 1; j <= k; j++ {
				if used[j] {
					continue
				}
				if cur := cost[i0-1][j-1] - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta || j1 < 0 {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= k; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	a := make([]int, k)
	for j := 1; j <= k; j++ {
		a[p[j]-1] = j - 1
	}
	return a
}
