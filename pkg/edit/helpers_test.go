package edit

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
	"gonum.org/v1/gonum/mat"
)

// truthEditor is an Editor for the true posterior mean (eq. 8) of the
// 4×4×3 MoLRG of the U-Net experiments (K = 2, n = 48, subspace dimension d).
func truthEditor(t *testing.T, d int) (*Editor, *molrg.Model) {
	t.Helper()
	m, err := experiment.MoLRG(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(backend.Must(), experiment.TrueDenoiser(m), experiment.Dim)
	if err != nil {
		t.Fatal(err)
	}
	return e, m
}

// componentSample is a sample of component k of m.
func componentSample(t *testing.T, m *molrg.Model, k int, seed uint64) []float64 {
	t.Helper()
	counts := make([]int, m.K())
	for i := range counts {
		counts[i] = 1
	}
	s, err := m.SampleCounts(counts, seed) // one per component, in order
	if err != nil {
		t.Fatal(err)
	}
	return s.X.RawRowView(k)
}

// levelAt is the edit level of t·t_max on the 18-step grid.
func levelAt(t *testing.T, frac float64) (float64, int) {
	t.Helper()
	s, i, err := TimeSigma(frac, sampler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return s, i
}

// offSubspace is ‖(I − UUᵀ)x‖/‖x‖.
func offSubspace(u *mat.Dense, x []float64) float64 {
	xv := mat.NewVecDense(len(x), x)
	var c, p mat.VecDense
	c.MulVec(u.T(), xv)
	p.MulVec(u, &c)
	p.SubVec(xv, &p)
	return mat.Norm(&p, 2) / mat.Norm(xv, 2)
}

func maxAbs(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func deg(rad float64) float64 { return rad * 180 / math.Pi }
