package fig5a

import (
	"fmt"
	"slices"
	"sort"

	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/plot"
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
