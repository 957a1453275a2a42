package subspace

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

func TestDistanceClosedForms(t *testing.T) {
	rng := newRNG(1)
	for _, n := range []int{5, 12, 48} {
		for d := 1; 2*d <= n; d += 2 {
			q := molrg.RandomOrthonormal(n, 2*d, rng)
			u := q.Slice(0, n, 0, d)
			v := q.Slice(0, n, d, 2*d)
			if got := Distance(u, u); got > 1e-12 {
				t.Errorf("n=%d d=%d: Distance(U, U) = %g, want 0", n, d, got)
			}
			if got, want := Distance(u, v), math.Sqrt(2*float64(d)); math.Abs(got-want) > 1e-12 {
				t.Errorf("n=%d d=%d: orthogonal subspaces: Distance = %v, want √(2d) = %v", n, d, got, want)
			}
		}
	}
}

func TestDistanceAgainstProjectors(t *testing.T) {
	rng := newRNG(2)
	for _, c := range []struct{ n, d, dv int }{{4, 1, 1}, {6, 2, 3}, {10, 4, 4}, {20, 7, 2}, {48, 6, 6}} {
		u := molrg.RandomOrthonormal(c.n, c.d, rng)
		v := molrg.RandomOrthonormal(c.n, c.dv, rng)
		var diff mat.Dense
		diff.Sub(projector(u), projector(v))
		explicit := mat.Norm(&diff, 2) // ‖UUᵀ − VVᵀ‖_F formed explicitly
		got := Distance(u, v)
		if math.Abs(got-explicit) > 1e-12 {
			t.Errorf("%+v: Distance = %v, explicit ‖UUᵀ − VVᵀ‖_F = %v", c, got, explicit)
		}
		// ‖P − Q‖²_F = d + d' − 2‖UᵀV‖²_F (= 2d − 2‖UᵀV‖² for d = d').
		var uv mat.Dense
		uv.Mul(u.T(), v)
		f := mat.Norm(&uv, 2)
		identity := float64(c.d+c.dv) - 2*f*f
		if math.Abs(explicit*explicit-identity) > 1e-11 {
			t.Errorf("%+v: ‖P − Q‖² = %v, d + d' − 2‖UᵀV‖² = %v", c, explicit*explicit, identity)
		}
		if s := Distance(v, u); math.Abs(s-got) > 1e-14 {
			t.Errorf("%+v: Distance not symmetric: %v vs %v", c, got, s)
		}
	}
}

// Two lines at angle θ: ‖P − Q‖_F = √2·sin θ. The formula must resolve tiny θ.
func TestDistanceSmallAngle(t *testing.T) {
	for _, theta := range []float64{1e-3, 1e-7, 1e-10, 1e-13} {
		u := mat.NewDense(3, 1, []float64{1, 0, 0})
		v := mat.NewDense(3, 1, []float64{math.Cos(theta), math.Sin(theta), 0})
		want := math.Sqrt2 * math.Sin(theta)
		if got := Distance(u, v); math.Abs(got-want) > 1e-6*want {
			t.Errorf("θ = %g: Distance = %g, want √2·sin θ = %g", theta, got, want)
		}
	}
}
