package edit

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/sampler"
	"gonum.org/v1/gonum/mat"
)

// Editor edits the images of one denoiser x_θ(·, σ) (EDM convention,
// s_t = 1): it finds x_t, the Jacobian's singular triplets there, and
// continues edited states to t = 0.
type Editor struct {
	be   compute.Backend
	spec experiment.DenoiserSpec
	n    int
	smp  *sampler.Sampler
	op   *operator

	mu  sync.Mutex
	jac map[int]*jacobian.Computer // by rows per pass
}

// New returns an Editor for the denoiser spec, whose samples have n values.
func New(be compute.Backend, spec experiment.DenoiserSpec, n int) (*Editor, error) {
	if be == nil {
		return nil, errors.New("edit: backend is nil, want a GoMLX backend (backend.Must())")
	}
	if spec.D == nil {
		return nil, errors.New("edit: the denoiser is nil, want a graph function D(x, σ)")
	}
	if n < 1 {
		return nil, param.Errorf("edit", "n", n, "≥ 1 values per image")
	}
	if len(spec.Shape) > 0 {
		p := 1
		for _, d := range spec.Shape {
			p *= d
		}
		if p != n {
			return nil, fmt.Errorf("edit: the denoiser's sample shape %v has %d values, want n = %d", spec.Shape, p, n)
		}
	}
	smp, err := sampler.New(be, spec.D, sampler.Options{Shape: spec.Shape, DType: spec.DType, Store: spec.Store})
	if err != nil {
		return nil, err
	}
	return &Editor{be: be, spec: spec, n: n, smp: smp, op: newOperator(be, spec, n)}, nil
}

// N is the number of values of an image.
func (e *Editor) N() int { return e.n }

// Latent is a point x_t to edit with the deterministic path that takes it
// (and its edits) to t = 0.
type Latent struct {
	X      []float64      // x_t
	Sigma  float64        // σ_t
	Down   []float64      // levels from σ_t down to 0 that continue x_t (Down[0] = σ_t)
	Method sampler.Method // Euler (DDIM) after an inversion, Heun for a fresh sample
	Start  []float64      // the inverted image x_0 (nil for a fresh sample)
	Clean  []float64      // x_t continued to t = 0 unedited: the ξ = 0 image
}

// Invert maps an image x_0 (taken as the state at σ_min = 0.002) to x_t at
// level sigma by DDIM inversion, the Euler step x' = D + (σ'/σ)(x − D) up
// steps levels spaced as EDM's (ρ = 7); DDIM down the same levels, then the
// last step to 0 (x_θ itself), continues x_t and its edits. Clean is x_t
// continued: the reconstruction of x_0.
func (e *Editor) Invert(x0 []float64, sigma float64, steps int) (*Latent, error) {
	if err := e.checkPoint(x0, sigma); err != nil {
		return nil, err
	}
	sigmaMin := diffusion.DefaultEDM().SigmaMin
	if !(sigma > sigmaMin) {
		return nil, param.Errorf("edit", "Sigma", sigma, "σ_t > σ_min = %g", sigmaMin)
	}
	if steps < 1 || steps > MaxSteps {
		return nil, param.Errorf("edit", "Steps", steps, "1 ≤ steps ≤ %d", MaxSteps)
	}
	up, err := diffusion.RhoGrid(sigmaMin, sigma, steps, diffusion.EDMRho)
	if err != nil {
		return nil, err
	}
	res, err := e.smp.Invert(mat.NewDense(1, e.n, append([]float64(nil), x0...)), up, false)
	if err != nil {
		return nil, err
	}
	down := make([]float64, 0, len(up)+1)
	for i := len(up) - 1; i >= 0; i-- {
		down = append(down, up[i])
	}
	down = append(down, 0)
	l := &Latent{X: res.X.RawRowView(0), Sigma: sigma, Down: down, Method: sampler.Euler, Start: append([]float64(nil), x0...)}
	return l, e.finish(l)
}

// MaxSteps bounds the steps of an inversion.
const MaxSteps = 10_000

// Sample runs the EDM Heun sampler of cfg from the standard normal noise z
// down to level index of its grid (σ_t = cfg.Sigmas()[index]) and keeps the
// rest of the grid to continue: x_t continued unedited is the sampler's
// own sample from z.
func (e *Editor) Sample(z []float64, cfg sampler.Config, index int) (*Latent, error) {
	sig, err := cfg.Sigmas()
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= len(sig)-1 {
		return nil, param.Errorf("edit", "Index", index, "0 ≤ index ≤ %d (a nonzero level of the %d-step grid)", len(sig)-2, cfg.Steps)
	}
	if err := e.checkPoint(z, sig[0]); err != nil {
		return nil, err
	}
	x := mat.NewDense(1, e.n, nil)
	x.Scale(sig[0], mat.NewDense(1, e.n, append([]float64(nil), z...)))
	xt := x.RawRowView(0)
	if index > 0 {
		res, err := e.smp.Integrate(x, sig[:index+1], sampler.Heun, false)
		if err != nil {
			return nil, err
		}
		xt = res.X.RawRowView(0)
	}
	l := &Latent{X: xt, Sigma: sig[index], Down: append([]float64(nil), sig[index:]...), Method: sampler.Heun}
	return l, e.finish(l)
}

// finish computes l.Clean.
func (e *Editor) finish(l *Latent) error {
	c, err := e.Continue(l, mat.NewDense(1, e.n, append([]float64(nil), l.X...)))
	if err != nil {
		return err
	}
	l.Clean = c.RawRowView(0)
	return nil
}

