package edit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/param"
	"gonum.org/v1/gonum/mat"
)

// Method is how the leading singular triplets of the Jacobian are computed.
type Method int

const (
	// Auto is Full for images of at most FullMax values, Iterate above.
	Auto Method = iota
	// Full forms the whole n×n Jacobian by reverse-mode autodiff (n VJPs,
	// jacobian.Computer) and takes its SVD (gonum).
	Full
	// Iterate is subspace iteration with Rayleigh–Ritz on blocks of
	// Jacobian-vector products (double VJPs) and VJPs: 2p products per step
	// for a block of p vectors, never the whole Jacobian.
	Iterate
)

// FullMax is the largest n for which Auto forms the whole Jacobian (ours:
// 16×16 gray images; see docs/choices.md for the timings behind it).
const FullMax = 256

func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Full:
		return "full"
	case Iterate:
		return "iterate"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod reads "auto", "full" or "iterate".
func ParseMethod(s string) (Method, error) {
	for _, m := range []Method{Auto, Full, Iterate} {
		if s == m.String() {
			return m, nil
		}
	}
	return Auto, param.Errorf("edit", "Method", s, "auto, full or iterate")
}

// SVDOptions configures TopSVD.
type SVDOptions struct {
	R      int       // triplets wanted, 1 ≤ R ≤ n
	Mask   []float64 // nil, or n values in {0, 1}: the triplets of A = diag(m)·J (outputs in the mask)
	Method Method
	// Iterate stops when every returned triplet has
	// ‖Aᵀq_i − ς_i v_i‖ ≤ Tol·ς_1 (A v_i = ς_i q_i holds by construction):
	// then each ς_i is within Tol·ς_1/√2 of a singular value of A. Default
	// (0) DefaultTol.
	Tol        float64
	MaxIter    int    // subspace-iteration steps at most; default (0) DefaultMaxIter
	Oversample int    // block size p = R + Oversample (at most n); default (0) DefaultOversample, < 0 for none
	Seed       uint64 // the iteration's random start
	Rows       int    // Full: Jacobian rows per reverse pass; 0: min(n, 64)
}

// Defaults of the iteration (ours: LOCO-Edit stops at an entry-wise change
// of 1e-4 or after 50 steps, with no oversampling).
const (
	DefaultTol        = 1e-3
	DefaultMaxIter    = 300
	DefaultOversample = 4
)

// Triplets are the leading singular triplets (ς_i, q_i, v_i) of
// A = diag(m)·J, J = ∂x_θ(x_t, t)/∂x_t: A v_i = ς_i q_i, Aᵀq_i ≈ ς_i v_i.
type Triplets struct {
	Values     []float64  // ς_1 ≥ … ≥ ς_R
	Q, V       *mat.Dense // n×R: left singular vectors q_i (in the mask), right singular vectors v_i
	Residual   []float64  // ‖Aᵀq_i − ς_i v_i‖
	Iterations int        // subspace-iteration steps (0 for Full)
	Method     Method     // Full or Iterate
}

func (o *SVDOptions) validate(n int) error {
	switch {
	case o.R < 1 || o.R > n:
		return param.Errorf("edit", "R", o.R, "1 ≤ r ≤ n = %d", n)
	case o.Mask != nil && len(o.Mask) != n:
		return param.Errorf("edit", "Mask", len(o.Mask), "n = %d values", n)
	case o.Method < Auto || o.Method > Iterate:
		return param.Errorf("edit", "Method", o.Method, "auto, full or iterate")
	case math.IsNaN(o.Tol) || o.Tol < 0 || o.Tol >= 1:
		return param.Errorf("edit", "Tol", o.Tol, "0 < tol < 1 (0: %g)", DefaultTol)
	case o.MaxIter < 0:
		return param.Errorf("edit", "MaxIter", o.MaxIter, "≥ 1 (0: %d)", DefaultMaxIter)
	case o.Rows < 0:
		return param.Errorf("edit", "Rows", o.Rows, "≥ 0 (0: min(n, 64))")
	}
	inside := 0
	for i, v := range o.Mask {
		if v != 0 && v != 1 {
			return param.Errorf("edit", "Mask", fmt.Sprintf("m[%d] = %v", i, v), "values 0 or 1")
		}
		inside += int(v)
	}
	if o.Mask != nil && inside == 0 {
		return param.Errorf("edit", "Mask", "no pixel", "at least one pixel inside the mask")
	}
	return nil
}

