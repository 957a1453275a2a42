package editing

import (
	"errors"
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/plot"
	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Frame is one picture of an explorer over a run: x_t + ξ·d continued to
// t = 0 for one edit time, direction d and strength ξ.
type Frame struct {
	T, Sigma  float64 // edit time t/t_max and its σ_t
	Direction string  // v1 … vr, or random
	I         int     // singular index (0: the random direction)
	Value     float64 // ς_i (NaN for the random direction)
	Xi        float64
	Image     []float64 // H·W·C values, channels last
	Moved     float64   // ‖x̂(ξ) − x̂(0)‖
}

// Frames lists every edited image of a run: for each edit time, each
// direction (v_1 … v_r, random) and each ξ, in that order.
func Frames(res *Result) []Frame {
	var out []Frame
	for _, e := range res.Times {
		for i, name := range e.Directions {
			idx, val := i+1, math.NaN()
			if name == randomName {
				idx = 0
			} else if i < len(e.Values) {
				val = e.Values[i]
			}
			for j, x := range e.Xi {
				out = append(out, Frame{T: e.T, Sigma: e.Sigma, Direction: name, I: idx, Value: val, Xi: x,
					Image: e.Images[i][j], Moved: e.Moved[i][j]})
			}
		}
	}
	return out
}

// SubspaceFigure is the MoLRG picture of edit time ti and direction v_i
// (i = 0 for v_1): in the plane spanned by v_i's part inside x_t's subspace
// U_k and the part of the random direction r off U_k, (a) the edited
// latents x_t + ξv_i and x_t + ξr, (b) the images they continue to,
// relative to the unedited one. Edits along a leading v_i move along the
// subspace (the horizontal axis); the random direction's part off the
// subspace is discarded by the denoiser.
func SubspaceFigure(res *Result, ti, i int, m *molrg.Model) (*plot.Figure, error) {
	if res == nil || ti < 0 || ti >= len(res.Times) {
		return nil, fmt.Errorf("editing: no edit time %d to draw", ti)
	}
	e := res.Times[ti]
	if m == nil || len(e.Vectors) < 2 || e.Clean == nil {
		return nil, errors.New("editing: the subspace picture needs a MoLRG run with its directions")
	}
	if i < 0 || i >= len(e.Vectors)-1 {
		return nil, fmt.Errorf("editing: no singular direction %d (the run has %d)", i+1, len(e.Vectors)-1)
	}
	k, best := 0, -1.0
	for j, u := range m.Bases {
		if v := proj2(u, e.Clean); v > best {
			best, k = v, j
		}
	}
	u := m.Bases[k]
	v1, r := e.Vectors[i], e.Vectors[len(e.Vectors)-1]
	e1 := unit(inside(u, v1))
	e2 := unit(sub(r, inside(u, r)))
	if e1 == nil || e2 == nil {
		return nil, fmt.Errorf("editing: v_%d has no part in x_t's subspace, or the random direction none off it", i+1)
	}
	vi := fmt.Sprintf("v%s", subscript(i+1))
	coords := func(x []float64) (float64, float64) { return dot(x, e1), dot(x, e2) }
	var latent, image []plot.Series
	for _, d := range []struct {
		name string
		row  int
		dir  []float64
	}{{"along " + vi, i, v1}, {"along a random direction", len(e.Directions) - 1, r}} {
		ls := plot.Series{Name: d.name, Points: true}
		is := plot.Series{Name: d.name, Points: true}
		for j, xi := range e.Xi {
			a, b := coords(scale(d.dir, xi))
			ls.X, ls.Y = append(ls.X, a), append(ls.Y, b)
			a, b = coords(sub(e.Images[d.row][j], e.Clean))
			is.X, is.Y = append(is.X, a), append(is.Y, b)
		}
		latent, image = append(latent, ls), append(image, is)
	}
	pa, err := plot.Lines(plot.Axes{Title: fmt.Sprintf("(a) x_t + ξ·d relative to x_t, σ_t = %.3g", e.Sigma),
		X: "along " + vi + " (inside x_t's subspace U_k)", Y: "off U_k (random direction's part)"}, latent...)
	if err != nil {
		return nil, err
	}
	pb, err := plot.Lines(plot.Axes{Title: "(b) continued to t = 0, minus the unedited image",
		X: "along " + vi + " (inside U_k)", Y: "off U_k"}, image...)
	if err != nil {
		return nil, err
	}
	sameRange(pa, pb)
	f := plot.Grid([][]*gplot.Plot{{pa, pb}})
	f.SharedLegend = true
	f.Caption = fmt.Sprintf("t = %g·t_max (σ_t = %.3g): ς_%d = %.3g, sin∠(%s, U_k) = %.1g; the random direction is sin∠ = %.2f off U_k",
		e.T, e.Sigma, i+1, e.Values[i], vi, e.Off[i], e.RandomOff)
	return f, nil
}

func subscript(i int) string {
	var b []rune
	for _, c := range fmt.Sprint(i) {
		b = append(b, '₀'+(c-'0'))
	}
	return string(b)
}

// SubspaceExplorer switches SubspaceFigure over the edit times and the
// singular directions of a MoLRG run.
func SubspaceExplorer(res *Result, m *molrg.Model) (*plot.Explorer, error) {
	if res == nil || len(res.Times) == 0 {
		return nil, errors.New("editing: no edit times to explore")
	}
	var ts []float64
	for _, e := range res.Times {
		ts = append(ts, e.T)
	}
	var idx []int
	for i := range len(res.Times[0].Values) {
		idx = append(idx, i+1)
	}
	return &plot.Explorer{
		Params: []plot.Param{plot.Values("t/t_max", ts, "%g", ts[len(ts)-1]), plot.Ints("singular vector i", idx, 1)},
		Render: func(at []int) (*plot.Figure, error) { return SubspaceFigure(res, at[0], at[1], m) },
	}, nil
}

// Explorer shows one edited image at a time, switched in the page by the
// edit time, the direction (v_1 … v_r or the random one) and ξ: the input
// (or the fresh sample's x_t continued), the unedited continuation, the
// edited image and the direction itself (x_t space, scaled to its largest
// entry).
func Explorer(res *Result) (*plot.Explorer, error) {
	if res == nil || len(res.Times) == 0 || len(res.Times[0].Images) == 0 {
		return nil, errors.New("editing: no edits to explore")
	}
	first := res.Times[0]
	var ts []float64
	for _, e := range res.Times {
		ts = append(ts, e.T)
	}
	h, w, c := res.Shape[0], res.Shape[1], res.Shape[2]
	render := func(at []int) (*plot.Figure, error) {
		e := res.Times[at[0]]
		i, j := at[1], at[2]
		if i >= len(e.Images) || j >= len(e.Xi) {
			return nil, fmt.Errorf("editing: edit time %g has no frame %d, %d", e.T, i, j)
		}
		var panels []*gplot.Plot
		add := func(title string, im []float64, lo, hi float64) error {
			p, err := plot.ImagePanel(title, im, h, w, c, lo, hi)
			panels = append(panels, p)
			return err
		}
		if e.Input != nil {
			if err := add("input", e.Input, -1, 1); err != nil {
				return nil, err
			}
		}
		if err := add("ξ = 0 (unedited)", e.Clean, -1, 1); err != nil {
			return nil, err
		}
		if err := add(fmt.Sprintf("ξ = %g along %s", e.Xi[j], e.Directions[i]), e.Images[i][j], -1, 1); err != nil {
			return nil, err
		}
		if i < len(e.Vectors) && e.Vectors[i] != nil {
			m := 0.0
			for _, v := range e.Vectors[i] {
				m = math.Max(m, math.Abs(v))
			}
			if err := add("the direction "+e.Directions[i], e.Vectors[i], -m, m); err != nil {
				return nil, err
			}
		}
		f := plot.Grid([][]*gplot.Plot{panels})
		f.Height = plot.NotebookWidth / vg.Length(len(panels)+1)
		val := "random unit direction"
		if i < len(e.Values) && e.Directions[i] != randomName {
			val = fmt.Sprintf("ς_%d = %.3g", i+1, e.Values[i])
		}
		f.Caption = fmt.Sprintf("t = %g·t_max (σ_t = %.3g), %s (%s), ξ = %g (%.2g σ_t): ‖x̂(ξ) − x̂(0)‖ = %.3g",
			e.T, e.Sigma, e.Directions[i], val, e.Xi[j], e.Xi[j]/e.Sigma, e.Moved[i][j])
		return f, nil
	}
	xiName, xis := "ξ", first.Xi
	if perSigma(res) {
		xiName, xis = "ξ/σ_t", scale(first.Xi, 1/first.Sigma)
	}
	return &plot.Explorer{
		Params: []plot.Param{plot.Values("t/t_max", ts, "%g", ts[len(ts)-1]),
			plot.Choices("direction", first.Directions, 0), plot.Values(xiName, xis, "%.3g", xis[len(xis)-1])},
		Render: render,
		PNG:    true,
	}, nil
}

// sameRange gives both panels the same, square, axis ranges.
func sameRange(ps ...*gplot.Plot) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		lo = math.Min(lo, math.Min(p.X.Min, p.Y.Min))
		hi = math.Max(hi, math.Max(p.X.Max, p.Y.Max))
	}
	pad := 0.05 * (hi - lo)
	for _, p := range ps {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo-pad, hi+pad, lo-pad, hi+pad
	}
}

// perSigma reports whether the runs' strengths are the same multiples of
// σ_t at every edit time (and there are several): the explorer's slider is
// then ξ/σ_t.
func perSigma(res *Result) bool {
	if len(res.Times) < 2 {
		return false
	}
	first := res.Times[0]
	for _, e := range res.Times[1:] {
		if len(e.Xi) != len(first.Xi) {
			return false
		}
		for j := range e.Xi {
			a, b := e.Xi[j]/e.Sigma, first.Xi[j]/first.Sigma
			if math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(a)) {
				return false
			}
		}
	}
	return true
}

func proj2(u *mat.Dense, x []float64) float64 {
	var c mat.VecDense
	c.MulVec(u.T(), mat.NewVecDense(len(x), x))
	return mat.Dot(&c, &c)
}

func inside(u *mat.Dense, x []float64) []float64 {
	var c, p mat.VecDense
	c.MulVec(u.T(), mat.NewVecDense(len(x), x))
	p.MulVec(u, &c)
	return p.RawVector().Data
}

func unit(x []float64) []float64 {
	s := norm(x)
	if s < 1e-12 {
		return nil
	}
	return scale(x, 1/s)
}

func scale(x []float64, a float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = a * v
	}
	return out
}

func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
