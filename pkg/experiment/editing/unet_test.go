package editing

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/molrg/molrg/pkg/edit"
	"gonum.org/v1/gonum/mat"
)

// A U-Net trained on MoLRG samples (the 0.7 M-parameter network, 2000
// steps on N_k = 200 per component, d = 6) is checked against the true
// subspaces at t = 0.2·t_max (σ_t = 0.585), where Lemma 2 says the
// posterior mean's leading directions span x_t's subspace U_k:
//   - the 6 leading v_i lie mostly in U_k (mean ‖U_kᵀv_i‖² > 0.7; a random
//     direction has 6/48 = 0.125), the principal angles between
//     span(v_1…v_6) and U_k are below 45°;
//   - edits along v_2 … v_6 with |ξ| ≤ 1 end near U_k (sin∠ < 0.2) and move
//     the image more than a random direction of the same strength;
//   - the first-order error ε_i(ξ) grows like ξ (tenfold from ξ = 0.01 to
//     0.1, within 4–25×).
//
// Slow: set MOLRG_SLOW_TESTS=1 (3–5 minutes on a busy 2-core CPU).
func TestUNetOnMoLRG(t *testing.T) {
	if os.Getenv("MOLRG_SLOW_TESTS") == "" {
		t.Skip("trains a U-Net on MoLRG samples (minutes on a CPU): set MOLRG_SLOW_TESTS=1")
	}
	c := DefaultConfig()
	c.Data, c.D, c.N, c.Held = MoLRG, 6, 400, 20
	c.Times, c.R, c.Xi = []float64{0.2}, 6, []float64{-1, 0, 1}
	c.Net = MoLRGConfig().Net
	c.Train.TotalSteps = 2000
	c.Dir = t.TempDir()
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	d, err := loadData(&c)
	if err != nil {
		t.Fatal(err)
	}
	e := res.Times[0]
	k := d.component(e.Clean)
	u := d.model.Bases[k]
	lead := mat.NewDense(len(e.Clean), c.D, nil)
	energy := 0.0
	for i := range c.D {
		lead.SetCol(i, e.Vectors[i])
		var p mat.VecDense
		p.MulVec(u.T(), mat.NewVecDense(len(e.Clean), e.Vectors[i]))
		energy += mat.Dot(&p, &p) / float64(c.D)
	}
	ang, err := edit.PrincipalAngles(lead, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("σ_t = %.3g: ς = %.3g; principal angles to U_k %.1f°; mean ‖U_kᵀv_i‖² = %.3f", e.Sigma, e.Values, deg(ang), energy)
	if energy < 0.7 {
		t.Errorf("mean ‖U_kᵀv_i‖² = %.3f over the %d leading directions, want > 0.7 (random: 0.125)", energy, c.D)
	}
	if a := deg(ang)[c.D-1]; a > 45 {
		t.Errorf("largest principal angle between span(v_1…v_6) and U_k = %.1f°, want < 45°", a)
	}
	rnd := len(e.Directions) - 1
	for i := 1; i < c.D; i++ {
		for j, x := range e.Xi {
			if x == 0 {
				continue
			}
			t.Logf("%s, ξ = %+g: sin∠(x̂, U_k) = %.3f, moved %.3g (random direction %.3g)", e.Directions[i], x, e.EditOff[i][j], e.Moved[i][j], e.Moved[rnd][j])
			if e.EditOff[i][j] > 0.2 {
				t.Errorf("%s, ξ = %v: the edited image is sin∠ = %.3f off U_k, want < 0.2", e.Directions[i], x, e.EditOff[i][j])
			}
			if e.Moved[i][j] <= e.Moved[rnd][j] {
				t.Errorf("%s, ξ = %v: moved the image %.3g, the random direction %.3g: want more", e.Directions[i], x, e.Moved[i][j], e.Moved[rnd][j])
			}
		}
	}
	j1, j2 := indexOf(e.LinXi, 0.01), indexOf(e.LinXi, 0.1) // 10⁻² and 10⁻¹ of the largest |ξ|
	if j1 < 0 || j2 < 0 {
		t.Fatalf("first-order errors at ξ = %v, want 0.01 and 0.1 among them", e.LinXi)
	}
	for i := range c.D {
		t.Logf("v%d: ε(ξ) = %.2g at ξ = %v", i+1, e.Linearity[i], e.LinXi)
		if r := e.Linearity[i][j2] / e.Linearity[i][j1]; r < 4 || r > 25 {
			t.Errorf("v%d: ε(0.1)/ε(0.01) = %.3g, want ≈ 10 (first order)", i+1, r)
		}
	}
}

func indexOf(xs []float64, x float64) int {
	for i, v := range xs {
		if math.Abs(v-x) < 1e-12 {
			return i
		}
	}
	return -1
}

func deg(a []float64) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = v * 180 / math.Pi
	}
	return out
}
