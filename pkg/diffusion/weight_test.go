package diffusion

import (
	"math"
	"strings"
	"testing"
)

func TestWeightings(t *testing.T) {
	for _, sigma := range []float64{0.002, 0.1, 0.5, 1, 7, 80} {
		if got := Uniform.Lambda(sigma); got != 1 {
			t.Errorf("uniform λ(%g) = %g, want 1", sigma, got)
		}
		if got := Sigma2.Lambda(sigma); math.Abs(got-sigma*sigma) > 1e-15*sigma*sigma {
			t.Errorf("σ² λ(%g) = %g, want %g", sigma, got, sigma*sigma)
		}
		// EDM: λ(σ)·c_out(σ)² = 1 with c_out = σσ_d/√(σ²+σ_d²).
		cout := sigma * 0.5 / math.Sqrt(sigma*sigma+0.25)
		if got := EDMWeighting.Lambda(sigma) * cout * cout; math.Abs(got-1) > 1e-12 {
			t.Errorf("EDM λ(%g)·c_out² = %g, want 1", sigma, got)
		}
	}
	if got := EDMWeighting.Lambda(0.5); math.Abs(got-8) > 1e-12 {
		t.Errorf("EDM λ(σ_d) = %g, want 2/σ_d² = 8", got)
	}
	for _, w := range []Weighting{Uniform, EDMWeighting, Sigma2} {
		back, err := ParseWeighting(w.String())
		if err != nil || back != w {
			t.Errorf("ParseWeighting(%q) = %v, %v", w.String(), back, err)
		}
	}
	if _, err := ParseWeighting("snr"); err == nil || !strings.Contains(err.Error(), `"snr"`) {
		t.Errorf("ParseWeighting(snr): error %v", err)
	}
}
