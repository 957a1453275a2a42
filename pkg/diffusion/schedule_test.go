package diffusion

import (
	"math"
	"strings"
	"testing"
)

func TestVPClosedForms(t *testing.T) {
	v := DefaultVP()
	for i := range 101 {
		tt := v.TMin() + float64(i)/100*(v.TMax()-v.TMin())
		s, sig := v.S(tt), v.Sigma(tt)
		if d := math.Abs(s*s*(1+sig*sig) - 1); d > 1e-12 {
			t.Errorf("t = %g: s_t²(1+σ_t²) = %.15g, want 1", tt, s*s*(1+sig*sig))
		}
		// σ_t² = exp(½β_d t² + β_min t) − 1 with the paper's β_d = 19.9, β_min = 0.1.
		want := math.Sqrt(math.Exp(0.5*19.9*tt*tt+0.1*tt) - 1)
		if math.Abs(sig-want) > 1e-9*want {
			t.Errorf("t = %g: σ_t = %.15g, want %.15g", tt, sig, want)
		}
		if back := v.SigmaInv(sig); math.Abs(back-tt) > 1e-9*tt {
			t.Errorf("t = %g: SigmaInv(σ_t) = %.15g", tt, back)
		}
	}
	if v.TMin() != 1e-5 || v.TMax() != 1 {
		t.Errorf("VP t range [%g, %g], want [1e-5, 1]", v.TMin(), v.TMax())
	}
}

func TestEDMSchedule(t *testing.T) {
	e := DefaultEDM()
	if e.TMin() != 0.002 || e.TMax() != 80 {
		t.Errorf("EDM t range [%g, %g], want [0.002, 80]", e.TMin(), e.TMax())
	}
	for _, tt := range []float64{0.002, 0.5, 3, 80} {
		if e.S(tt) != 1 || e.Sigma(tt) != tt || e.SigmaInv(tt) != tt {
			t.Errorf("t = %g: s = %g, σ = %g, σ⁻¹(t) = %g; want 1, t, t", tt, e.S(tt), e.Sigma(tt), e.SigmaInv(tt))
		}
	}
}

// TestDerivatives compares SDeriv and SigmaDeriv with central differences.
func TestDerivatives(t *testing.T) {
	for _, sch := range []Schedule{DefaultEDM(), DefaultVP()} {
		for _, f := range []float64{0.01, 0.3, 0.7, 0.99} {
			tt := sch.TMin() + f*(sch.TMax()-sch.TMin())
			h := 1e-6 * sch.TMax()
			ds := (sch.S(tt+h) - sch.S(tt-h)) / (2 * h)
			dsig := (sch.Sigma(tt+h) - sch.Sigma(tt-h)) / (2 * h)
			if math.Abs(ds-sch.SDeriv(tt)) > 1e-6*(1+math.Abs(ds)) {
				t.Errorf("%s t = %g: ds/dt = %g, finite difference %g", sch.Name(), tt, sch.SDeriv(tt), ds)
			}
			if math.Abs(dsig-sch.SigmaDeriv(tt)) > 1e-6*(1+math.Abs(dsig)) {
				t.Errorf("%s t = %g: dσ/dt = %g, finite difference %g", sch.Name(), tt, sch.SigmaDeriv(tt), dsig)
			}
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		sch  Schedule
		want string
	}{
		{"EDM σ_min = 0", EDM{0, 80}, "σ_min = 0"},
		{"EDM σ_min NaN", EDM{nan, 80}, "σ_min = NaN"},
		{"EDM σ_max < σ_min", EDM{1, 0.5}, "σ_max = 0.5"},
		{"EDM σ_max Inf", EDM{1, math.Inf(1)}, "σ_max = +Inf"},
		{"VP β_d = 0", VP{0, 0.1, 1e-5, 1}, "β_d = 0"},
		{"VP β_min < 0", VP{19.9, -1, 1e-5, 1}, "β_min = -1"},
		{"VP t_min = 0", VP{19.9, 0.1, 0, 1}, "t_min = 0"},
		{"VP t_max ≤ t_min", VP{19.9, 0.1, 0.5, 0.5}, "t_max = 0.5"},
		{"nil", nil, "schedule is nil"},
	} {
		_, err := UniformTimes(c.sch, 5, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if _, err := EDMTimes(c.sch, 5, EDMRho, false); err == nil {
			t.Errorf("%s: EDMTimes accepted a bad schedule", c.name)
		}
	}
	for _, name := range []string{"edm", "VE", "vp"} {
		if _, err := ByName(name); err != nil {
			t.Errorf("ByName(%q): %v", name, err)
		}
	}
	if _, err := ByName("cosine"); err == nil || !strings.Contains(err.Error(), `"cosine"`) {
		t.Errorf("ByName(cosine): error %v", err)
	}
}
