package tensormat

import (
	"testing"

	"github.com/gomlx/compute/dtypes"
	"gonum.org/v1/gonum/mat"
)

// A view (Slice) of a larger matrix has a stride larger than its number of
// columns: reading RawMatrix().Data directly would take entries of the
// rows in between. Every conversion must give the view's own entries.
func TestStridedView(t *testing.T) {
	big := mat.NewDense(4, 5, nil)
	for i := range 4 {
		for j := range 5 {
			big.Set(i, j, float64(10*i+j))
		}
	}
	view := big.Slice(1, 3, 2, 5).(*mat.Dense) // rows 1..2, columns 2..4
	want := []float64{12, 13, 14, 22, 23, 24}
	for _, dt := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
		tt, err := FromMatrix(view, dt)
		if err != nil {
			t.Fatal(err)
		}
		if d := tt.Shape().Dimensions; len(d) != 2 || d[0] != 2 || d[1] != 3 || tt.DType() != dt {
			t.Fatalf("shape %s, want (%s)[2 3]", tt.Shape(), dt)
		}
		got, _ := Floats(tt)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: %v, want %v", dt, got, want)
			}
		}
		back, err := ToDense(tt, 2, 3)
		if err != nil || !mat.Equal(back, view) {
			t.Errorf("%s: round trip %v, %v", dt, back, err)
		}
	}
	// A transposed view goes through At.
	tt, _ := FromMatrix(view.T(), dtypes.Float64)
	got, _ := Floats(tt)
	if got[0] != 12 || got[1] != 22 || got[2] != 13 {
		t.Errorf("transpose: %v", got)
	}
	st, err := FromMatrices([]*mat.Dense{view, mat.DenseCopyOf(view)}, dtypes.Float32)
	if err != nil || st.Shape().Dimensions[0] != 2 {
		t.Fatalf("stack: %v %v", st, err)
	}
	if v, _ := Floats(st); v[6] != 12 || v[11] != 24 {
		t.Errorf("stack: %v", v)
	}
}

func TestErrors(t *testing.T) {
	m := mat.NewDense(2, 3, nil)
	if _, err := FromMatrix(m, dtypes.Float64, 4, 2); err == nil {
		t.Error("6 values as 4×2 accepted")
	}
	if _, err := FromMatrix(m, dtypes.Int32); err == nil {
		t.Error("Int32 accepted")
	}
	if _, err := FromMatrices([]*mat.Dense{m, mat.NewDense(3, 2, nil)}, 0); err == nil {
		t.Error("unequal shapes stacked")
	}
	tt, _ := FromMatrix(m, 0, 1, 6)
	if _, err := ToDense(tt, 3, 3); err == nil {
		t.Error("6 values read as 3×3")
	}
}
