package images

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/plot"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// GLRows returns the Figure 5(b) rows by increasing N.
func GLRows(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Figure == Fig5b {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}

// Crossing returns the N where the GL score of rows first reaches level
// (0.5 in the report), interpolating linearly in log N; ok is false when
// the curve never reaches it.
func Crossing(rows []Row, level float64) (float64, bool) {
	var x, y []float64
	for _, r := range GLRows(rows) {
		x, y = append(x, float64(r.N)), append(y, r.GL)
	}
	return experiment.Crossing(x, y, level, true)
}

// Calibration summarizes the calibration columns of rows: the largest GL
// of the training images themselves (want 0) and the smallest GL of the
// held-out real images (want ≥ 0.95), over every N; ok is true when both
// hold at every N.
func Calibration(rows []Row) (maxTrain, minHeld float64, ok bool) {
	maxTrain, minHeld = math.Inf(-1), math.Inf(1)
	gl := GLRows(rows)
	for _, r := range gl {
		maxTrain, minHeld = max(maxTrain, r.GLTrain), min(minHeld, r.GLHeld)
	}
	return maxTrain, minHeld, len(gl) > 0 && maxTrain == 0 && minHeld >= 0.95
}

// nTicks labels a log N axis at the N of the rows.
func nTicks(ns []int) gplot.ConstantTicks {
	var t gplot.ConstantTicks
	for i, n := range ns {
		label := strconv.Itoa(n)
		if len(ns) > 5 && i%2 == 1 {
			label = "" // every other label, so that neighbours on the log axis do not overlap
		}
		t = append(t, gplot.Tick{Value: float64(n), Label: label})
	}
	return t
}

// Figure5b draws the GL score of one run against N (log axis) with its
// calibration: the training images themselves (should be 0), the held-out
// real images (should be ≥ 0.95), and the paper's cosine test on raw
// pixels for the held-out images, which drifts.
func Figure5b(rows []Row) (*plot.Figure, error) {
	gl := GLRows(rows)
	if len(gl) == 0 {
		return nil, errors.New("images: no Figure 5(b) rows to draw")
	}
	var ns []int
	s := []plot.Series{{Name: "generated images", Points: true}, {Name: "calibration: held-out real images", Points: true, Dashed: true},
		{Name: "calibration: training images", Points: true, Dashed: true}, {Name: "held-out, cosine > 0.6 on pixels", Dashed: true}}
	for _, r := range gl {
		ns = append(ns, r.N)
		for k, v := range []float64{r.GL, r.GLHeld, r.GLTrain, r.GLPixCosHeld} {
			s[k].X, s[k].Y = append(s[k].X, float64(r.N)), append(s[k].Y, v)
		}
	}
	p, err := plot.Lines(plot.Axes{Title: fmt.Sprintf("Fig. 5b: U-Net on %s", gl[0].Data), X: "training images N",
		Y: "GL score (fraction not copies)", LogX: true, LegendLeft: true}, s...)
	if err != nil {
		return nil, err
	}
	p.X.Tick.Marker = nTicks(ns)
	p.Y.Min, p.Y.Max = -0.02, 1.5 // room above the curves for the legend
	return plot.Single(p), nil
}

// Figure3a draws the rank ratio of the U-Net's Jacobian against SNR (log
// axis) for one run.
func Figure3a(rows []Row) (*plot.Figure, error) {
	return FigureRanks([][]Row{rows})
}

// FigureRanks draws one Figure 3(a) curve per run (rows of several data
// sets), rank/n against SNR = 1/σ.
func FigureRanks(runs [][]Row) (*plot.Figure, error) {
	p, err := ranksPanel(runs)
	if err != nil {
		return nil, err
	}
	return plot.Single(p), nil
}

func ranksPanel(runs [][]Row) (*gplot.Plot, error) {
	var s []plot.Series
	var ns []int // the N of each curve
	for _, rows := range runs {
		cv, n, ok := RankCurve(rows)
		if !ok {
			continue
		}
		s = append(s, plot.Series{Name: cv.Name, X: cv.SNR, Y: cv.Ratio, Points: true})
		ns = append(ns, n)
	}
	if len(s) == 0 {
		return nil, errors.New("images: no complete Figure 3(a) curve to draw")
	}
	title := "Fig. 3a: Jacobian rank, U-Net of the largest N"
	if slices.Min(ns) == slices.Max(ns) {
		title = fmt.Sprintf("Fig. 3a: Jacobian rank, U-Net of N = %d", ns[0])
	}
	p, err := plot.Lines(plot.Axes{Title: title, X: "SNR = 1/σ",
		Y: "numerical rank / n (eq. 46)", LogX: true}, s...)
	if err != nil {
		return nil, err
	}
	p.Y.Min, p.Y.Max = 0, 1.05
	plot.UsePowerTicks(p)
	return p, nil
}

// FigureGL draws one Figure 5(b) curve per run (rows of several data sets).
func FigureGL(runs [][]Row) (*plot.Figure, error) {
	p, err := glPanel(runs)
	if err != nil {
		return nil, err
	}
	return plot.Single(p), nil
}

func glPanel(runs [][]Row) (*gplot.Plot, error) {
	var s []plot.Series
	var ns []int
	for _, rows := range runs {
		gl := GLRows(rows)
		if len(gl) == 0 {
			continue
		}
		ser := plot.Series{Name: gl[0].Data, Points: true}
		for _, r := range gl {
			ser.X, ser.Y = append(ser.X, float64(r.N)), append(ser.Y, r.GL)
			if !slices.Contains(ns, r.N) {
				ns = append(ns, r.N)
			}
		}
		s = append(s, ser)
	}
	if len(s) == 0 {
		return nil, errors.New("images: no Figure 5(b) rows to draw")
	}
	slices.Sort(ns)
	p, err := plot.Lines(plot.Axes{Title: "Fig. 5b: GL score against N", X: "training images N",
		Y: "GL score (fraction not copies)", LogX: true, LegendLeft: true}, s...)
	if err != nil {
		return nil, err
	}
	p.X.Tick.Marker = nTicks(ns)
	p.Y.Min, p.Y.Max = -0.02, 1.05
	return p, nil
}

// FigureAll draws Figures 5(b) and 3(a) side by side, one curve per run.
func FigureAll(runs [][]Row) (*plot.Figure, error) {
	gl, err := glPanel(runs)
	if err != nil {
		return nil, err
	}
	panels := []*gplot.Plot{gl}
	if rk, err := ranksPanel(runs); err == nil {
		panels = append(panels, rk)
	}
	f := plot.Grid([][]*gplot.Plot{panels})
	f.SharedLegend = true // the same data sets, in the same colours, in both panels
	return f, nil
}

// FigureSamples draws, for each run of samples (e.g. a small and a large
// N), a panel of its generated images above their nearest training images,
// each generated image labelled with its copy statistic and "copy" when
// the test calls it one.
func FigureSamples(sets []Samples, statistic string) (*plot.Figure, error) {
	if len(sets) == 0 {
		return nil, errors.New("images: no samples to draw")
	}
	var panels [][]*gplot.Plot
	cols := 0
	for _, s := range sets {
		var gen, near []plot.Tile
		for k := range s.Generated {
			label := fmt.Sprintf("%.2f", s.Score[k])
			if s.Copy[k] {
				label += " copy"
			}
			gen = append(gen, plot.Tile{Pix: s.Generated[k], H: s.H, W: s.W, C: s.C, Label: label})
			near = append(near, plot.Tile{Pix: s.Nearest[k], H: s.H, W: s.W, C: s.C})
		}
		cols = max(cols, len(gen))
		p, err := plot.ImageGrid(fmt.Sprintf("N = %d: generated (top), nearest training image (bottom); %s", s.N, statistic),
			[]string{"generated", "nearest"}, [][]plot.Tile{gen, near})
		if err != nil {
			return nil, err
		}
		panels = append(panels, []*gplot.Plot{p})
	}
	f := plot.Grid(panels)
	f.Width = vg.Length(max(cols, 4)) * 0.95 * vg.Inch
	f.Height = vg.Length(len(sets)) * 2.6 * vg.Inch
	return f, nil
}

// FigureGallery shows the first count images of each set, one row per set
// (titled by names[i]).
func FigureGallery(names []string, sets []*datasets.Images, count int) (*plot.Figure, error) {
	if len(names) != len(sets) || len(sets) == 0 || count < 1 {
		return nil, fmt.Errorf("images: a gallery of %d names, %d sets and %d images each, want as many names as sets, ≥ 1 set and ≥ 1 image", len(names), len(sets), count)
	}
	var panels [][]*gplot.Plot
	for k, im := range sets {
		var row []plot.Tile
		for i := range min(count, im.N) {
			row = append(row, plot.Tile{Pix: im.Row(i), H: im.H, W: im.W, C: im.C})
		}
		p, err := plot.ImageGrid(fmt.Sprintf("%s (%d×%d×%d)", names[k], im.H, im.W, im.C), nil, [][]plot.Tile{row})
		if err != nil {
			return nil, err
		}
		panels = append(panels, []*gplot.Plot{p})
	}
	f := plot.Grid(panels)
	f.Width = vg.Length(max(count, 4)) * 0.8 * vg.Inch
	f.Height = vg.Length(len(sets)) * 1.3 * vg.Inch
	return f, nil
}
