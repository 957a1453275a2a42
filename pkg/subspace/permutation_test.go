package subspace

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// bruteForce enumerates all K! permutations and returns the smallest
// max_k D[k][perm[k]] and, among those, the smallest Σ_k D[k][perm[k]]².
func bruteForce(dist [][]float64) (bestMax, bestSum float64) {
	k := len(dist)
	bestMax, bestSum = math.Inf(1), math.Inf(1)
	perm := make([]int, k)
	used := make([]bool, k)
	var rec func(i int, mx, sum float64)
	rec = func(i int, mx, sum float64) {
		if i == k {
			if mx < bestMax || (mx == bestMax && sum < bestSum) {
				bestMax, bestSum = mx, sum
			}
			return
		}
		for j := range k {
			if !used[j] {
				used[j], perm[i] = true, j
				rec(i+1, math.Max(mx, dist[i][j]), sum+dist[i][j]*dist[i][j])
				used[j] = false
			}
		}
	}
	rec(0, 0, 0)
	return bestMax, bestSum
}

func TestBestPermutationShuffled(t *testing.T) {
	rng := newRNG(9)
	for _, k := range []int{1, 2, 3, 5, 8, 12} {
		m, err := molrg.New(molrg.Params{N: 48, Dims: repeat(4, k), Orthogonal: true}, uint64(k))
		if err != nil {
			t.Fatal(err)
		}
		shuffle := rng.Perm(k)
		est := make([]*mat.Dense, k)
		for i, j := range shuffle {
			est[j] = m.Bases[i] // truth i is est[shuffle[i]]
		}
		perm, maxDist, err := BestPermutation(est, m.Bases)
		if err != nil {
			t.Fatal(err)
		}
		for i := range k {
			if perm[i] != shuffle[i] {
				t.Fatalf("K=%d: perm %v, want %v", k, perm, shuffle)
			}
		}
		if maxDist > 1e-12 {
			t.Errorf("K=%d: max distance %v for a shuffle of the truth", k, maxDist)
		}
	}
}

func TestBestPermutationBruteForce(t *testing.T) {
	rng := newRNG(10)
	for k := 1; k <= 8; k++ {
		for trial := range 5 {
			n := 6
			truth := make([]*mat.Dense, k)
			est := make([]*mat.Dense, k)
			for i := range k {
				truth[i] = molrg.RandomOrthonormal(n, 1+rng.IntN(3), rng)
				est[i] = molrg.RandomOrthonormal(n, 1+rng.IntN(3), rng)
			}
			if trial == 0 && k > 1 { // ties: a duplicated estimate
				est[1] = est[0]
			}
			dist := make([][]float64, k)
			for i := range k {
				dist[i] = make([]float64, k)
				for j := range k {
					dist[i][j] = Distance(est[j], truth[i])
				}
			}
			wantMax, wantSum := bruteForce(dist)
			perm, maxDist, err := BestPermutation(est, truth)
			if err != nil {
				t.Fatal(err)
			}
			seen := make([]bool, k)
			gotMax, gotSum := 0.0, 0.0
			for i, j := range perm {
				if seen[j] {
					t.Fatalf("K=%d: %v is not a permutation", k, perm)
				}
				seen[j] = true
				gotMax = math.Max(gotMax, dist[i][j])
				gotSum += dist[i][j] * dist[i][j]
			}
			if gotMax != wantMax || maxDist != wantMax {
				t.Errorf("K=%d trial %d: max distance %v (reported %v), brute force %v", k, trial, gotMax, maxDist, wantMax)
			}
			if math.Abs(gotSum-wantSum) > 1e-12*(1+wantSum) {
				t.Errorf("K=%d trial %d: Σ dist² %v, brute force %v", k, trial, gotSum, wantSum)
			}
			errs, err := Errors(est, truth)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range errs {
				if e != dist[i][perm[i]] {
					t.Errorf("Errors[%d] = %v, want %v", i, e, dist[i][perm[i]])
				}
			}
		}
	}
}

func TestSuccessThreshold(t *testing.T) {
	// Two lines at angle θ are √2·sin θ apart.
	line := func(theta float64) *mat.Dense {
		return mat.NewDense(3, 1, []float64{math.Cos(theta), math.Sin(theta), 0})
	}
	truth := []*mat.Dense{line(0), mat.NewDense(3, 1, []float64{0, 0, 1})}
	for _, c := range []struct {
		theta float64
		want  bool
	}{{0, true}, {0.3, true}, {math.Asin(0.5/math.Sqrt2) - 1e-9, true}, {math.Asin(0.5/math.Sqrt2) + 1e-9, false}, {1.2, false}} {
		est := []*mat.Dense{truth[1], line(c.theta)} // swapped order
		got, err := Success(est, truth, DefaultTau)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("θ = %v (distance %v): Success = %v, want %v", c.theta, math.Sqrt2*math.Sin(c.theta), got, c.want)
		}
	}
}

func repeat(v, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = v
	}
	return out
}
