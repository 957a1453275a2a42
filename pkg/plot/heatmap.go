package plot

import (
	"fmt"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// grid adapts a row-major table z[i][j] (row i ↔ Y[i], column j ↔ X[j]) to
// gonum's GridXYZ.
type grid struct {
	x, y []float64
	z    [][]float64
}

func (g grid) Dims() (c, r int)   { return len(g.x), len(g.y) }
func (g grid) Z(c, r int) float64 { return g.z[r][c] }
func (g grid) X(c int) float64    { return g.x[c] }
func (g grid) Y(r int) float64    { return g.y[r] }

// HeatMap draws z[i][j] at (x[j], y[i]) with the viridis map over [zmin, zmax],
// as an image with one pixel per cell (x and y must be equally spaced).
func HeatMap(a Axes, x, y []float64, z [][]float64, zmin, zmax float64) (*gplot.Plot, error) {
	if len(z) != len(y) {
		return nil, fmt.Errorf("plot: heat map has %d rows for %d y values, want equal", len(z), len(y))
	}
	for i, r := range z {
		if len(r) != len(x) {
			return nil, fmt.Errorf("plot: heat map row %d has %d values for %d x values, want equal", i, len(r), len(x))
		}
	}
	if !(zmax > zmin) {
		return nil, fmt.Errorf("plot: heat map range [%v, %v], want zmin < zmax", zmin, zmax)
	}
	p := newPlot(a)
	h := plotter.NewHeatMap(grid{x, y, z}, viridisPalette(256))
	h.Min, h.Max = zmin, zmax
	// One image pixel per cell: a small SVG, and no anti-aliasing seams
	// between neighbouring cells (Figure.SVG keeps the pixels sharp).
	h.Rasterized = true
	p.Add(h)
	return p, nil
}

// ColorBar is a separate panel with the viridis scale from zmin to zmax.
// gonum draws it as an embedded 1-pixel-wide image; Figure.SVG stretches that
// image to its box (preserveAspectRatio="none"), which browsers otherwise draw
// as a 1-pixel sliver.
func ColorBar(label string, zmin, zmax float64) *gplot.Plot {
	p := gplot.New()
	Style(p)
	cb := &plotter.ColorBar{ColorMap: paletteMap(zmin, zmax), Vertical: true}
	p.Add(cb)
	p.HideX()
	p.Y.Label.Text = label
	return p
}
