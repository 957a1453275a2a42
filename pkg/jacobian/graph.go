package jacobian

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

func (c *Computer) compile() {
	if c.opts.Store == nil {
		e, err := NewExec(c.backend, c.rowsGraph)
		if err != nil {
			c.execErr = err
			return
		}
		c.exec = e.SetMaxCache(-1)
		return
	}
	e, err := model.NewExec(c.backend, c.opts.Store, func(_ *model.Scope, x, sigma, r0 *Node) *Node {
		return c.rowsGraph(x, sigma, r0)
	})
	if err != nil {
		c.execErr = err
		return
	}
	c.exec = e.SetMaxCache(-1)
}

// rowsGraph returns rows r0 … r0+R−1 of the B Jacobians of the denoiser at the
// rows of x [B, n] (float64), as a float64 [B, R, n] node; R = rowsPerPass(n)
// is fixed at build time and r0 (an int32 scalar) is an input, so one
// compiled graph serves every pass. Rows past n come out zero.
//
// With x̄ = x tiled R times ([R, B, n]) and y = D(x̄;σ) ([R, B, n]), the
// gradient of L = Σ_r Σ_b y[r, b, r0+r] with respect to x̄ is
// ∂L/∂x̄[r, b, :] = ∂y_{r0+r}(x_b)/∂x_b: row r0+r of Jacobian b.
func (c *Computer) rowsGraph(x, sigma, r0 *Node) *Node {
	g := x.Graph()
	b, n := x.Shape().Dim(0), x.Shape().Dim(1)
	rows := c.rowsPerPass(n)
	dt := c.opts.DType
	xr := BroadcastToDims(InsertAxes(x, 0), rows, b, n) // x̄ [R, B, n]
	dims := append([]int{rows * b}, c.opts.Shape...)
	if len(c.opts.Shape) == 0 {
		dims = []int{rows * b, n}
	}
	xin := ConvertDType(Reshape(xr, dims...), dt)
	sig := BroadcastToDims(ConvertDType(sigma, dt), rows*b)
	y := c.f(xin, sig)
	if y.Shape().Size() != rows*b*n {
		panic(fmt.Errorf("jacobian: function returned shape %s for an input of shape %s, want %d values per sample", y.Shape(), xin.Shape(), n))
	}
	y64 := Reshape(ConvertDType(y, dtypes.Float64), rows, b, n)
	idx := Add(Iota(g, shapes.Make(dtypes.Int32, rows), 0), r0) // r0 + r
	mask := InsertAxes(OneHot(idx, n, dtypes.Float64), 1)       // [R, 1, n]: e_{r0+r}
	loss := ReduceAllSum(Mul(y64, mask))                        // Σ_r Σ_b y[r, b, r0+r]
	return TransposeAllDims(Gradient(loss, xr)[0], 1, 0, 2)     // [B, R, n]
}

// rowsPerPass is R, the number of Jacobian rows computed per pass.
func (c *Computer) rowsPerPass(n int) int {
	if c.opts.Rows == 0 || c.opts.Rows > n {
		return n
	}
	return c.opts.Rows
}
