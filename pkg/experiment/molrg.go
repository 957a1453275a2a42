package experiment

import (
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/seed"
)

// The U-Net experiments on MoLRG data show the samples x ∈ ℝ⁴⁸ to the
// network as 4×4×3 images (channels-last, row-major), as the paper does.
const (
	ImageSize = 4
	Channels  = 3
	Dim       = ImageSize * ImageSize * Channels
	// NumComponents is K of the U-Net experiments.
	NumComponents = 2
)

// ImageShape is the per-sample shape [S, S, C] the U-Net sees.
var ImageShape = []int{ImageSize, ImageSize, Channels}

// MoLRG returns the MoLRG of subspace dimension d shared by the U-Net
// experiments of a run seed (so that Figure 3(b) can load a U-Net trained
// for Figure 5(a)): K = 2 orthogonal d-dimensional subspaces of ℝ⁴⁸ with
// equal weights, drawn from seed.Derive(s, "molrg-images", d).
func MoLRG(d int, s uint64) (*molrg.Model, error) {
	return molrg.New(molrg.Params{N: Dim, Dims: []int{d, d}, Orthogonal: true}, seed.Derive(s, "molrg-images", d))
}