// TopSVD returns the leading o.R singular triplets of A = diag(m)·J at
// (x_t, σ_t) = (l.X, l.Sigma).
func (e *Editor) TopSVD(x []float64, sigma float64, o SVDOptions) (*Triplets, error) {
	if err := o.validate(e.n); err != nil {
		return nil, err
	}
	if err := e.checkPoint(x, sigma); err != nil {
		return nil, err
	}
	if o.Tol == 0 {
		o.Tol = DefaultTol
	}
	if o.MaxIter == 0 {
		o.MaxIter = DefaultMaxIter
	}
	m := o.Method
	if m == Auto {
		m = Iterate
		if e.n <= FullMax {
			m = Full
		}
	}
	if m == Full {
		return e.fullSVD(x, sigma, o)
	}
	return e.iterate(x, sigma, o)
}

// fullSVD forms J (n reverse passes), keeps the rows in the mask and takes
// the SVD of the result.
func (e *Editor) fullSVD(x []float64, sigma float64, o SVDOptions) (*Triplets, error) {
	rows := o.Rows
	if rows == 0 {
		rows = min(e.n, 64)
	}
	c, err := e.jacobian(rows)
	if err != nil {
		return nil, err
	}
	js, err := c.At(mat.NewDense(1, e.n, append([]float64(nil), x...)), sigma)
	if err != nil {
		return nil, err
	}
	a := js[0]
	if o.Mask != nil {
		for i, v := range o.Mask {
			if v == 0 {
				for j := range e.n {
					a.Set(i, j, 0)
				}
			}
		}
	}
	q, s, v, err := jacobian.SVD(a)
	if err != nil {
		return nil, err
	}
	t := &Triplets{Values: s[:o.R], Q: mat.DenseCopyOf(q.Slice(0, e.n, 0, o.R)), V: mat.DenseCopyOf(v.Slice(0, e.n, 0, o.R)), Method: Full}
	var aq mat.Dense
	aq.Mul(a.T(), t.Q)
	t.Residual = residuals(&aq, t.V, t.Values)
	return t, nil
}

// jacobian returns the Editor's Jacobian computer for rows rows per pass
// (compiled once, kept for the next calls).
func (e *Editor) jacobian(rows int) (*jacobian.Computer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.jac[rows]; ok {
		return c, nil
	}
	c, err := jacobian.New(e.be, e.spec.D, jacobian.Options{Shape: e.spec.Shape, DType: e.spec.DType, Rows: rows, Store: e.spec.Store})
	if err != nil {
		return nil, err
	}
	if e.jac == nil {
		e.jac = map[int]*jacobian.Computer{}
	}
	e.jac[rows] = c
	return c, nil
}

// residuals returns ‖(Aᵀq_i) − ς_i v_i‖ for the columns of atq = AᵀQ.
func residuals(atq, v *mat.Dense, s []float64) []float64 {
	n, r := v.Dims()
	out := make([]float64, r)
	for i := range r {
		sum := 0.0
		for k := range n {
			d := atq.At(k, i) - s[i]*v.At(k, i)
			sum += d * d
		}
		out[i] = math.Sqrt(sum)
	}
	return out
}

