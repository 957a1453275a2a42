package phase

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"github.com/molrg/molrg/pkg/plot"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// MethodTitle names a method with the equations it solves, for titles.
func MethodTitle(m Method, k int) string {
	switch {
	case m == SGD && k == 1:
		return "Algorithm 1, DAE (11)"
	case m == SGD:
		return "Algorithm 1, DAE (9)"
	case m == Classic && k == 1:
		return "PCA (12)"
	case m == Classic:
		return "K-subspaces (18)"
	}
	return string(m)
}

// HeatMap draws the success rate of one table: d on the horizontal axis,
// N_k on the vertical one, viridis from 0 (failure) to 1 (success), with the
// line N_k = d of Theorems 2 and 4 drawn over it.
func HeatMap(t *Table) (*gplot.Plot, error) { return heatMap(t, true) }

// heatMap is HeatMap, with n in the title or not.
func heatMap(t *Table, withN bool) (*gplot.Plot, error) {
	if len(t.Ds) == 0 || len(t.Nks) == 0 {
		return nil, fmt.Errorf("phase: empty table for K = %d, method %s", t.K, t.Method)
	}
	x := make([]float64, len(t.Ds))
	for i, d := range t.Ds {
		x[i] = float64(d)
	}
	y := make([]float64, len(t.Nks))
	for i, nk := range t.Nks {
		y[i] = float64(nk)
	}
	title := fmt.Sprintf("%s, K = %d", MethodTitle(t.Method, t.K), t.K)
	if withN {
		title += fmt.Sprintf(", n = %d", t.N)
	}
	if t.Noise != 0 {
		title += fmt.Sprintf(", δ = %g", t.Noise)
	}
	p, err := plot.HeatMap(plot.Axes{Title: title, X: "subspace dimension d", Y: "samples per component N_k"}, x, y, t.Rates(), 0, 1)
	if err != nil {
		return nil, err
	}
	// The line N_k = d across the drawn range.
	lo := float64(max(t.Ds[0], t.Nks[0])) - 0.5
	hi := float64(min(t.Ds[len(t.Ds)-1], t.Nks[len(t.Nks)-1])) + 0.5
	if hi > lo {
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
		if err != nil {
			return nil, err
		}
		l.Color = color.RGBA{213, 94, 0, 255} // Okabe–Ito vermillion
		l.Width = vg.Points(2)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(l)
		p.Legend.Add("N_k = d", l)
		p.Legend.Top = true
		p.Legend.Left = true
	}
	p.X.Min, p.X.Max = x[0]-0.5, x[len(x)-1]+0.5
	p.Y.Min, p.Y.Max = y[0]-0.5, y[len(y)-1]+0.5
	p.X.Tick.Marker = intTicks{}
	p.Y.Tick.Marker = intTicks{}
	return p, nil
}

// intTicks labels integers only, with a step of 1, 2, 5, 10, … chosen so an
// axis has at most about 8 labels.
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []gplot.Tick {
	first, last := int(math.Ceil(lo)), int(math.Floor(hi))
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 50, 100} {
		step = s
		if (last-first)/s+1 <= 8 {
			break
		}
	}
	var ticks []gplot.Tick
	for v := first; v <= last; v++ {
		label := ""
		if v%step == 0 {
			label = strconv.Itoa(v)
		}
		ticks = append(ticks, gplot.Tick{Value: float64(v), Label: label})
	}
	return ticks
}

// Figure lays out the heat maps of the tables like Figures 4 and 8: one row
// per (n, K), one column per method (in the order of Methods), and the
// colour scale of the success rate at the right edge (plot.Figure.Scale)
// beside one legend for the line N_k = d. The panel titles name n when the
// tables have several. Missing panels are left blank.
func Figure(tables []*Table) (*plot.Figure, error) {
	if len(tables) == 0 {
		return nil, fmt.Errorf("phase: no results to draw")
	}
	ks, methods := layout(tables)
	rows := make([][]*gplot.Plot, len(ks))
	for i, k := range ks {
		rows[i] = make([]*gplot.Plot, len(methods))
		for _, t := range tables {
			if [2]int{t.N, t.K} != k {
				continue
			}
			p, err := heatMap(t, ks[0][0] != ks[len(ks)-1][0])
			if err != nil {
				return nil, err
			}
			rows[i][slices.Index(methods, t.Method)] = p
		}
	}
	f := plot.Grid(rows)
	f.Scale = &plot.ColorScale{Label: "success rate", Min: 0, Max: 1}
	f.SharedLegend = true
	f.Height = vg.Length(len(ks)) * 3.4 * vg.Inch
	return f, nil
}

