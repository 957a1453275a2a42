package fig5a

import (
	"fmt"
	"slices"
	"sort"

	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/plot"
	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// byDim groups rows by d, each group by increasing N_k/d.
func byDim(rows []Row) (dims []int, groups map[int][]Row) {
	groups = map[int][]Row{}
	for _, r := range rows {
		if _, ok := groups[r.D]; !ok {
			dims = append(dims, r.D)
		}
		groups[r.D] = append(groups[r.D], r)
	}
	slices.Sort(dims)
	for _, pts := range groups {
		sort.Slice(pts, func(i, j int) bool { return pts[i].Ratio < pts[j].Ratio })
	}
	return dims, groups
}

// Crossings returns, per d, the N_k/d where the GL score first reaches level
// (0.5 in the report), interpolating linearly in N_k/d; a d whose curve
// never reaches it is left out.
func Crossings(rows []Row, level float64) map[int]float64 {
	out := map[int]float64{}
	dims, groups := byDim(rows)
	for _, d := range dims {
		x, y := make([]float64, 0), make([]float64, 0)
		for _, r := range groups[d] {
			x, y = append(x, r.Ratio), append(y, r.GL)
		}
		if v, ok := experiment.Crossing(x, y, level, false); ok {
			out[d] = v
		}
	}
	return out
}

// Figure draws GL against N_k/d (log axis), one curve per d.
func Figure(rows []Row) (*plot.Figure, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("fig5a: no rows to draw")
	}
	dims, groups := byDim(rows)
	var series []plot.Series
	for _, d := range dims {
		s := plot.Series{Name: fmt.Sprintf("d = %d", d), Points: true}
		for _, r := range groups[d] {
			s.X = append(s.X, r.Ratio)
			s.Y = append(s.Y, r.GL)
		}
		series = append(series, s)
	}
	p, err := plot.Lines(plot.Axes{Title: "Fig. 5a: U-Net on MoLRG",
		X: "N_k / d", Y: "GL score (eq. 21)", LogX: true, LegendLeft: true}, series...)
	if err != nil {
		return nil, err
	}
	plot.UsePowerTicks(p)
	return plot.Single(p), nil
}

// PointFigure shows what the GL score of one point (d, N_k) measures.
// Left: the training samples of component 1 and the generated samples
// nearest to its subspace, in the coordinates of its true basis (the first
// two of U⋆_1ᵀx; for d = 2 the whole plane); a memorizing network puts its
// samples on the training samples, a generalizing one spreads them like the
// Gaussian. Right: for the generated and the fresh samples, the fraction
// whose nearest training sample lies within a distance r; GL (eq. 21) is the
// ratio of the means of the two distributions. It also returns the point's
// row (GL and the two mean distances, computed from the samples) and sets the
// figure's caption.
func PointFigure(s *Samples) (*plot.Figure, Row, error) {
	row, err := s.score()
	if err != nil {
		return nil, Row{}, err
	}
	if s.D < 1 || s.Model == nil || len(s.Model.Bases) == 0 {
		return nil, Row{}, fmt.Errorf("fig5a: samples without their model")
	}
	u := s.Model.Bases[0]
	coords := func(x *mat.Dense, keep func(i int) bool) (a, b []float64) {
		r, _ := x.Dims()
		var c mat.Dense
		c.Mul(x, u) // U⋆_1ᵀx, one row per sample
		for i := range r {
			if !keep(i) {
				continue
			}
			a = append(a, c.At(i, 0))
			if s.D > 1 {
				b = append(b, c.At(i, 1))
			} else {
				b = append(b, 0)
			}
		}
		return a, b
	}
	_, near, err := s.Model.DistanceToUnion(s.Generated)
	if err != nil {
		return nil, Row{}, err
	}
	gx, gy := coords(s.Generated, func(i int) bool { return near[i] == 0 })
	tx, ty := coords(s.Train, func(i int) bool { return i < s.Nk }) // component 1 comes first
	ylabel := "U⋆₁ coordinate 2"
	if s.D == 1 {
		ylabel = "(d = 1: one coordinate)"
	}
	left, err := plot.Lines(plot.Axes{Title: "component 1, in its own coordinates", X: "U⋆₁ coordinate 1", Y: ylabel},
		plot.Series{Name: fmt.Sprintf("generated (%d)", len(gx)), X: gx, Y: gy, NoLine: true, Color: plot.OkabeIto[1], Radius: 2},
		plot.Series{Name: fmt.Sprintf("training (%d)", len(tx)), X: tx, Y: ty, NoLine: true, Color: plot.OkabeIto[7], Marker: draw.RingGlyph{}, Radius: 5})
	if err != nil {
		return nil, Row{}, err
	}
	cdf := func(name string, x *mat.Dense, col int) (plot.Series, error) {
		d, err := metrics.NearestDistances(x, s.Train)
		if err != nil {
			return plot.Series{}, err
		}
		sort.Float64s(d)
		ser := plot.Series{Name: name, Color: plot.OkabeIto[col]}
		for i, v := range d {
			ser.X = append(ser.X, v, v)
			ser.Y = append(ser.Y, float64(i)/float64(len(d)), float64(i+1)/float64(len(d)))
		}
		return ser, nil
	}
	gen, err := cdf(fmt.Sprintf("generated (mean %.3g)", row.DistGen), s.Generated, 1)
	if err != nil {
		return nil, Row{}, err
	}
	fresh, err := cdf(fmt.Sprintf("fresh MoLRG (mean %.3g)", row.DistFresh), s.Fresh, 5)
	if err != nil {
		return nil, Row{}, err
	}
	right, err := plot.Lines(plot.Axes{Title: "distance to the nearest training sample", X: "r", Y: "fraction within r"}, gen, fresh)
	if err != nil {
		return nil, Row{}, err
	}
	right.X.Min, right.Y.Min, right.Y.Max = 0, 0, 1
	f := plot.Grid([][]*gplot.Plot{{left, right}})
	f.LegendBelow = true
	f.Caption = fmt.Sprintf("d = %d, N_k = %d (N_k/d = %.3g): GL = %.3f / %.3f = %.3f", s.D, s.Nk, row.Ratio, row.DistGen, row.DistFresh, row.GL)
	return f, row, nil
}
