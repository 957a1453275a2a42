package plot

import (
	"fmt"
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve or set of points.
type Series struct {
	Name   string
	X, Y   []float64
	Points bool // draw markers at the data points
	NoLine bool // markers only (a scatter plot)
	Dashed bool
	// Color of the series; nil takes the next palette colour. Give a curve
	// and the Monte-Carlo points that check it the same colour.
	Color color.Color
	// Marker of the points (Points or NoLine); nil means a filled circle.
	Marker draw.GlyphDrawer
	// Radius of the markers; 0 means 2.5 pt.
	Radius vg.Length
	// YErr, when set (one value per point), draws error bars from Y−YErr to
	// Y+YErr in the series colour, e.g. two standard errors of Monte Carlo.
	YErr []float64
}

// Axes holds the labels of a panel and the scales of its axes.
type Axes struct {
	Title, X, Y string
	LogX, LogY  bool
	LegendLeft  bool // with Figure.LegendInside: legend in the top-left corner (default: top right)
}

func newPlot(a Axes) *gplot.Plot {
	p := gplot.New()
	Style(p)
	p.Title.Text = a.Title
	p.X.Label.Text = a.X
	p.Y.Label.Text = a.Y
	if a.LogX {
		p.X.Scale = gplot.LogScale{}
		p.X.Tick.Marker = PowerTicks{}
	}
	if a.LogY {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = PowerTicks{}
	}
	p.Legend.Left = a.LegendLeft
	p.Add(plotter.NewGrid())
	return p
}

// Lines draws curves in one panel, with a legend when the series have names.
func Lines(a Axes, series ...Series) (*gplot.Plot, error) {
	p := newPlot(a)
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("plot: series %q has %d x values and %d y values, want equal lengths", s.Name, len(s.X), len(s.Y))
		}
		xy := make(plotter.XYs, len(s.X))
		for j := range s.X {
			xy[j].X, xy[j].Y = s.X[j], s.Y[j]
			if a.LogX && !(s.X[j] > 0) || a.LogY && !(s.Y[j] > 0) {
				return nil, fmt.Errorf("plot: series %q has the point (%v, %v), want positive values on a log axis", s.Name, s.X[j], s.Y[j])
			}
		}
		col := s.Color
		if col == nil {
			col = seriesColor(i)
		}
		var thumbs []gplot.Thumbnailer
		if !s.NoLine {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
			}
			l.Color = col
			l.Width = vg.Points(1.75)
			if s.Dashed {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			}
			p.Add(l)
			thumbs = append(thumbs, l)
		}
		if s.Points || s.NoLine {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
			}
			sc.Color = col
			sc.Shape = s.Marker
			if sc.Shape == nil {
				sc.Shape = draw.CircleGlyph{}
			}
			sc.Radius = s.Radius
			if sc.Radius == 0 {
				sc.Radius = vg.Points(2.5)
			}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if s.YErr != nil {
			if len(s.YErr) != len(s.Y) {
				return nil, fmt.Errorf("plot: series %q has %d error bars for %d points, want one per point", s.Name, len(s.YErr), len(s.Y))
			}
			eb, err := plotter.NewYErrorBars(errorBars{xy, s.YErr})
			if err != nil {
				return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
			}
			eb.Color = col
			eb.Width = vg.Points(1.25)
			eb.CapWidth = vg.Points(5)
			p.Add(eb)
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumbs...)
		}
	}
	p.Legend.Top = true
	widen(&p.X, a.LogX)
	widen(&p.Y, a.LogY)
	return p, nil
}

// widen gives an axis whose data have one value (a single point) a range
// around it: a factor 2 each way on a log axis, ±1 (or ±10 %) on a linear one.
func widen(ax *gplot.Axis, log bool) {
	if ax.Min != ax.Max {
		return
	}
	v := ax.Min
	switch {
	case log:
		ax.Min, ax.Max = v/2, v*2
	case v == 0:
		ax.Min, ax.Max = -1, 1
	default:
		d := 0.1 * max(v, -v)
		ax.Min, ax.Max = v-d, v+d
	}
}

// errorBars adapts a series and its error sizes to gonum's YErrorer.
type errorBars struct {
	plotter.XYs
	err []float64
}

func (e errorBars) YError(i int) (float64, float64) { return e.err[i], e.err[i] }
