package plot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
)

// View is a linear 2-D view of ℝⁿ: the point x is drawn at (⟨H, x⟩, ⟨V, x⟩).
// With orthonormal H and V it is the orthogonal projection onto span{H, V},
// seen from the direction(s) orthogonal to both.
type View struct {
	H, V           []float64 // directions of the horizontal and vertical axes, length n each
	HLabel, VLabel string    // axis labels
}

// CoordinateView is the view of ℝⁿ on coordinates i and j (0-based), with
// axes labelled x_{i+1} and x_{j+1}.
func CoordinateView(n, i, j int) View {
	h, v := make([]float64, n), make([]float64, n)
	if i >= 0 && i < n {
		h[i] = 1
	}
	if j >= 0 && j < n {
		v[j] = 1
	}
	return View{H: h, V: v, HLabel: fmt.Sprintf("x%s", subscript(i+1)), VLabel: fmt.Sprintf("x%s", subscript(j+1))}
}

// Isometric is the isometric view of ℝ³, looking down the diagonal (1, 1, 1):
// H = (e₂ − e₁)/√2, V = (2e₃ − e₁ − e₂)/√6, so the three coordinate axes are
// drawn 120° apart with equal lengths.
func Isometric() View {
	r2, r6 := math.Sqrt2, math.Sqrt(6)
	return View{
		H: []float64{-1 / r2, 1 / r2, 0}, V: []float64{-1 / r6, -1 / r6, 2 / r6},
		HLabel: "(x₂ − x₁)/√2", VLabel: "(2x₃ − x₁ − x₂)/√6",
	}
}

// Project returns the view coordinates (⟨H, x_i⟩, ⟨V, x_i⟩) of every row x_i
// of x. It is an error when H or V does not have one entry per column of x.
func (v View) Project(x mat.Matrix) (h, vert []float64, err error) {
	r, c := x.Dims()
	if len(v.H) != c || len(v.V) != c {
		return nil, nil, fmt.Errorf("plot: view directions have lengths %d and %d, want n = %d (the columns of the data)", len(v.H), len(v.V), c)
	}
	h, vert = make([]float64, r), make([]float64, r)
	for i := range r {
		for j := range c {
			xij := x.At(i, j)
			h[i] += v.H[j] * xij
			vert[i] += v.V[j] * xij
		}
	}
	return h, vert, nil
}

// Scatter draws the points (x[i], y[i]) as markers coloured by labels[i]:
// one series per label value ℓ = 0, 1, …, max label, named names[ℓ] when
// given and "component ℓ+1" otherwise. nil labels draw one unnamed series.
func Scatter(a Axes, x, y []float64, labels []int, names []string) (*gplot.Plot, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("plot: scatter has %d x values and %d y values, want equal lengths", len(x), len(y))
	}
	if labels == nil {
		return Lines(a, Series{X: x, Y: y, NoLine: true})
	}
	if len(labels) != len(x) {
		return nil, fmt.Errorf("plot: scatter has %d labels for %d points, want one per point", len(labels), len(x))
	}
	groups := 0
	for i, l := range labels {
		if l < 0 {
			return nil, fmt.Errorf("plot: scatter label %d of point %d, want labels ≥ 0", l, i)
		}
		groups = max(groups, l+1)
	}
	series := make([]Series, groups)
	for l := range series {
		series[l].NoLine = true
		if l < len(names) {
			series[l].Name = names[l]
		} else {
			series[l].Name = fmt.Sprintf("component %d", l+1)
		}
	}
	for i, l := range labels {
		series[l].X = append(series[l].X, x[i])
		series[l].Y = append(series[l].Y, y[i])
	}
	return Lines(a, series...)
}

// ScatterView draws the rows of x (points of ℝⁿ) in the view v, coloured by
// labels as in Scatter. Empty axis labels in a are taken from the view.
func ScatterView(a Axes, v View, x mat.Matrix, labels []int, names []string) (*gplot.Plot, error) {
	h, vert, err := v.Project(x)
	if err != nil {
		return nil, err
	}
	if a.X == "" {
		a.X = v.HLabel
	}
	if a.Y == "" {
		a.Y = v.VLabel
	}
	return Scatter(a, h, vert, labels, names)
}

// subscript writes a non-negative integer with Unicode subscript digits.
func subscript(i int) string {
	if i < 0 {
		return fmt.Sprint(i)
	}
	digits := []rune("₀₁₂₃₄₅₆₇₈₉")
	s := fmt.Sprint(i)
	out := make([]rune, 0, len(s))
	for _, c := range s {
		out = append(out, digits[c-'0'])
	}
	return string(out)
}
