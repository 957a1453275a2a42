package edit

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Lemma 2 at high SNR: near component k the weights of eq. (8) are one-hot
// and J ≈ U_kU_kᵀ/(1+σ²), so the d leading right singular vectors span
// x_t's component and ς_1…ς_d ≈ 1/(1+σ²) while ς_{d+1} ≈ 0. Checked against
// the true bases, at the level of t = 0.2·t_max (σ = 0.585), for x_t the
// DDIM inversion of a sample of each component.
func TestLeadingDirectionsSpanTheComponent(t *testing.T) {
	const d = 6
	e, m := truthEditor(t, d)
	sigma, _ := levelAt(t, 0.2)
	for k := range 2 {
		l, err := e.Invert(componentSample(t, m, k, 7), sigma, 40)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := e.TopSVD(l.X, sigma, SVDOptions{R: d + 1, Method: Full})
		if err != nil {
			t.Fatal(err)
		}
		lead := mat.DenseCopyOf(tr.V.Slice(0, e.N(), 0, d))
		ang, err := PrincipalAngles(lead, m.Bases[k])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("component %d, σ = %.4g: ς = %.4g, 1/(1+σ²) = %.4g; largest principal angle %.3g°", k, sigma, tr.Values, 1/(1+sigma*sigma), deg(ang[d-1]))
		if deg(ang[d-1]) > 1 {
			t.Errorf("component %d: principal angles %v°, want < 1° between v_1…v_d and U_k", k, ang)
		}
		if tr.Values[d] > 0.05*tr.Values[d-1] {
			t.Errorf("component %d: ς_{d+1}/ς_d = %.3g, want < 0.05 (rank d)", k, tr.Values[d]/tr.Values[d-1])
		}
	}
}

// At the paper's edit time t = 0.7·t_max (σ = 12.9, low SNR) the weights of
// eq. (8) are ≈ π_k and J ≈ Σ_k π_kU_kU_kᵀ/(1+σ²): the 2d leading right
// singular vectors span the union of both subspaces, not x_t's component.
func TestPaperTimeDirectionsSpanTheUnion(t *testing.T) {
	const d = 6
	e, m := truthEditor(t, d)
	sigma, _ := levelAt(t, PaperTime)
	l, err := e.Invert(componentSample(t, m, 0, 7), sigma, 40)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := e.TopSVD(l.X, sigma, SVDOptions{R: 2*d + 1, Method: Full})
	if err != nil {
		t.Fatal(err)
	}
	union := mat.NewDense(e.N(), 2*d, nil)
	union.Slice(0, e.N(), 0, d).(*mat.Dense).Copy(m.Bases[0])
	union.Slice(0, e.N(), d, 2*d).(*mat.Dense).Copy(m.Bases[1])
	ang, err := PrincipalAngles(mat.DenseCopyOf(tr.V.Slice(0, e.N(), 0, 2*d)), union)
	if err != nil {
		t.Fatal(err)
	}
	own, _ := PrincipalAngles(mat.DenseCopyOf(tr.V.Slice(0, e.N(), 0, d)), m.Bases[0])
	t.Logf("σ = %.4g: ς = %.4g; largest angle to U_1⊕U_2 %.3g°, of v_1…v_d to U_1 %.3g°", sigma, tr.Values, deg(ang[2*d-1]), deg(own[d-1]))
	if deg(ang[2*d-1]) > 1 {
		t.Errorf("principal angles to the union %v°, want < 1°", ang)
	}
	if tr.Values[2*d] > 1e-3*tr.Values[0] {
		t.Errorf("ς_{2d+1}/ς_1 = %.3g, want ≈ 0 (rank 2d, Lemma 2)", tr.Values[2*d]/tr.Values[0])
	}
}

