package rank

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/plot"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// curveColor is the colour of a Figure 3(b) curve, the same in every figure:
// the true posterior mean black, the DAE of eq. (9) blue (true bases) and
// green (Algorithm 1), the U-Net vermillion.
func curveColor(name string, i int) color.Color {
	switch name {
	case trueName:
		return plot.OkabeIto[7]
	case dae9Name:
		return plot.OkabeIto[0]
	case alg1Name:
		return plot.OkabeIto[2]
	case unetName:
		return plot.OkabeIto[1]
	}
	return plot.Palette(i)
}

// curveSeries draws the curves of Figure 3(b). The low-rank model's three
// curves coincide when Algorithm 1 recovers the subspaces: the true
// posterior mean gets rings around its points and the DAE with learned
// bases a dashed line, so that all three stay visible on top of each other.
func curveSeries(cs []experiment.RankCurve) []plot.Series {
	var s []plot.Series
	for i, c := range cs {
		ser := plot.Series{Name: c.Name, X: c.SNR, Y: c.Ratio, Points: true, Color: curveColor(c.Name, i)}
		switch c.Name {
		case trueName:
			ser.Marker, ser.Radius = draw.RingGlyph{}, 5
		case alg1Name:
			ser.Dashed = true
		}
		s = append(s, ser)
	}
	return s
}

// snapshotColor is the colour of snapshot i of k: viridis from purple (the
// first) to yellowish green (the last; viridis' yellow end is too pale on
// white).
func snapshotColor(i, k int) color.Color {
	return plot.Viridis(0.85 * float64(i) / math.Max(1, float64(k-1)))
}

// rankPanel draws rank/n against SNR (log x) with room above the curves
// (rank/n ≤ 1) for a legend inside.
func rankPanel(title string, series []plot.Series) (*gplot.Plot, error) {
	p, err := plot.Lines(plot.Axes{Title: title, X: "SNR = 1/σ", Y: "numerical rank / n (eq. 46)", LogX: true}, series...)
	if err != nil {
		return nil, err
	}
	p.Y.Min, p.Y.Max = 0, 1.05
	plot.UsePowerTicks(p)
	return p, nil
}

// Figure3b draws the rank ratio against SNR = 1/σ (log x) for every denoiser
// in one panel: the low-rank model (the true posterior mean, eq. 8, and the
// soft-max DAE of eq. 9 with the true and with learned bases) beside the
// U-Net.
func Figure3b(r *Result) (*plot.Figure, error) {
	if len(r.Curves) == 0 {
		return nil, errors.New("rank: no curves to draw")
	}
	p, err := rankPanel("Jacobian rank along the Heun trajectory (Fig. 3b)", curveSeries(r.Curves))
	if err != nil {
		return nil, err
	}
	f := plot.Single(p)
	f.LegendBelow = true
	f.Height = 5.4 * vg.Inch
	return f, nil
}

// reference returns the true posterior mean's curve (the low-rank model's
// answer) as a dashed black series, if the result has it.
func reference(r *Result) []plot.Series {
	for _, c := range r.Curves {
		if c.Name == trueName {
			return []plot.Series{{Name: c.Name, X: c.SNR, Y: c.Ratio, Dashed: true, Color: plot.OkabeIto[7]}}
		}
	}
	return nil
}

// historyPanel draws the gradient norm against the training step; mark > 0
// draws a vertical line at that step.
func historyPanel(r *Result, mark int) (*gplot.Plot, error) {
	s := plot.Series{Name: "‖∇θ loss‖", Color: plot.OkabeIto[0]}
	hi := 0.0
	for _, h := range r.History {
		s.X = append(s.X, float64(h.Step))
		s.Y = append(s.Y, h.GradNorm)
		hi = math.Max(hi, h.GradNorm)
	}
	series := []plot.Series{s}
	if mark > 0 {
		series = append(series, plot.Series{Name: fmt.Sprintf("step %d", mark), X: []float64{float64(mark), float64(mark)}, Y: []float64{0, hi},
			Dashed: true, Color: plot.OkabeIto[1]})
	}
	p, err := plot.Lines(plot.Axes{Title: "gradient norm during training (Fig. 7)", X: "optimizer step", Y: "gradient norm"}, series...)
	if err != nil {
		return nil, err
	}
	p.X.Min, p.Y.Min = 0, 0
	return p, nil
}

// Figure7 draws the snapshot rank curves (viridis from the first snapshot
// to the last, with the true posterior mean dashed) and the gradient norm
// against steps.
func Figure7(r *Result) (*plot.Figure, error) {
	if len(r.Snapshots) == 0 && len(r.History) == 0 {
		return nil, errors.New("rank: no U-Net snapshots or history to draw")
	}
	var panels []*gplot.Plot
	if len(r.Snapshots) > 0 {
		var series []plot.Series
		for i, s := range r.Snapshots {
			series = append(series, plot.Series{Name: s.Name, X: s.SNR, Y: s.Ratio, Points: true, Color: snapshotColor(i, len(r.Snapshots))})
		}
		p, err := rankPanel("U-Net snapshots along training (Fig. 7)", append(series, reference(r)...))
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	if len(r.History) > 0 {
		p, err := historyPanel(r, 0)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	f := plot.Grid([][]*gplot.Plot{panels})
	f.LegendBelow = true
	f.Height = 5.2 * vg.Inch
	return f, nil
}

// SnapshotFigure draws snapshot i of the U-Net (0 is the first) beside the
// low-rank model: its rank curve with the true posterior mean's (dashed),
// and the gradient norm with the snapshot's step marked. The caption gives
// the snapshot's training length and its rank ratio at the lowest SNR, at
// SNR ≈ 1 and at the highest SNR next to the true posterior mean's.
func SnapshotFigure(r *Result, i int) (*plot.Figure, error) {
	if i < 0 || i >= len(r.Snapshots) {
		return nil, fmt.Errorf("rank: snapshot %d of %d", i, len(r.Snapshots))
	}
	s := r.Snapshots[i]
	series := []plot.Series{{Name: s.Name, X: s.SNR, Y: s.Ratio, Points: true, Color: plot.OkabeIto[1], Radius: 3.5}}
	left, err := rankPanel(fmt.Sprintf("U-Net after %d steps (%.0f kimg)", s.Step, s.Kimg), append(series, reference(r)...))
	if err != nil {
		return nil, err
	}
	panels := []*gplot.Plot{left}
	if len(r.History) > 0 {
		right, err := historyPanel(r, s.Step)
		if err != nil {
			return nil, err
		}
		panels = append(panels, right)
	}
	f := plot.Grid([][]*gplot.Plot{panels})
	f.LegendBelow = true
	f.Height = 5.2 * vg.Inch
	n := len(s.SNR)
	f.Caption = fmt.Sprintf("step %d (%.0f kimg): U-Net rank/n %.3f at the lowest SNR, %.3f at SNR ≈ 1, %.3f at the highest",
		s.Step, s.Kimg, s.Ratio[0], s.RatioAt(1), s.Ratio[n-1])
	for _, c := range r.Curves {
		if c.Name == trueName {
			f.Caption += fmt.Sprintf(" (true posterior mean: %.3f, %.3f, %.3f)", c.Ratio[0], c.RatioAt(1), c.Ratio[len(c.Ratio)-1])
		}
	}
	return f, nil
}
