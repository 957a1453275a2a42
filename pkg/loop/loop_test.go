package loop

import (
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
)

// xla returns the project backend, skipping the test on the pure-Go one
// (compute v0.1.6 has no DynamicSlice; dae and unet use loops on XLA only).
func xla(t *testing.T) compute.Backend {
	be := backend.Must()
	if backend.IsGo(be) {
		t.Skip("loops run on XLA only")
	}
	return be
}

// TestRepeat runs s ← s + x[j]·c and y[j] ← j² for j = 0 … 4 in one While
// loop and compares with the sums done by hand: s = c·Σ_j x[j], y = (0, 1,
// 4, 9, 16); x and c travel unchanged in the state.
func TestRepeat(t *testing.T) {
	be := xla(t)
	x := []float32{1, 2, 3, 4, 5}
	exec := MustNewExec(be, func(xs, c *Node) []*Node {
		g := xs.Graph()
		s := Const(g, float32(0))
		y := Const(g, make([]float32, 5))
		out := Repeat(5, []*Node{s, y, xs, c}, func(g *Graph, j *Node, ps []*Node) []*Node {
			s, y, xs, c := ps[0], ps[1], ps[2], ps[3]
			jf := ConvertDType(j, xs.DType())
			return []*Node{Add(s, Mul(At(xs, j), c)), Set(y, j, Mul(jf, jf)), xs, c}
		})
		return out[:2]
	})
	res := exec.MustExec(x, float32(2))
	if got := tensors.ToScalar[float32](res[0]); got != 30 {
		t.Errorf("s = %g, want 2·(1+2+3+4+5) = 30", got)
	}
	want := []float32{0, 1, 4, 9, 16}
	got := tensors.MustCopyFlatData[float32](res[1])
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("y = %v, want %v", got, want)
			break
		}
	}
}

// TestAtSet checks At and Set on a [3, 2] matrix against indexing by hand.
func TestAtSet(t *testing.T) {
	be := xla(t)
	exec := MustNewExec(be, func(m *Node) []*Node {
		j := Const(m.Graph(), int32(1))
		return []*Node{At(m, j), Set(m, j, Const(m.Graph(), []float32{7, 8}))}
	})
	res := exec.MustExec([][]float32{{1, 2}, {3, 4}, {5, 6}})
	row := tensors.MustCopyFlatData[float32](res[0])
	if len(row) != 2 || row[0] != 3 || row[1] != 4 {
		t.Errorf("At(m, 1) = %v, want [3 4]", row)
	}
	set := tensors.MustCopyFlatData[float32](res[1])
	want := []float32{1, 2, 7, 8, 5, 6}
	for i := range want {
		if set[i] != want[i] {
			t.Errorf("Set(m, 1, [7 8]) = %v, want %v", set, want)
			break
		}
	}
}
