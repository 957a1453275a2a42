package unet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
)

// randTensor64 returns a float64 tensor of the given dimensions with N(0,1) entries.
func randTensor64(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func randTensor32(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// convNaive is an independent float64 reference: "same" padding, stride s.
func convNaive(x []float64, b, h, w, cin int, k []float64, kh, kw, cout, s int) []float64 {
	oh, ow := (h+s-1)/s, (w+s-1)/s
	ph, pw := (kh-1)/2, (kw-1)/2
	y := make([]float64, b*oh*ow*cout)
	for n := range b {
		for i := range oh {
			for j := range ow {
				for o := range cout {
					sum := 0.0
					for dy := range kh {
						for dx := range kw {
							r, c := s*i+dy-ph, s*j+dx-pw
							if r < 0 || r >= h || c < 0 || c >= w {
								continue
							}
							for ci := range cin {
								sum += x[((n*h+r)*w+c)*cin+ci] * k[((dy*kw+dx)*cin+ci)*cout+o]
							}
						}
					}
					y[((n*oh+i)*ow+j)*cout+o] = sum
				}
			}
		}
	}
	return y
}

// TestConvIm2colMatchesStock checks that both lowerings give the same values
// (and both match a naive loop) and the same gradients with respect to the
// input and the kernel, on random float64 data, to 1e-9.
func TestConvIm2colMatchesStock(t *testing.T) {
	be := backend.Must()
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct{ b, h, w, cin, cout, kh, kw, stride int }{
		{2, 5, 6, 3, 4, 3, 3, 1},
		{1, 4, 4, 2, 3, 1, 1, 1},
		{2, 6, 6, 3, 2, 3, 3, 2},
		{1, 7, 5, 2, 2, 5, 3, 1},
		{1, 4, 4, 2, 3, 1, 1, 2},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%dx%dx%d_k%dx%d_%d->%d_s%d", c.b, c.h, c.w, c.kh, c.kw, c.cin, c.cout, c.stride)
		t.Run(name, func(t *testing.T) {
			x := randTensor64(rng, c.b, c.h, c.w, c.cin)
			k := randTensor64(rng, c.kh, c.kw, c.cin, c.cout)
			oh, ow := (c.h+c.stride-1)/c.stride, (c.w+c.stride-1)/c.stride
			// A random cotangent makes the gradient check sensitive to every output.
			ct := randTensor64(rng, c.b, oh, ow, c.cout)
			results := map[ConvImpl][3][]float64{}
			for _, impl := range []ConvImpl{ConvStock, ConvIm2col} {
				e := MustNewExec(be, func(x, k, ct *Node) []*Node {
					y := Conv2D(x, k, c.stride, impl)
					loss := ReduceAllSum(Mul(y, ct))
					grads := Gradient(loss, x, k)
					return []*Node{y, grads[0], grads[1]}
				})
				out, err := e.Call(x, k, ct)
				if err != nil {
					t.Fatal(err)
				}
				results[impl] = [3][]float64{
					tensors.MustCopyFlatData[float64](out[0]),
					tensors.MustCopyFlatData[float64](out[1]),
					tensors.MustCopyFlatData[float64](out[2]),
				}
			}
			naive := convNaive(tensors.MustCopyFlatData[float64](x), c.b, c.h, c.w, c.cin,
				tensors.MustCopyFlatData[float64](k), c.kh, c.kw, c.cout, c.stride)
			if d := maxAbsDiff(naive, results[ConvStock][0]); d > 1e-9 {
				t.Errorf("stock vs naive: max |Δy| = %g", d)
			}
			for i, what := range []string{"y", "∂/∂x", "∂/∂k"} {
				a, b := results[ConvStock][i], results[ConvIm2col][i]
				if len(a) != len(b) {
					t.Fatalf("%s: sizes %d vs %d", what, len(a), len(b))
				}
				if d := maxAbsDiff(a, b); d > 1e-9 {
					t.Errorf("%s: stock vs im2col max |Δ| = %g > 1e-9", what, d)
				}
			}
		})
	}
}

// benchConv measures forward+backward of a 3×3, 32→32 conv on 16×16 images, batch 16.
func benchConv(b *testing.B, impl ConvImpl) {
	be := backend.Must()
	rng := rand.New(rand.NewPCG(3, 4))
	x := randTensor32(rng, 16, 16, 16, 32)
	k := randTensor32(rng, 3, 3, 32, 32)
	e := MustNewExec(be, func(x, k *Node) []*Node {
		y := Conv2D(x, k, 1, impl)
		loss := ReduceAllSum(Square(y))
		return Gradient(loss, x, k)
	})
	if _, err := e.Call(x, k); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		out := e.MustCall(x, k)
		for _, o := range out {
			o.MustFinalizeAll()
		}
	}
	// 3 products (forward, ∂x, ∂k), each 2·B·H·W·9·Cin·Cout flops.
	flops := 3 * 2.0 * 16 * 16 * 16 * 9 * 32 * 32
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkConvStock(b *testing.B)  { benchConv(b, ConvStock) }
func BenchmarkConvIm2col(b *testing.B) { benchConv(b, ConvIm2col) }
