package editing

import (
	"errors"
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/plot"
	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
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

// SubspaceFigure is the MoLRG picture of edit time i: in the plane spanned
// by the first direction v_1 (inside x_t's subspace U_k) and the part of
// the random direction off U_k, (a) the edited latents x_t + ξv_1 and
// x_t + ξr, (b) the images they continue to, relative to the unedited one.
// Edits along v_1 move along the subspace (the horizontal axis); the random
// direction's part off the subspace is discarded by the denoiser.
func SubspaceFigure(res *Result, i int, m *molrg.Model) (*plot.Figure, error) {
	if res == nil || i < 0 || i >= len(res.Times) {
		return nil, fmt.Errorf("editing: no edit time %d to draw", i)
	}
	e := res.Times[i]
	if m == nil || len(e.Vectors) < 2 || e.Clean == nil {
		return nil, errors.New("editing: the subspace picture needs a MoLRG run with its directions")
	}
	k, best := 0, -1.0
	for j, u := range m.Bases {
		if v := proj2(u, e.Clean); v > best {
			best, k = v, j
		}
	}
	u := m.Bases[k]
	v1, r := e.Vectors[0], e.Vectors[len(e.Vectors)-1]
	e1 := unit(inside(u, v1))
	e2 := unit(sub(r, inside(u, r)))
	if e1 == nil || e2 == nil {
		return nil, errors.New("editing: v_1 has no part in x_t's subspace, or the random direction none off it")
	}
	coords := func(x []float64) (float64, float64) { return dot(x, e1), dot(x, e2) }
	var latent, image []plot.Series
	for _, d := range []struct {
		name string
		row  int
		dir  []float64
	}{{"along v₁", 0, v1}, {"along a random direction", len(e.Directions) - 1, r}} {
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
		X: "along v₁ (inside x_t's subspace U_k)", Y: "off U_k (random direction's part)"}, latent...)
	if err != nil {
		return nil, err
	}
	pb, err := plot.Lines(plot.Axes{Title: "(b) continued to t = 0, minus the unedited image",
		X: "along v₁ (inside U_k)", Y: "off U_k"}, image...)
	if err != nil {
		return nil, err
	}
	sameRange(pa, pb)
	return plot.Grid([][]*gplot.Plot{{pa, pb}}), nil
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
