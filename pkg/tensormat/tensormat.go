// Package tensormat converts between gonum matrices (the host side of the
// project: data one sample per row, bases with orthonormal columns) and
// GoMLX tensors (what graphs take and return). Every conversion copies, and
// every one honours the stride of a matrix that is a view (a Slice of a
// larger matrix), whose rows are not contiguous in memory.
package tensormat

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// Flat returns the entries of m in row-major order.
func Flat(m mat.Matrix) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	if d, ok := m.(mat.RawMatrixer); ok {
		raw := d.RawMatrix()
		for i := range r {
			out = append(out, raw.Data[i*raw.Stride:i*raw.Stride+c]...)
		}
		return out
	}
	for i := range r {
		for j := range c {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

// FromMatrix returns m as a tensor of the given float dtype (0: Float64)
// with dimensions dims, whose product must be rows·cols (none: [rows, cols]).
func FromMatrix(m mat.Matrix, dt dtypes.DType, dims ...int) (*tensors.Tensor, error) {
	r, c := m.Dims()
	if len(dims) == 0 {
		dims = []int{r, c}
	}
	return FromFlat(Flat(m), dt, dims...)
}

// FromMatrices stacks equal-shaped matrices into a [len(ms), rows, cols]
// tensor of the given float dtype (0: Float64).
func FromMatrices(ms []*mat.Dense, dt dtypes.DType) (*tensors.Tensor, error) {
	if len(ms) == 0 {
		return nil, fmt.Errorf("tensormat: no matrices to stack")
	}
	r, c := ms[0].Dims()
	flat := make([]float64, 0, len(ms)*r*c)
	for i, m := range ms {
		if mr, mc := m.Dims(); mr != r || mc != c {
			return nil, fmt.Errorf("tensormat: matrix %d is %d×%d, matrix 0 is %d×%d: want equal shapes", i, mr, mc, r, c)
		}
		flat = append(flat, Flat(m)...)
	}
	return FromFlat(flat, dt, len(ms), r, c)
}

// FromFlat returns values as a tensor of the given float dtype (0: Float64)
// and dimensions.
func FromFlat(values []float64, dt dtypes.DType, dims ...int) (*tensors.Tensor, error) {
	size := 1
	for _, d := range dims {
		if d < 0 {
			return nil, fmt.Errorf("tensormat: dimensions %v, want every dimension ≥ 0", dims)
		}
		size *= d
	}
	if size != len(values) {
		return nil, fmt.Errorf("tensormat: %d values for dimensions %v (%d entries)", len(values), dims, size)
	}
	switch dt {
	case dtypes.Float64, dtypes.InvalidDType:
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), values...), dims...), nil
	case dtypes.Float32:
		f := make([]float32, len(values))
		for i, v := range values {
			f[i] = float32(v)
		}
		return tensors.FromFlatDataAndDimensions(f, dims...), nil
	}
	return nil, fmt.Errorf("tensormat: dtype %s, want Float32 or Float64", dt)
}

// Floats returns the values of a Float32 or Float64 tensor as float64, in
// row-major order.
func Floats(t *tensors.Tensor) ([]float64, error) {
	switch t.DType() {
	case dtypes.Float64:
		return tensors.CopyFlatData[float64](t)
	case dtypes.Float32:
		f, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("tensormat: tensor of dtype %s, want Float32 or Float64", t.DType())
}

// ToDense returns a float tensor as a rows×cols matrix (its size must be
// rows·cols; e.g. a [B, S, S, C] batch of images as B×(S·S·C)).
func ToDense(t *tensors.Tensor, rows, cols int) (*mat.Dense, error) {
	v, err := Floats(t)
	if err != nil {
		return nil, err
	}
	if rows < 1 || cols < 1 || len(v) != rows*cols {
		return nil, fmt.Errorf("tensormat: tensor %s has %d values, want a %d×%d matrix", t.Shape(), len(v), rows, cols)
	}
	return mat.NewDense(rows, cols, v), nil
}
