package sampler_test

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
	"gonum.org/v1/gonum/mat"
)

// gaussianDenoiser is the exact posterior mean of a single low-rank Gaussian
// N(0, UUᵀ) (eq. 11 with s = 1): D(x;σ) = UUᵀx/(1+σ²), written independently
// of the molrg package. x is [B, n], sigma [B] or scalar.
func gaussianDenoiser(u *mat.Dense) sampler.Denoiser {
	return func(x, sigma *graph.Node) *graph.Node {
		n, d := u.Dims()
		flat := make([]float64, 0, n*d)
		for i := range n {
			flat = append(flat, u.RawRowView(i)...)
		}
		uc := graph.ConvertDType(graph.ConstTensor(x.Graph(), tensors.FromFlatDataAndDimensions(flat, n, d)), x.DType())
		p := graph.MatMul(graph.MatMul(x, uc), graph.Transpose(uc, 0, 1))
		s2 := graph.OnePlus(graph.Square(sigma))
		if s2.Rank() == 1 {
			s2 = graph.InsertAxes(s2, -1)
		}
		return graph.Div(p, s2)
	}
}

// truthDenoiser is the ground-truth MoLRG posterior mean (eq. 8) with s = 1.
func truthDenoiser(m *molrg.Model) sampler.Denoiser {
	return func(x, sigma *graph.Node) *graph.Node {
		return m.PosteriorMeanGraph(x, graph.ScalarOne(x.Graph(), x.DType()), sigma)
	}
}

// distToSpan returns ‖x − UUᵀx‖ for a row x.
func distToSpan(u *mat.Dense, x []float64) float64 {
	n, d := u.Dims()
	c := make([]float64, d)
	for j := range d {
		for i := range n {
			c[j] += u.At(i, j) * x[i]
		}
	}
	s := 0.0
	for i := range n {
		p := 0.0
		for j := range d {
			p += u.At(i, j) * c[j]
		}
		s += (x[i] - p) * (x[i] - p)
	}
	return math.Sqrt(s)
}

func norm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func randomBasis(n, d int, seed uint64) *mat.Dense {
	return molrg.RandomOrthonormal(n, d, rand.New(rand.NewPCG(seed, 1)))
}
