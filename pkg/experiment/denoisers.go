package experiment

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/tensormat"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
)

// DenoiserSpec is a denoiser with what the sampler and the Jacobian need to
// run it.
type DenoiserSpec struct {
	Name  string
	D     sampler.Denoiser
	Shape []int        // per-sample shape (nil: [n])
	DType dtypes.DType // input dtype (0: Float64)
	Store *model.Store // variables (a U-Net), nil otherwise
}

// TrueDenoiser is the posterior mean E[x₀|x_t] of the MoLRG (eq. 8).
func TrueDenoiser(m *molrg.Model) DenoiserSpec {
	return DenoiserSpec{Name: "true posterior mean (eq. 8)", D: m.Denoiser(), DType: dtypes.Float64}
}

// SoftMaxDenoiser is the theoretical DAE of eq. (9) with the given bases U_k
// (n×d_k) and uniform π, in the EDM convention s_t = 1.
func SoftMaxDenoiser(name string, bases []*mat.Dense) (DenoiserSpec, error) {
	consts := make([]*tensors.Tensor, len(bases))
	for k, u := range bases {
		var err error
		if consts[k], err = tensormat.FromMatrix(u, dtypes.Float64); err != nil {
			return DenoiserSpec{}, err
		}
	}
	f := func(x, sigma *graph.Node) *graph.Node {
		g := x.Graph()
		bs := make([]*graph.Node, len(consts))
		for k, c := range consts {
			bs[k] = graph.ConvertDType(graph.ConstTensor(g, c), x.DType())
		}
		return dae.SoftMax(x, graph.ScalarOne(g, x.DType()), graph.ConvertDType(sigma, x.DType()), bs, nil)
	}
	return DenoiserSpec{Name: name, D: f, DType: dtypes.Float64}, nil
}

// UNetDenoiser is a U-Net's preconditioned denoiser (EMA weights).
func UNetDenoiser(name string, net *unet.Net) DenoiserSpec {
	c := net.Config()
	return DenoiserSpec{Name: name, D: net.DenoiseGraph, Shape: []int{c.ImageSize, c.ImageSize, c.Channels},
		DType: c.DType, Store: net.Store()}
}
