package molrg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Section is a plane through the origin of ℝⁿ spanned by two orthonormal
// directions E1 and E2: the picture plane in which the notebooks draw maps of
// ℝⁿ such as the posterior mean E[x₀|x_t] (eq. 8). A point a·E1 + b·E2 has
// section coordinates (a, b).
//
// When E1 and E2 are taken from the bases U⋆_k (each direction inside one
// subspace, the subspaces mutually orthogonal), every projection U⋆_kU⋆_kᵀ
// maps the section into itself, and so does the posterior mean: the picture
// then loses nothing.
type Section struct {
	E1, E2 []float64
}

// NewSection returns the section spanned by e1 and e2, which must have the
// same length n ≥ 2 and be orthonormal to OrthonormalTol. The vectors are
// copied.
func NewSection(e1, e2 []float64) (Section, error) {
	if len(e1) != len(e2) || len(e1) < 2 {
		return Section{}, fmt.Errorf("molrg: section directions have lengths %d and %d, want equal lengths n ≥ 2", len(e1), len(e2))
	}
	var n1, n2, dot float64
	for i := range e1 {
		n1 += e1[i] * e1[i]
		n2 += e2[i] * e2[i]
		dot += e1[i] * e2[i]
	}
	if math.Abs(n1-1) > OrthonormalTol || math.Abs(n2-1) > OrthonormalTol || math.Abs(dot) > OrthonormalTol {
		return Section{}, fmt.Errorf("molrg: section directions have ‖e1‖² = %g, ‖e2‖² = %g, ⟨e1, e2⟩ = %g, want orthonormal (to %g)", n1, n2, dot, OrthonormalTol)
	}
	return Section{E1: append([]float64(nil), e1...), E2: append([]float64(nil), e2...)}, nil
}

// Point returns a·E1 + b·E2.
func (s Section) Point(a, b float64) []float64 {
	x := make([]float64, len(s.E1))
	for i := range x {
		x[i] = a*s.E1[i] + b*s.E2[i]
	}
	return x
}

// Points returns the points a[i]·E1 + b[i]·E2, one per row.
func (s Section) Points(a, b []float64) (*mat.Dense, error) {
	if len(a) != len(b) || len(a) < 1 {
		return nil, fmt.Errorf("molrg: section coordinates have lengths %d and %d, want equal lengths ≥ 1", len(a), len(b))
	}
	x := mat.NewDense(len(a), len(s.E1), nil)
	for i := range a {
		x.SetRow(i, s.Point(a[i], b[i]))
	}
	return x, nil
}

// Grid returns the g×g points a·E1 + b·E2 with a and b on the uniform grid of
// g ≥ 2 values from −r to r (r > 0), one per row, a varying fastest, with
// their section coordinates.
func (s Section) Grid(r float64, g int) (x *mat.Dense, a, b []float64, err error) {
	if !(r > 0) || math.IsInf(r, 0) {
		return nil, nil, nil, fmt.Errorf("molrg: section grid half-width r = %g, want 0 < r < ∞", r)
	}
	if g < 2 {
		return nil, nil, nil, fmt.Errorf("molrg: section grid size g = %d, want g ≥ 2", g)
	}
	a, b = make([]float64, 0, g*g), make([]float64, 0, g*g)
	for i := range g {
		for j := range g {
			a = append(a, -r+2*r*float64(j)/float64(g-1))
			b = append(b, -r+2*r*float64(i)/float64(g-1))
		}
	}
	x, err = s.Points(a, b)
	return x, a, b, err
}

// Arc returns m ≥ 2 points on the quarter circle of radius r > 0 from r·E1
// to r·E2, x(θ) = r(cos θ·E1 + sin θ·E2) for θ equally spaced in [0, π/2],
// one per row, and the angles θ.
func (s Section) Arc(r float64, m int) (x *mat.Dense, theta []float64, err error) {
	if !(r > 0) || math.IsInf(r, 0) {
		return nil, nil, fmt.Errorf("molrg: arc radius r = %g, want 0 < r < ∞", r)
	}
	if m < 2 {
		return nil, nil, fmt.Errorf("molrg: arc points m = %d, want m ≥ 2", m)
	}
	theta = make([]float64, m)
	a, b := make([]float64, m), make([]float64, m)
	for i := range theta {
		theta[i] = math.Pi / 2 * float64(i) / float64(m-1)
		a[i], b[i] = r*math.Cos(theta[i]), r*math.Sin(theta[i])
	}
	x, err = s.Points(a, b)
	return x, theta, err
}

// Coords returns the section coordinates (⟨E1, x_i⟩, ⟨E2, x_i⟩) of every row
// x_i of x (the orthogonal projection onto the section), and the distance of
// every row from the section, ‖x_i − ⟨E1, x_i⟩E1 − ⟨E2, x_i⟩E2‖.
func (s Section) Coords(x mat.Matrix) (a, b, off []float64, err error) {
	r, c := x.Dims()
	if c != len(s.E1) {
		return nil, nil, nil, fmt.Errorf("molrg: points have n = %d columns, want n = %d (the section's dimension)", c, len(s.E1))
	}
	a, b, off = make([]float64, r), make([]float64, r), make([]float64, r)
	for i := range r {
		for j := range c {
			a[i] += s.E1[j] * x.At(i, j)
			b[i] += s.E2[j] * x.At(i, j)
		}
		var res float64
		for j := range c {
			e := x.At(i, j) - a[i]*s.E1[j] - b[i]*s.E2[j]
			res += e * e
		}
		off[i] = math.Sqrt(res)
	}
	return a, b, off, nil
}