// Continue runs every row of x (B×n, states at l.Sigma) down l.Down to
// t = 0 with l.Method, deterministically.
func (e *Editor) Continue(l *Latent, x *mat.Dense) (*mat.Dense, error) {
	res, err := e.smp.Integrate(x, l.Down, l.Method, false)
	if err != nil {
		return nil, err
	}
	return res.X, nil
}

// Denoise returns x_θ(x_b, σ) for the rows x_b of x.
func (e *Editor) Denoise(x *mat.Dense, sigma float64) (*mat.Dense, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, param.Errorf("edit", "Sigma", sigma, "a finite σ > 0")
	}
	res, err := e.smp.Integrate(x, []float64{sigma, 0}, sampler.Euler, false) // the step to 0 is x_θ itself
	if err != nil {
		return nil, err
	}
	return res.X, nil
}

// Move returns the states x + ξ_j d_i for every direction d_i (the columns
// of dirs, n×k) and strength ξ_j: row i·len(xi)+j.
func Move(x []float64, dirs *mat.Dense, xi []float64) *mat.Dense {
	n, k := dirs.Dims()
	out := mat.NewDense(k*len(xi), n, nil)
	for i := range k {
		for j, s := range xi {
			row := out.RawRowView(i*len(xi) + j)
			for c := range n {
				row[c] = x[c] + s*dirs.At(c, i)
			}
		}
	}
	return out
}

// Grid continues x_t + ξ_j d_i to t = 0 for every direction (columns of
// dirs) and strength: images[i][j], the ξ ≠ 0 ones in one batch. For ξ = 0
// the state is x_t itself, bit for bit, and its image is l.Clean, x_t
// continued once: recomputed inside a batch of another size it could differ
// in the last bits (XLA's kernels depend on the batch shape; about 1e-7 for
// a float32 U-Net), which would make ξ = 0 look like an edit.
func (e *Editor) Grid(l *Latent, dirs *mat.Dense, xi []float64) ([][][]float64, error) {
	if r, _ := dirs.Dims(); r != e.n {
		return nil, fmt.Errorf("edit: directions have %d values, want n = %d", r, e.n)
	}
	if len(xi) == 0 {
		return nil, param.Errorf("edit", "Xi", "[]", "at least one strength ξ")
	}
	for _, s := range xi {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, param.Errorf("edit", "Xi", s, "finite strengths ξ")
		}
	}
	var nonzero []float64
	for _, s := range xi {
		if s != 0 {
			nonzero = append(nonzero, s)
		}
	}
	_, k := dirs.Dims()
	var out *mat.Dense
	if len(nonzero) > 0 {
		var err error
		if out, err = e.Continue(l, Move(l.X, dirs, nonzero)); err != nil {
			return nil, err
		}
	}
	images := make([][][]float64, k)
	for i := range k {
		images[i] = make([][]float64, len(xi))
		jj := 0
		for j, s := range xi {
			if s == 0 {
				images[i][j] = append([]float64(nil), l.Clean...)
				continue
			}
			images[i][j] = out.RawRowView(i*len(nonzero) + jj)
			jj++
		}
	}
	return images, nil
}

// Linearity measures how far x_θ is from its first-order expansion along
// the right singular vectors (docs/mathematics.md, editing):
//
//	ε_i(ξ) = ‖m⊙(x_θ(x_t + ξv_i) − x_θ(x_t)) − ξ ς_i q_i‖ / (|ξ| ς_i),
//
// for every triplet i and strength ξ ≠ 0 (mask m as in the triplets, nil
// for none). A locally linear denoiser has ε_i(ξ) = O(ξ).
func (e *Editor) Linearity(l *Latent, t *Triplets, mask []float64, xi []float64) ([][]float64, error) {
	for _, s := range xi {
		if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, param.Errorf("edit", "Xi", s, "finite strengths ξ ≠ 0")
		}
	}
	if mask == nil {
		mask = ones(e.n)
	}
	x := Move(l.X, t.V, xi)
	all := mat.NewDense(x.RawMatrix().Rows+1, e.n, nil)
	copy(all.RawRowView(0), l.X)
	for i := range x.RawMatrix().Rows {
		copy(all.RawRowView(i+1), x.RawRowView(i))
	}
	d, err := e.Denoise(all, l.Sigma)
	if err != nil {
		return nil, err
	}
	base := d.RawRowView(0)
	out := make([][]float64, len(t.Values))
	for i, s := range t.Values {
		out[i] = make([]float64, len(xi))
		for j, xj := range xi {
			row := d.RawRowView(1 + i*len(xi) + j)
			sum := 0.0
			for c := range e.n {
				r := mask[c]*(row[c]-base[c]) - xj*s*t.Q.At(c, i)
				sum += r * r
			}
			out[i][j] = math.Sqrt(sum) / (math.Abs(xj) * s)
		}
	}
	return out, nil
}

// checkPoint validates an image or state x and a level σ.
func (e *Editor) checkPoint(x []float64, sigma float64) error {
	if len(x) != e.n {
		return fmt.Errorf("edit: the image has %d values, want n = %d", len(x), e.n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("edit: x[%d] = %v, want finite values", i, v)
		}
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return param.Errorf("edit", "Sigma", sigma, "a finite σ > 0")
	}
	return nil
}
