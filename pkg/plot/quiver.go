package plot

import (
	"fmt"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Arrows is a set of arrows for Quiver: arrow i goes from (X[i], Y[i]) to
// (X[i]+DX[i], Y[i]+DY[i]), in data coordinates. With C set, arrow i is
// coloured by viridis at (C[i] − CMin)/(CMax − CMin) (pair the panel with a
// ColorBar); otherwise all arrows take Color, or the set's palette colour when
// Color is nil.
type Arrows struct {
	Name           string
	X, Y, DX, DY   []float64
	Color          color.Color // colour of all arrows (nil: the palette colour)
	C              []float64   // optional colour value per arrow
	CMin, CMax     float64     // colour range, CMin < CMax when C is set
	Width          vg.Length   // line width; 0 means 1 pt
	HeadLength     vg.Length   // arrow head length; 0 means 5 pt (never more than 40% of the arrow)
	HideZeroLength bool        // draw nothing for arrows shorter than 1e-12 (default: a dot)
}

// Quiver draws one or more sets of arrows (a vector field, or displacements
// from points to their images), with optional curves or points in the same
// panel. The series take the first palette colours, the arrow sets the next
// ones; named sets (without C) get a legend entry.
func Quiver(a Axes, arrows []Arrows, series ...Series) (*gplot.Plot, error) {
	p, err := Lines(a, series...)
	if err != nil {
		return nil, err
	}
	for j, s := range arrows {
		n := len(s.X)
		if len(s.Y) != n || len(s.DX) != n || len(s.DY) != n {
			return nil, fmt.Errorf("plot: arrows %q have %d X, %d Y, %d DX and %d DY values, want equal lengths", s.Name, n, len(s.Y), len(s.DX), len(s.DY))
		}
		if s.C != nil {
			if len(s.C) != n {
				return nil, fmt.Errorf("plot: arrows %q have %d colour values for %d arrows, want one per arrow", s.Name, len(s.C), n)
			}
			if !(s.CMax > s.CMin) {
				return nil, fmt.Errorf("plot: arrows %q colour range [%v, %v], want CMin < CMax", s.Name, s.CMin, s.CMax)
			}
		}
		col := s.Color
		if col == nil {
			col = seriesColor(len(series) + j)
		}
		ap := &arrowPlotter{Arrows: s, col: col}
		p.Add(ap)
		if s.Name != "" && s.C == nil {
			p.Legend.Add(s.Name, ap)
		}
	}
	return p, nil
}

// arrowPlotter is a gonum plot.Plotter, DataRanger and Thumbnailer.
type arrowPlotter struct {
	Arrows
	col color.Color
}

func (ap *arrowPlotter) color(i int) color.Color {
	if ap.C == nil {
		return ap.col
	}
	return Viridis((ap.C[i] - ap.CMin) / (ap.CMax - ap.CMin))
}

func (ap *arrowPlotter) lineStyle(c color.Color) draw.LineStyle {
	w := ap.Width
	if w == 0 {
		w = vg.Points(1)
	}
	return draw.LineStyle{Color: c, Width: w}
}

// Plot draws the arrows: a shaft and a filled triangular head at the tip.
func (ap *arrowPlotter) Plot(c draw.Canvas, plt *gplot.Plot) {
	trX, trY := plt.Transforms(&c)
	head := ap.HeadLength
	if head == 0 {
		head = vg.Points(5)
	}
	const halfAngle = 0.38 // radians, about 22°
	for i := range ap.X {
		col := ap.color(i)
		p0 := vg.Point{X: trX(ap.X[i]), Y: trY(ap.Y[i])}
		p1 := vg.Point{X: trX(ap.X[i] + ap.DX[i]), Y: trY(ap.Y[i] + ap.DY[i])}
		d := p1.Sub(p0)
		l := vg.Length(math.Hypot(float64(d.X), float64(d.Y)))
		if math.Hypot(ap.DX[i], ap.DY[i]) < 1e-12 || l < vg.Points(0.1) {
			if !ap.HideZeroLength {
				c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: vg.Points(0.8), Shape: draw.CircleGlyph{}}, p0)
			}
			continue
		}
		h := min(head, 0.4*l)
		ux, uy := float64(d.X/l), float64(d.Y/l)
		back := func(angle float64) vg.Point {
			ca, sa := math.Cos(angle), math.Sin(angle)
			// rotate −u by ±angle, scale by the head length
			rx, ry := -ux*ca+uy*sa, -ux*sa-uy*ca
			return vg.Point{X: p1.X + h*vg.Length(rx), Y: p1.Y + h*vg.Length(ry)}
		}
		left, right := back(halfAngle), back(-halfAngle)
		base := vg.Point{X: p1.X - h*vg.Length(ux)*vg.Length(math.Cos(halfAngle)), Y: p1.Y - h*vg.Length(uy)*vg.Length(math.Cos(halfAngle))}
		c.StrokeLines(ap.lineStyle(col), []vg.Point{p0, base})
		c.FillPolygon(col, []vg.Point{p1, left, right})
	}
}

// DataRange covers the tails and the tips of all arrows.
func (ap *arrowPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range ap.X {
		for _, x := range []float64{ap.X[i], ap.X[i] + ap.DX[i]} {
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		}
		for _, y := range []float64{ap.Y[i], ap.Y[i] + ap.DY[i]} {
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	if len(ap.X) == 0 {
		return 0, 0, 0, 0
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail draws a short horizontal arrow for the legend.
func (ap *arrowPlotter) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	x0, x1 := c.Min.X, c.Max.X
	h := min(vg.Points(4), (x1-x0)/2)
	c.StrokeLines(ap.lineStyle(ap.col), []vg.Point{{X: x0, Y: y}, {X: x1 - h, Y: y}})
	c.FillPolygon(ap.col, []vg.Point{{X: x1, Y: y}, {X: x1 - h, Y: y + h/2}, {X: x1 - h, Y: y - h/2}})
}
