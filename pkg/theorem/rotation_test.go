package theorem

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

func TestRotationDistanceAndOrthonormality(t *testing.T) {
	u := molrg.RandomOrthonormal(9, 3, rand.New(rand.NewPCG(1, 1)))
	thetas := []float64{0, 0.3, math.Pi / 4, math.Pi / 2}
	for _, m := range []int{1, 3} {
		us, err := Rotation(u, m, thetas, 7)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range us {
			var g mat.Dense
			g.Mul(v.T(), v)
			for a := range 3 {
				for b := range 3 {
					want := 0.0
					if a == b {
						want = 1
					}
					if math.Abs(g.At(a, b)-want) > 1e-12 {
						t.Fatalf("θ = %v: UᵀU[%d,%d] = %v, want %v", thetas[i], a, b, g.At(a, b), want)
					}
				}
			}
			if got, want := subspace.Distance(v, u), math.Sqrt(2*float64(m))*math.Sin(thetas[i]); math.Abs(got-want) > 1e-12 {
				t.Errorf("m = %d, θ = %v: distance %v, want √(2m)·sin θ = %v", m, thetas[i], got, want)
			}
			for j := m; j < 3; j++ {
				if mat.Col(nil, j, v)[0] != u.At(0, j) {
					t.Errorf("m = %d: column %d changed", m, j)
				}
			}
		}
	}
	if _, err := Rotation(molrg.RandomOrthonormal(5, 3, rand.New(rand.NewPCG(1, 2))), 3, thetas, 1); err == nil || !strings.Contains(err.Error(), "d + m ≤ n") {
		t.Errorf("d + m > n: err = %v", err)
	}
	if _, err := Rotation(u, 4, thetas, 1); err == nil || !strings.Contains(err.Error(), "1 ≤ m ≤ d") {
		t.Errorf("m > d: err = %v", err)
	}
}
