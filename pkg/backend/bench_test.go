package backend

import (
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// backends returns the XLA CPU backend (when installed) and the pure-Go one,
// so that one `go test -bench` run gives their ratio.
func backends(b *testing.B) map[string]compute.Backend {
	out := map[string]compute.Backend{}
	if path := findPlugin(cpu); path != "" {
		xb, _, err := xlaBackend(path, cpu)
		if err != nil {
			b.Fatal(err)
		}
		out["xla-cpu"] = xb
	}
	gb, _, err := goBackend("", "")
	if err != nil {
		b.Fatal(err)
	}
	out["go"] = gb
	return out
}

func filled(n int, dims ...int) *tensors.Tensor {
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(i%13)*0.01 - 0.06
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// BenchmarkMatMul1024: a 1024×1024 float32 matmul (2.1 GFLOP).
func BenchmarkMatMul1024(b *testing.B) {
	const n = 1024
	for name, be := range backends(b) {
		b.Run(name, func(b *testing.B) {
			x := filled(n*n, n, n) // a tensor lives on one backend: one per run
			e := MustNewExec(be, func(x *Node) *Node { return ReduceAllSum(MatMul(x, x)) })
			e.MustCall1(x) // compile
			b.ResetTimer()
			for b.Loop() {
				e.MustCall1(x)
			}
			b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConv3x3: a 3×3 convolution forward and backward (gradients with
// respect to input and kernel), batch 16, 16×16 images, 32 → 32 channels.
func BenchmarkConv3x3(b *testing.B) {
	const batch, hw, c = 16, 16, 32
	for name, be := range backends(b) {
		b.Run(name, func(b *testing.B) {
			x := filled(batch*hw*hw*c, batch, hw, hw, c)
			k := filled(3*3*c*c, 3, 3, c, c)
			e := MustNewExec(be, func(x, k *Node) []*Node {
				y := Convolve(x, k).PadSame().Done()
				return Gradient(ReduceAllSum(Square(y)), x, k)
			})
			e.MustCall(x, k)
			b.ResetTimer()
			for b.Loop() {
				e.MustCall(x, k)
			}
			flop := 3 * 2 * float64(batch*hw*hw*c*c*9) // forward + two backward convolutions
			b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
