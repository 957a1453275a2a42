package molrg_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// planeAndLine is a plane and an orthogonal line in ℝ⁵ with the section
// spanned by the line and one direction of the plane.
func planeAndLine(t *testing.T) (*molrg.Model, molrg.Section) {
	t.Helper()
	m, err := molrg.New(molrg.Params{N: 5, Dims: []int{2, 1}, Orthogonal: true}, 7)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := molrg.NewSection(mat.Col(nil, 0, m.Bases[0]), mat.Col(nil, 0, m.Bases[1]))
	if err != nil {
		t.Fatal(err)
	}
	return m, sec
}

func TestSectionGridCoordsRoundTrip(t *testing.T) {
	_, sec := planeAndLine(t)
	x, a, b, err := sec.Grid(2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := x.Dims(); r != 25 || a[0] != -2 || a[4] != 2 || b[0] != -2 || b[24] != 2 || a[1] != -1 || b[1] != -2 {
		t.Fatalf("grid: %d points, a = %v…, b = %v…", r, a[:5], b[:5])
	}
	ga, gb, off, err := sec.Coords(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if math.Abs(ga[i]-a[i]) > 1e-14 || math.Abs(gb[i]-b[i]) > 1e-14 || off[i] > 1e-14 {
			t.Errorf("point %d: coords (%v, %v) off %v, want (%v, %v) on the section", i, ga[i], gb[i], off[i], a[i], b[i])
		}
	}
	// A point off the section: e₁ + its distance.
	p := mat.NewDense(1, 5, []float64{1, 0, 0, 0, 0})
	pa, pb, poff, _ := sec.Coords(p)
	if want := math.Sqrt(1 - pa[0]*pa[0] - pb[0]*pb[0]); math.Abs(poff[0]-want) > 1e-14 {
		t.Errorf("distance of e₁ from the section = %v, want √(1 − a² − b²) = %v", poff[0], want)
	}
}

func TestSectionArc(t *testing.T) {
	_, sec := planeAndLine(t)
	x, theta, err := sec.Arc(1.5, 7)
	if err != nil {
		t.Fatal(err)
	}
	a, b, _, _ := sec.Coords(x)
	for i := range theta {
		if math.Abs(math.Hypot(a[i], b[i])-1.5) > 1e-14 || math.Abs(math.Atan2(b[i], a[i])-theta[i]) > 1e-14 {
			t.Errorf("arc point %d: (%v, %v), want radius 1.5 at angle %v", i, a[i], b[i], theta[i])
		}
	}
	if theta[0] != 0 || theta[6] != math.Pi/2 {
		t.Errorf("arc angles run from %v to %v, want 0 to π/2", theta[0], theta[6])
	}
}

// With directions taken inside mutually orthogonal subspaces, the posterior
// mean maps the section into itself (every U_kU_kᵀ does).
func TestPosteriorMeanStaysInSection(t *testing.T) {
	m, sec := planeAndLine(t)
	x, _, _, _ := sec.Grid(3, 6)
	for _, sigma := range []float64{0.05, 0.5, 5} {
		pm, err := m.PosteriorMean(x, 1, sigma)
		if err != nil {
			t.Fatal(err)
		}
		_, _, off, _ := sec.Coords(pm)
		for i, o := range off {
			if o > 1e-12 {
				t.Fatalf("σ = %v, point %d: posterior mean is %v off the section", sigma, i, o)
			}
		}
	}
}

func TestSectionBadInputs(t *testing.T) {
	if _, err := molrg.NewSection([]float64{1, 0}, []float64{1, 0}); err == nil || !strings.Contains(err.Error(), "orthonormal") {
		t.Errorf("parallel directions: err = %v", err)
	}
	if _, err := molrg.NewSection([]float64{1, 0}, []float64{0, 1, 0}); err == nil || !strings.Contains(err.Error(), "equal lengths") {
		t.Errorf("different lengths: err = %v", err)
	}
	_, sec := planeAndLine(t)
	if _, _, _, err := sec.Grid(0, 3); err == nil || !strings.Contains(err.Error(), "r = 0") {
		t.Errorf("r = 0: err = %v", err)
	}
	if _, _, _, err := sec.Grid(1, 1); err == nil || !strings.Contains(err.Error(), "g ≥ 2") {
		t.Errorf("g = 1: err = %v", err)
	}
	if _, _, err := sec.Arc(1, 1); err == nil || !strings.Contains(err.Error(), "m ≥ 2") {
		t.Errorf("m = 1: err = %v", err)
	}
	if _, _, _, err := sec.Coords(mat.NewDense(1, 3, nil)); err == nil || !strings.Contains(err.Error(), "n = 5") {
		t.Errorf("wrong n: err = %v", err)
	}
}

// Denoiser is the posterior mean with s_t = 1, per-sample σ included.
func TestDenoiserIsPosteriorMean(t *testing.T) {
	m, err := molrg.New(molrg.Params{N: 6, Dims: []int{2, 3}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Sample(4, 9)
	if err != nil {
		t.Fatal(err)
	}
	sigmas := []float64{0.1, 0.4, 1, 3}
	x := tensors.FromFlatDataAndDimensions(append([]float64(nil), s.X.RawMatrix().Data...), 4, 6)
	out := graph.MustExecOnce(backend.Must(), m.Denoiser(), x, tensors.FromValue(sigmas))
	got := tensors.MustCopyFlatData[float64](out)
	for i, sigma := range sigmas {
		want, err := m.PosteriorMean(mat.NewDense(1, 6, s.X.RawRowView(i)), 1, sigma)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 6 {
			if d := math.Abs(got[i*6+j] - want.At(0, j)); d > 1e-12 {
				t.Errorf("row %d (σ = %v), coordinate %d: graph %v, host %v", i, sigma, j, got[i*6+j], want.At(0, j))
			}
		}
	}
}
