package rank

import (
	"errors"

	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/plot"
	gplot "gonum.org/v1/plot"
)

func curveSeries(cs []experiment.RankCurve) []plot.Series {
	var s []plot.Series
	for _, c := range cs {
		s = append(s, plot.Series{Name: c.Name, X: c.SNR, Y: c.Ratio, Points: true})
	}
	return s
}

// Figure3b draws the rank ratio against SNR = 1/σ (log x) for every denoiser.
func Figure3b(r *Result) (*plot.Figure, error) {
	if len(r.Curves) == 0 {
		return nil, errors.New("rank: no curves to draw")
	}
	p, err := plot.Lines(plot.Axes{Title: "Jacobian rank along the Heun trajectory (Fig. 3b)", X: "SNR = 1/σ", Y: "numerical rank / n (eq. 46)", LogX: true},
		curveSeries(r.Curves)...)
	if err != nil {
		return nil, err
	}
	p.Y.Min, p.Y.Max = 0, 1.45 // room above the curves (rank/n ≤ 1) for the legend
	plot.UsePowerTicks(p)
	return plot.Single(p), nil
}

// Figure7 draws the snapshot rank curves and the gradient norm against steps.
func Figure7(r *Result) (*plot.Figure, error) {
	if len(r.Snapshots) == 0 && len(r.History) == 0 {
		return nil, errors.New("rank: no U-Net snapshots or history to draw")
	}
	var panels []*gplot.Plot
	if len(r.Snapshots) > 0 {
		var cs []experiment.RankCurve
		for _, s := range r.Snapshots {
			cs = append(cs, s.RankCurve)
		}
		p, err := plot.Lines(plot.Axes{Title: "U-Net snapshots along training (Fig. 7)", X: "SNR = 1/σ", Y: "numerical rank / n (eq. 46)", LogX: true},
			curveSeries(cs)...)
		if err != nil {
			return nil, err
		}
		plot.UsePowerTicks(p)
		panels = append(panels, p)
	}
	if len(r.History) > 0 {
		s := plot.Series{Name: "‖∇θ loss‖"}
		for _, h := range r.History {
			s.X = append(s.X, float64(h.Step))
			s.Y = append(s.Y, h.GradNorm)
		}
		p, err := plot.Lines(plot.Axes{Title: "gradient norm during training (Fig. 7)", X: "optimizer step", Y: "gradient norm"}, s)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	return plot.Grid([][]*gplot.Plot{panels}), nil
}