// An edit along v_i stays on x_t's subspace: continued to t = 0, x_t + ξv_i
// lands in span U_k, moved away from the unedited image within span U_k;
// a random unit direction of the same strength moves it much less (its
// component in the d-dimensional subspace is ~√(d/n) of it).
func TestEditStaysOnTheSubspace(t *testing.T) {
	const d = 6
	e, m := truthEditor(t, d)
	sigma, _ := levelAt(t, 0.2)
	l, err := e.Invert(componentSample(t, m, 1, 9), sigma, 40)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := e.TopSVD(l.X, sigma, SVDOptions{R: d, Method: Full})
	if err != nil {
		t.Fatal(err)
	}
	dirs := mat.NewDense(e.N(), 2, nil)
	dirs.SetCol(0, mat.Col(nil, 0, tr.V))
	dirs.SetCol(1, RandomDirection(e.N(), 3))
	xi := []float64{-1, -0.5, 0, 0.5, 1}
	g, err := e.Grid(l, dirs, xi)
	if err != nil {
		t.Fatal(err)
	}
	if off := offSubspace(m.Bases[1], l.Clean); off > 1e-6 {
		t.Errorf("the unedited image is %.3g off its subspace", off)
	}
	for j, s := range xi {
		img := g[0][j]
		delta := make([]float64, len(img))
		for c := range img {
			delta[c] = img[c] - l.Clean[c]
		}
		off := offSubspace(m.Bases[1], img)
		moved := mat.Norm(mat.NewVecDense(len(delta), delta), 2)
		var rmoved float64
		for c := range img {
			rmoved += (g[1][j][c] - l.Clean[c]) * (g[1][j][c] - l.Clean[c])
		}
		rmoved = math.Sqrt(rmoved)
		t.Logf("ξ = %+.2g: ‖(I−U_kU_kᵀ)x̂‖/‖x̂‖ = %.2g, ‖x̂ − x̂(0)‖ = %.4g along v_1, %.4g along a random direction", s, off, moved, rmoved)
		if off > 1e-6 {
			t.Errorf("ξ = %v: the edited image is %.3g off the subspace, want < 1e-6", s, off)
		}
		if s != 0 {
			if dOff := offSubspace(m.Bases[1], delta); dOff > 1e-6 {
				t.Errorf("ξ = %v: the change is %.3g off the subspace", s, dOff)
			}
			if moved < 3*rmoved {
				t.Errorf("ξ = %v: v_1 moved the image %.3g, a random direction %.3g: want ≥ 3×", s, moved, rmoved)
			}
		}
	}
}

// First order: x_θ(x_t + ξv_i) ≈ x_θ(x_t) + ξς_iq_i, with an error
// ε_i(ξ) = O(ξ): it falls tenfold when ξ does, down to rounding.
func TestFirstOrderAlongSingularVectors(t *testing.T) {
	const d = 6
	e, m := truthEditor(t, d)
	for _, frac := range []float64{0.2, PaperTime} {
		sigma, _ := levelAt(t, frac)
		l, err := e.Invert(componentSample(t, m, 0, 11), sigma, 40)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := e.TopSVD(l.X, sigma, SVDOptions{R: 3, Method: Full})
		if err != nil {
			t.Fatal(err)
		}
		xi := []float64{1e-3, 1e-2, 1e-1, 1}
		eps, err := e.Linearity(l, tr, nil, xi)
		if err != nil {
			t.Fatal(err)
		}
		for i := range eps {
			t.Logf("t = %.1f·t_max (σ = %.3g), i = %d: ε(ξ) = %.2g at ξ = %v", frac, sigma, i+1, eps[i], xi)
			if eps[i][0] > 1e-3 {
				t.Errorf("σ = %v, i = %d: ε(10⁻³) = %.3g, want < 1e-3", sigma, i+1, eps[i][0])
			}
			for j := 1; j < 3; j++ {
				if r := eps[i][j] / eps[i][j-1]; r < 5 || r > 15 {
					t.Errorf("σ = %v, i = %d: ε(%g)/ε(%g) = %.3g, want ≈ 10 (an error of order ξ)", sigma, i+1, xi[j], xi[j-1], r)
				}
			}
		}
	}
}
