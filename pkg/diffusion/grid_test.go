package diffusion

import (
	"math"
	"strings"
	"testing"
)

func TestEDMSigmas(t *testing.T) {
	const n = 18
	sig, err := EDMSigmas(0.002, 80, n, EDMRho, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != n+1 || sig[0] != 80 || sig[n-1] != 0.002 || sig[n] != 0 {
		t.Fatalf("EDM σ grid %v: want %d levels from σ_max = 80 to σ_min = 0.002, then 0", sig, n+1)
	}
	for i := 1; i < len(sig); i++ {
		if !(sig[i] < sig[i-1]) {
			t.Fatalf("EDM σ grid not decreasing at %d: %v", i, sig)
		}
	}
	// σ_i^{1/ρ} is affine in i.
	for i := 1; i < n-1; i++ {
		a, b, c := math.Pow(sig[i-1], 1.0/7), math.Pow(sig[i], 1.0/7), math.Pow(sig[i+1], 1.0/7)
		if math.Abs((a-b)-(b-c)) > 1e-12 {
			t.Errorf("σ^{1/ρ} not equally spaced at %d", i)
		}
	}
	// ρ = 1 is uniform in σ; three levels give the midpoint.
	lin, _ := EDMSigmas(1, 3, 3, 1, false)
	if len(lin) != 3 || math.Abs(lin[1]-2) > 1e-15 {
		t.Errorf("ρ = 1, N = 3 on [1, 3]: %v, want [3 2 1]", lin)
	}
	// ρ = 2, N = 3 on [1, 9]: ((3 + 1)/2)² = 4.
	sq, _ := EDMSigmas(1, 9, 3, 2, false)
	if math.Abs(sq[1]-4) > 1e-14 {
		t.Errorf("ρ = 2, N = 3 on [1, 9]: %v, want [9 4 1]", sq)
	}
}

func TestTimes(t *testing.T) {
	vp := DefaultVP()
	ts, err := EDMTimes(vp, 10, EDMRho, true)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := EDMSigmas(vp.Sigma(vp.TMin()), vp.Sigma(vp.TMax()), 10, EDMRho, true)
	if ts[0] != vp.TMax() || ts[9] != vp.TMin() || ts[10] != 0 {
		t.Errorf("VP EDM times %v: want from t_max to t_min, then 0", ts)
	}
	for i := range ts {
		if math.Abs(vp.Sigma(ts[i])-sig[i]) > 1e-9*(1+sig[i]) {
			t.Errorf("σ(t_%d) = %g, want EDM level %g", i, vp.Sigma(ts[i]), sig[i])
		}
	}
	u, err := UniformTimes(vp, 5, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 0.75 + 0.25e-5, 0.5 + 0.5e-5, 0.25 + 0.75e-5, 1e-5}
	for i := range want {
		if math.Abs(u[i]-want[i]) > 1e-15 {
			t.Errorf("uniform VP times %v, want %v", u, want)
			break
		}
	}
	e, _ := EDMTimes(DefaultEDM(), 4, EDMRho, false)
	es, _ := EDMSigmas(0.002, 80, 4, EDMRho, false)
	for i := range e {
		if math.Abs(e[i]-es[i]) > 1e-12*es[i] {
			t.Errorf("EDM schedule: t_%d = %g, want σ_%d = %g", i, e[i], i, es[i])
		}
	}
}

func TestGridValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"steps = 0", second(EDMSigmas(0.002, 80, 0, 7, false)), "N = 0"},
		{"uniform steps = 1", second(UniformTimes(DefaultEDM(), 1, false)), "N = 1"},
		{"EDM times steps = 1", second(EDMTimes(DefaultEDM(), 1, 7, false)), "N = 1"},
		{"ρ = 0", second(EDMSigmas(0.002, 80, 5, 0, false)), "ρ = 0"},
		{"ρ NaN", second(EDMSigmas(0.002, 80, 5, math.NaN(), false)), "ρ = NaN"},
		{"σ_min = 0", second(EDMSigmas(0, 80, 5, 7, false)), "σ_min = 0"},
		{"σ_max < σ_min", second(EDMSigmas(1, 0.1, 5, 7, false)), "σ_max = 0.1"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
}

func second(_ []float64, err error) error { return err }

func TestRhoGrid(t *testing.T) {
	lin, err := RhoGrid(1, 3, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1.5, 2, 2.5, 3}
	for i := range want {
		if math.Abs(lin[i]-want[i]) > 1e-14 {
			t.Errorf("linear grid %v, want %v", lin, want)
			break
		}
	}
	up, _ := RhoGrid(0.002, 10, 30, 7)
	down, _ := RhoGrid(10, 0.002, 30, 7)
	for i := range up {
		if math.Abs(up[i]-down[30-i]) > 1e-12*up[i] {
			t.Fatalf("grid up[%d] = %v ≠ reversed grid down = %v", i, up[i], down[30-i])
		}
	}
	toZero, _ := RhoGrid(5, 0, 10, 7)
	if toZero[10] != 0 || toZero[9] <= 0 {
		t.Errorf("grid to 0 ends with %v", toZero[9:])
	}
	nan := math.NaN()
	for _, c := range []struct {
		from, to float64
		steps    int
		rho      float64
		want     string
	}{
		{1, 2, 0, 1, "steps ≥ 1"},
		{0, 2, 5, 1, "starting noise level"},
		{1, 1, 5, 1, "final noise level"},
		{1, -1, 5, 1, "final noise level"},
		{1, nan, 5, 1, "final noise level"},
		{1, 2, 5, -1, "ρ > 0"},
	} {
		_, err := RhoGrid(c.from, c.to, c.steps, c.rho)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("RhoGrid(%v, %v, %d, %v): error %v, want one mentioning %q", c.from, c.to, c.steps, c.rho, err, c.want)
		}
	}
}

func TestUniformLevels(t *testing.T) {
	lv, err := UniformLevels(5, 0.1, 0.5, func(s float64) float64 { return s * s })
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lv {
		sigma := 0.1 + 0.1*float64(i)
		if l.S != 1 || math.Abs(l.Sigma-sigma) > 1e-15 || math.Abs(l.Lambda-sigma*sigma) > 1e-15 {
			t.Errorf("level %d = %+v, want s = 1, σ = %v, λ = σ²", i, l, sigma)
		}
	}
	one, _ := UniformLevels(1, 0.3, 0.9, nil)
	if len(one) != 1 || one[0] != (Level{1, 0.3, 1}) {
		t.Errorf("T = 1: %v, want σ_min with λ = 1", one)
	}
	for _, c := range []struct {
		t        int
		min, max float64
		lambda   func(float64) float64
		want     string
	}{
		{0, 0.1, 0.2, nil, "T = 0"},
		{2, 0, 0.2, nil, "σ_min = 0"},
		{2, 0.3, 0.2, nil, "σ_max = 0.2"},
		{2, 0.1, 0.2, func(float64) float64 { return -1 }, "λ_t = -1"},
	} {
		if _, err := UniformLevels(c.t, c.min, c.max, c.lambda); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("UniformLevels(%d, %v, %v): error %v, want one containing %q", c.t, c.min, c.max, err, c.want)
		}
	}
}
