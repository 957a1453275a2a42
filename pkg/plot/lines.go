package plot

import (
	"fmt"

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
}

// Axes holds the labels of a panel and the scales of its axes.
type Axes struct {
	Title, X, Y string
	LogX, LogY  bool
	LegendLeft  bool // legend in the top-left corner (default: top right)
}

func newPlot(a Axes) *gplot.Plot {
	p := gplot.New()
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
		col := seriesColor(i)
		if !s.NoLine {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
			}
			l.Color = col
			l.Width = vg.Points(1.5)
			if s.Dashed {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			}
			p.Add(l)
			if s.Name != "" {
				p.Legend.Add(s.Name, l)
			}
		}
		if s.Points || s.NoLine {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
			}
			sc.Color = col
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(2)
			p.Add(sc)
			if s.NoLine && s.Name != "" {
				p.Legend.Add(s.Name, sc)
			}
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