// iterate is block subspace iteration on AᵀA with a Rayleigh–Ritz step on
// A (Golub and Van Loan, §8.2.4 and §10.1): from an orthonormal block V
// (n×p), U = AV and Z = AᵀU = AᵀAV (one call of the operator); the SVD
// U = Q̂ diag(ς̂) Yᵀ gives the Ritz triplets (ς̂_i, q̂_i, V y_i), exact in
// A v = ς q, with Aᵀq̂_i = Z y_i/ς̂_i, hence the residual; the next block is
// an orthonormal basis of Z Y. The error in the i-th direction shrinks by
// (ς_{p+1}/ς_i)² per step.
func (e *Editor) iterate(x []float64, sigma float64, o SVDOptions) (*Triplets, error) {
	n := e.n
	over := o.Oversample
	if over == 0 {
		over = DefaultOversample
	}
	p := min(n, o.R+max(over, 0))
	mask := o.Mask
	if mask == nil {
		mask = ones(n)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x6564697473766421))
	g := mat.NewDense(n, p, nil)
	for i := range g.RawMatrix().Data {
		g.RawMatrix().Data[i] = rng.NormFloat64()
	}
	v := orthonormal(g)
	var best *Triplets
	for it := 1; it <= o.MaxIter; it++ {
		u, z, err := e.op.apply(x, sigma, mask, v)
		if err != nil {
			return nil, err
		}
		var svd mat.SVD
		if !svd.Factorize(u, mat.SVDThin) {
			return nil, fmt.Errorf("edit: the SVD of the block A·V did not converge")
		}
		var qh, y mat.Dense
		svd.UTo(&qh)
		svd.VTo(&y)
		s := svd.Values(nil)
		var vy, zy mat.Dense
		vy.Mul(v, &y)
		zy.Mul(z, &y)
		t := &Triplets{Values: s[:o.R], Q: mat.DenseCopyOf(qh.Slice(0, n, 0, o.R)), V: mat.DenseCopyOf(vy.Slice(0, n, 0, o.R)),
			Iterations: it, Method: Iterate}
		atq := mat.NewDense(n, o.R, nil) // Aᵀq̂_i = Z y_i/ς̂_i
		for i := range o.R {
			if s[i] > 0 {
				for k := range n {
					atq.Set(k, i, zy.At(k, i)/s[i])
				}
			}
		}
		t.Residual = residuals(atq, t.V, t.Values)
		worst := 0.0
		for _, r := range t.Residual {
			worst = max(worst, r)
		}
		best = t
		if worst <= o.Tol*s[0] || s[0] == 0 {
			return t, nil
		}
		v = orthonormal(&zy)
	}
	return best, fmt.Errorf("edit: subspace iteration did not reach tol = %g in %d steps (largest residual %.3g·ς_1): raise MaxIter or Oversample",
		o.Tol, o.MaxIter, maxOf(best.Residual)/best.Values[0])
}

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func ones(n int) []float64 {
	m := make([]float64, n)
	for i := range m {
		m[i] = 1
	}
	return m
}

// orthonormal returns an orthonormal basis of the columns of a (n×p,
// n ≥ p) by modified Gram–Schmidt, twice ("twice is enough"); a column that
// vanishes against the previous ones (A of rank < p) is replaced by the
// first coordinate vector it is not parallel to, so the block keeps p
// orthonormal columns.
func orthonormal(a *mat.Dense) *mat.Dense {
	n, p := a.Dims()
	q := mat.DenseCopyOf(a)
	col := make([]float64, n)
	for j := range p {
		mat.Col(col, j, q)
		scale := mat.Norm(mat.NewVecDense(n, col), 2)
		for try := 0; ; try++ {
			for range 2 {
				for k := range j {
					d := 0.0
					for i := range n {
						d += q.At(i, k) * col[i]
					}
					for i := range n {
						col[i] -= d * q.At(i, k)
					}
				}
			}
			norm := mat.Norm(mat.NewVecDense(n, col), 2)
			if norm > 1e-10*max(scale, 1e-300) && norm > 0 {
				for i := range n {
					col[i] /= norm
				}
				break
			}
			for i := range col { // rank deficient: try e_try
				col[i] = 0
			}
			col[(j+try)%n] = 1
			scale = 1
		}
		q.SetCol(j, col)
	}
	return q
}
