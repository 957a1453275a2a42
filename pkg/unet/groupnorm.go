package unet

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// GroupNormEps is the ε of every GroupNorm of the DDPM++ network (EDM
// block_kwargs eps=1e-6).
const GroupNormEps = 1e-6

// GroupCount is EDM's group count for C channels:
// min(num_groups=32, C // min_channels_per_group=4).
func GroupCount(c int) int { return min(32, c/4) }

// GroupNormGraph normalizes x [B, H, W, C] (channels-last) with G groups of
// C/G consecutive channels (Wu & He 2018, as torch.nn.functional.group_norm):
//
//	x̂ = (x − μ_{b,g}) / √(σ²_{b,g} + ε),  y = γ_c·x̂ + β_c,
//
// μ and σ² (biased) taken over H, W and the C/G channels of group g.
// gamma and beta are [C]; either may be nil (γ = 1, β = 0).
func GroupNormGraph(x, gamma, beta *Node, groups int, eps float64) *Node {
	if x.Rank() != 4 {
		panic(fmt.Sprintf("unet.GroupNormGraph: want x [B,H,W,C], got %s", x.Shape()))
	}
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	if groups < 1 || c%groups != 0 {
		panic(fmt.Sprintf("unet.GroupNormGraph: %d channels not divisible into %d groups", c, groups))
	}
	xg := Reshape(x, b, h*w, groups, c/groups)
	mean := ReduceAndKeep(xg, ReduceMean, 1, 3)
	xc := Sub(xg, mean)
	variance := ReduceAndKeep(Square(xc), ReduceMean, 1, 3)
	y := Reshape(Mul(xc, Reciprocal(Sqrt(AddScalar(variance, eps)))), b, h, w, c)
	if gamma != nil {
		y = Mul(y, Reshape(gamma, 1, 1, 1, c))
	}
	if beta != nil {
		y = Add(y, Reshape(beta, 1, 1, 1, c))
	}
	return y
}

// groupNorm is the GroupNorm layer (EDM GroupNorm): trainable "weight" γ
// (initialised to 1) and "bias" β (initialised to 0), GroupCount(C) groups.
func (f *fwd) groupNorm(scope *model.Scope, x *Node) *Node {
	c := x.Shape().Dimensions[3]
	gamma := f.param(scope, "weight", []int{c}, initOnes())
	beta := f.param(scope, "bias", []int{c}, initZeros())
	return GroupNormGraph(x, gamma, beta, GroupCount(c), GroupNormEps)
}
