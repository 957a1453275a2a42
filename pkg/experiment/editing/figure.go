package editing

import (
	"fmt"
	"strconv"

	"github.com/molrg/molrg/pkg/plot"
)

// Figure draws the edit grid of the run's i-th edit time, as the paper's
// Figures 2, 6 and 9: one row per direction (v_1 … v_r with their singular
// values, then the random direction), one column per strength ξ, and the
// inverted image first. Pixel values −1 … 1 are black … white.
func Figure(res *Result, i int) (*plot.EditGrid, error) {
	if res == nil || i < 0 || i >= len(res.Times) {
		return nil, fmt.Errorf("editing: no edit time %d to draw", i)
	}
	e := res.Times[i]
	if len(e.Images) == 0 {
		return nil, fmt.Errorf("editing: no edits at t = %g·t_max", e.T)
	}
	g := &plot.EditGrid{H: res.Shape[0], W: res.Shape[1], C: res.Shape[2], Lo: -1, Hi: 1,
		Title: fmt.Sprintf("x_t + ξ·v continued to t = 0; t = %g·t_max (σ_t = %.3g)", e.T, e.Sigma)}
	lead := 0
	if e.Input != nil {
		lead = 1
		g.ColLabels = append(g.ColLabels, "input")
	}
	for _, x := range e.Xi {
		g.ColLabels = append(g.ColLabels, "ξ = "+strconv.FormatFloat(x, 'g', 4, 64))
	}
	for r, name := range e.Directions {
		label := name
		if r < len(e.Values) && name != randomName {
			label = fmt.Sprintf("%s (ς = %.3g)", name, e.Values[r])
		}
		g.RowLabels = append(g.RowLabels, label)
		row := make([][]float64, lead, lead+len(e.Xi))
		if lead == 1 && r == 0 {
			row[0] = e.Input
		}
		g.Images = append(g.Images, append(row, e.Images[r]...))
	}
	return g, nil
}
