package sampler_test

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/sampler"
)

// A denoiser reading its parameters from a model.Store (like a trained
// U-Net): D(x;σ) = xUUᵀ/(1+σ²) with U a variable; samples land on span(U).
func TestStoreDenoiser(t *testing.T) {
	const n, d = 6, 2
	u := randomBasis(n, d, 3)
	store := model.NewStore()
	v := store.RootScope().VariableWithValue("u", tensors.FromFlatDataAndDimensions(append([]float64(nil), u.RawMatrix().Data...), n, d))
	den := func(x, sigma *graph.Node) *graph.Node {
		uc := v.ValueGraph(x.Graph())
		p := graph.MatMul(graph.MatMul(x, uc), graph.Transpose(uc, 0, 1))
		return graph.Div(p, graph.InsertAxes(graph.OnePlus(graph.Square(sigma)), -1))
	}
	s, err := sampler.New(backend.Must(), den, sampler.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.EDMSeed(5, n, 1, sampler.DefaultConfig(), false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		x := res.X.RawRowView(i)
		if r := distToSpan(u, x) / norm(x); r > 1e-10 || math.IsNaN(r) {
			t.Errorf("sample %d: relative distance to span(U) %.3g", i, r)
		}
	}
}
