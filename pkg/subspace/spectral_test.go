package subspace

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// For mutually orthogonal subspaces z_iᵀz_j = 0 across components, so the
// affinity is block diagonal; with enough samples per block spectral
// clustering alone returns the true partition.
func TestSpectralLabelsOrthogonal(t *testing.T) {
	for seed := range uint64(4) {
		_, s := orthogonalMoLRG(t, 20, 3, 2, 20, seed)
		tau := AffinityTau(60, 2)
		a := Affinity(s.X, tau)
		for i := range 60 {
			for j := range 60 {
				if s.Labels[i] != s.Labels[j] && a.At(i, j) != 0 {
					t.Fatalf("A[%d][%d] = 1 across components", i, j)
				}
				// Definition, recomputed: |cos∠(x_i, x_j)| ≥ τ.
				xi, xj := s.X.RowView(i), s.X.RowView(j)
				cos := mat.Dot(xi, xj) / (mat.Norm(xi, 2) * mat.Norm(xj, 2))
				if want := math.Abs(cos) >= tau; (a.At(i, j) == 1) != want {
					t.Fatalf("A[%d][%d] = %v, |cos| = %v, τ = %v", i, j, a.At(i, j), math.Abs(cos), tau)
				}
			}
		}
		labels, err := SpectralLabels(s.X, 3, tau, seed)
		if err != nil {
			t.Fatal(err)
		}
		// Same partition: a bijection between true and found labels.
		m := map[int]int{}
		inv := map[int]int{}
		for i, l := range s.Labels {
			if v, ok := m[l]; ok && v != labels[i] {
				t.Fatalf("seed %d: component %d split between clusters %d and %d", seed, l, v, labels[i])
			}
			if v, ok := inv[labels[i]]; ok && v != l {
				t.Fatalf("seed %d: cluster %d mixes components %d and %d", seed, labels[i], v, l)
			}
			m[l], inv[labels[i]] = labels[i], l
		}
	}
}

func TestAffinityTau(t *testing.T) {
	if got, want := AffinityTau(36, 6), 0.5*math.Sqrt(math.Log(36))/math.Sqrt(6); math.Abs(got-want) > 1e-15 {
		t.Errorf("AffinityTau(36, 6) = %v, want %v", got, want)
	}
	if got := AffinityTau(10000, 1); got != MaxAffinityTau {
		t.Errorf("AffinityTau(10000, 1) = %v, want the cap %v", got, MaxAffinityTau)
	}
}

func TestKMeansSeparatedBlobs(t *testing.T) {
	rng := newRNG(8)
	centres := [][]float64{{0, 0}, {10, 0}, {0, 10}}
	y := mat.NewDense(60, 2, nil)
	for i := range 60 {
		c := centres[i%3]
		y.Set(i, 0, c[0]+0.1*rng.NormFloat64())
		y.Set(i, 1, c[1]+0.1*rng.NormFloat64())
	}
	best, bestInertia := []int(nil), math.Inf(1)
	for range 5 {
		l, in := kmeans(y, 3, rng)
		if in < bestInertia {
			best, bestInertia = l, in
		}
	}
	for i := range 60 {
		if best[i] != best[i%3] {
			t.Fatalf("point %d (blob %d) in cluster %d, blob representative in %d", i, i%3, best[i], best[i%3])
		}
	}
	if best[0] == best[1] || best[1] == best[2] || best[0] == best[2] {
		t.Fatalf("blobs merged: %v", best[:3])
	}
}
