package sampler_test

import (
	"math"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/sampler"
)

// The EDM levels of Karras et al. (2022), eq. 5, written out for N = 18,
// σ_min = 0.002, σ_max = 80, ρ = 7.
func TestDefaultSigmasClosedForm(t *testing.T) {
	got, err := sampler.DefaultConfig().Sigmas()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 19 || got[18] != 0 {
		t.Fatalf("len = %d, last = %v; want 19 levels ending with t_N = 0", len(got), got[len(got)-1])
	}
	for i := range 18 {
		want := math.Pow(math.Pow(80, 1.0/7)+float64(i)/17*(math.Pow(0.002, 1.0/7)-math.Pow(80, 1.0/7)), 7)
		if math.Abs(got[i]-want) > 1e-12*want {
			t.Errorf("t_%d = %v, want %v", i, got[i], want)
		}
	}
	if got[0] != 80 || got[17] != 0.002 {
		t.Errorf("t_0 = %v, t_17 = %v; want exactly σ_max = 80 and σ_min = 0.002", got[0], got[17])
	}
	// Reference values of the EDM schedule computed outside Go (Python).
	ref := map[int]float64{1: 57.585985, 5: 12.910082, 9: 1.92334, 13: 0.139516, 16: 0.007528}
	for i, want := range ref {
		if math.Abs(got[i]-want) > 6e-7 {
			t.Errorf("t_%d = %.7g, want %.7g", i, got[i], want)
		}
	}
	step := math.Pow(got[1], 1.0/7) - math.Pow(got[0], 1.0/7)
	for i := 1; i < 18; i++ {
		if got[i] >= got[i-1] {
			t.Errorf("levels not decreasing at %d: %v ≥ %v", i, got[i], got[i-1])
		}
		if s := math.Pow(got[i], 1.0/7) - math.Pow(got[i-1], 1.0/7); math.Abs(s-step) > 1e-12 {
			t.Errorf("spacing in t^{1/ρ} at %d = %v, want %v", i, s, step)
		}
	}
}

func TestSigmasOneStep(t *testing.T) {
	got, err := sampler.Config{Steps: 1, SigmaMin: 0.002, SigmaMax: 80, Rho: 7}.Sigmas()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != 80 || got[1] != 0 {
		t.Fatalf("got %v, want [80 0]", got)
	}
}

func TestValidation(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		cfg  sampler.Config
		want string
	}{
		{sampler.Config{Steps: 0, SigmaMin: 0.002, SigmaMax: 80, Rho: 7}, "N ≥ 1"},
		{sampler.Config{Steps: 18, SigmaMin: 0, SigmaMax: 80, Rho: 7}, "σ_min > 0"},
		{sampler.Config{Steps: 18, SigmaMin: -1, SigmaMax: 80, Rho: 7}, "σ_min > 0"},
		{sampler.Config{Steps: 18, SigmaMin: nan, SigmaMax: 80, Rho: 7}, "σ_min"},
		{sampler.Config{Steps: 18, SigmaMin: 80, SigmaMax: 80, Rho: 7}, "σ_max > σ_min"},
		{sampler.Config{Steps: 18, SigmaMin: 90, SigmaMax: 80, Rho: 7}, "σ_max > σ_min"},
		{sampler.Config{Steps: 18, SigmaMin: 0.002, SigmaMax: math.Inf(1), Rho: 7}, "σ_max"},
		{sampler.Config{Steps: 18, SigmaMin: 0.002, SigmaMax: 80, Rho: 0}, "ρ > 0"},
		{sampler.Config{Steps: 18, SigmaMin: 0.002, SigmaMax: 80, Rho: nan}, "ρ"},
	}
	for _, c := range cases {
		_, err := c.cfg.Sigmas()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c.cfg, err, c.want)
		}
	}
}
