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

// groupNormRef is a plain float64 GroupNorm on x [B,H,W,C] (channels-last):
// group g holds channels g·C/G … (g+1)·C/G − 1; biased variance.
func groupNormRef(x []float64, b, h, w, c, groups int, gamma, beta []float64, eps float64) []float64 {
	y := make([]float64, len(x))
	cg := c / groups
	for n := range b {
		for g := range groups {
			var sum, sum2 float64
			cnt := 0
			for p := range h * w {
				for j := range cg {
					sum += x[(n*h*w+p)*c+g*cg+j]
					cnt++
				}
			}
			mean := sum / float64(cnt)
			for p := range h * w {
				for j := range cg {
					d := x[(n*h*w+p)*c+g*cg+j] - mean
					sum2 += d * d
				}
			}
			inv := 1 / math.Sqrt(sum2/float64(cnt)+eps)
			for p := range h * w {
				for j := range cg {
					i := (n*h*w+p)*c + g*cg + j
					y[i] = (x[i]-mean)*inv*gamma[g*cg+j] + beta[g*cg+j]
				}
			}
		}
	}
	return y
}

func TestGroupCount(t *testing.T) {
	// EDM GroupNorm: num_groups = min(32, C // 4).
	for _, c := range []struct{ ch, want int }{{4, 1}, {8, 2}, {12, 3}, {64, 16}, {128, 32}, {256, 32}, {384, 32}} {
		if g := GroupCount(c.ch); g != c.want {
			t.Errorf("GroupCount(%d) = %d, want %d", c.ch, g, c.want)
		}
	}
}

func TestGroupNormMatchesReference(t *testing.T) {
	be := backend.Must()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct{ b, h, w, ch int }{{2, 3, 4, 12}, {1, 4, 4, 64}, {2, 2, 2, 256}, {3, 1, 1, 8}} {
		t.Run(fmt.Sprintf("%dx%dx%dx%d", c.b, c.h, c.w, c.ch), func(t *testing.T) {
			x := randTensor64(rng, c.b, c.h, c.w, c.ch)
			// Shift and scale the input so the mean/variance matter.
			xs := tensors.MustCopyFlatData[float64](x)
			for i := range xs {
				xs[i] = 3 + 2*xs[i]
			}
			x = tensors.FromFlatDataAndDimensions(xs, c.b, c.h, c.w, c.ch)
			gamma := tensors.MustCopyFlatData[float64](randTensor64(rng, c.ch))
			beta := tensors.MustCopyFlatData[float64](randTensor64(rng, c.ch))
			groups := GroupCount(c.ch)
			got := MustExecOnce(be, func(x, g, b *Node) *Node {
				return GroupNormGraph(x, g, b, groups, GroupNormEps)
			}, x, gamma, beta)
			want := groupNormRef(xs, c.b, c.h, c.w, c.ch, groups, gamma, beta, GroupNormEps)
			if d := maxAbsDiff(tensors.MustCopyFlatData[float64](got), want); d > 1e-9 {
				t.Errorf("max |Δ| = %g > 1e-9", d)
			}
		})
	}
}