// layout returns the (n, K) of the figures' rows, sorted, and the methods of
// their columns, in the order of Methods.
func layout(tables []*Table) (ks [][2]int, methods []Method) {
	for _, t := range tables {
		if !slices.Contains(ks, [2]int{t.N, t.K}) {
			ks = append(ks, [2]int{t.N, t.K})
		}
		if !slices.Contains(methods, t.Method) {
			methods = append(methods, t.Method)
		}
	}
	slices.SortFunc(ks, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	slices.SortFunc(methods, func(a, b Method) int { return slices.Index(Methods, a) - slices.Index(Methods, b) })
	return ks, methods
}

// CurveFigure draws the recovery curves (Table.Curve) of subspace dimension
// d of every table: one column per method, the success rate against N_k on
// top and the mean error (± its standard deviation over the instances)
// below, one curve per (n, K), with the line N_k = d dashed. Sweeping the
// ambient dimension n at fixed K and d (molrg phase -n 48,192,768) it shows
// whether the boundary moves with n. The tables should be of one noise level
// (Select). Tables without d are left out; the error is that no table has d.
func CurveFigure(tables []*Table, d int) (*plot.Figure, error) {
	var with []*Table
	for _, t := range tables {
		if len(t.Curve(d).Nk) > 0 {
			with = append(with, t)
		}
	}
	if len(with) == 0 {
		return nil, fmt.Errorf("phase: no results with d = %d to draw", d)
	}
	ks, methods := layout(with)
	oneK := true // every curve has the same K: name the curves by n alone
	for _, k := range ks {
		oneK = oneK && k[1] == ks[0][1]
	}
	top, bottom := make([]*gplot.Plot, len(methods)), make([]*gplot.Plot, len(methods))
	for j, m := range methods {
		var rate, errs []plot.Series
		hiErr := 0.0
		for i, k := range ks {
			for _, t := range with {
				if t.Method != m || [2]int{t.N, t.K} != k {
					continue
				}
				c := t.Curve(d)
				x := make([]float64, len(c.Nk))
				for l, nk := range c.Nk {
					x[l] = float64(nk)
					hiErr = math.Max(hiErr, c.MeanError[l]+c.StdError[l])
				}
				name := fmt.Sprintf("n = %d", t.N)
				if !oneK {
					name = fmt.Sprintf("n = %d, K = %d", t.N, t.K)
				}
				col := plot.Palette(i)
				rate = append(rate, plot.Series{Name: name, X: x, Y: c.Rate, Points: true, Color: col})
				errs = append(errs, plot.Series{Name: name, X: x, Y: c.MeanError, YErr: c.StdError, Points: true, Color: col})
			}
		}
		title := string(m)
		if oneK {
			title = MethodTitle(m, ks[0][1])
		}
		line := func(lo, hi float64) plot.Series {
			return plot.Series{Name: "N_k = d", X: []float64{float64(d), float64(d)}, Y: []float64{lo, hi}, Dashed: true, Color: plot.OkabeIto[7]}
		}
		p, err := plot.Lines(plot.Axes{Title: fmt.Sprintf("%s, d = %d", title, d), X: "samples per component N_k", Y: "success rate"},
			append(rate, line(0, 1))...)
		if err != nil {
			return nil, err
		}
		p.Y.Min, p.Y.Max = -0.03, 1.03
		q, err := plot.Lines(plot.Axes{Title: "recovery error", X: "samples per component N_k", Y: "err (mean ± s.d.)"},
			append(errs, line(0, hiErr))...)
		if err != nil {
			return nil, err
		}
		q.Y.Min = 0 // err ≥ 0: error bars end at the axis
		top[j], bottom[j] = p, q
	}
	f := plot.Grid([][]*gplot.Plot{top, bottom})
	f.SharedLegend = true
	f.Height = 7.2 * vg.Inch
	return f, nil
}
