package editing

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/progress"
)

// A MoLRG run with the true posterior mean: the singular values are those
// of Lemma 2's limits, the leading directions lie in x_t's component at
// t = 0.2·t_max, the edits stay on it; the run resumes (nothing computed
// again, a torn row redone), the triplets are cached, Read gives it back.
func TestMoLRGRunResumes(t *testing.T) {
	c := MoLRGConfig()
	c.R = 7
	c.Dir = t.TempDir()
	first, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Times) != 2 {
		t.Fatalf("%d edit times, want 2", len(first.Times))
	}
	hi := first.Times[0] // t = 0.2: σ = 0.585, the posterior has chosen the component
	for i := range 6 {
		if hi.Off[i] > 1e-6 {
			t.Errorf("v_%d is sin∠ = %.3g off x_t's component, want 0", i+1, hi.Off[i])
		}
	}
	if r := hi.Values[6] / hi.Values[5]; r > 0.1 {
		t.Errorf("ς_7/ς_6 = %.3g, want < 0.1 (rank ≈ d = 6 near one component)", r)
	}
	if !(hi.RandomOff > 0.5) {
		t.Errorf("the random direction is sin∠ = %.3g off the component, want most of it off (√(42/48) ≈ 0.94)", hi.RandomOff)
	}
	for i, row := range hi.EditOff[:6] {
		for j, off := range row {
			if off > 1e-6 {
				t.Errorf("edit %s, ξ = %v: sin∠(x̂, U_k) = %.3g, want 0", hi.Directions[i], hi.Xi[j], off)
			}
		}
	}
	lo := first.Times[1] // t = 0.7: σ = 12.9, J ≈ Σ_k π_kU_kU_kᵀ/(1+σ²)
	if want := 0.5 / (1 + lo.Sigma*lo.Sigma); math.Abs(lo.Values[0]-want) > 0.1*want {
		t.Errorf("ς_1 = %.4g at σ = %.3g, want ≈ ½/(1+σ²) = %.4g", lo.Values[0], lo.Sigma, want)
	}
	if len(hi.Images) != 8 || len(hi.Images[0]) != 5 || hi.Moved[0][2] != 0 {
		t.Errorf("grid %d×%d, ‖x̂(0) − x̂(0)‖ = %v", len(hi.Images), len(hi.Images[0]), hi.Moved[0][2])
	}
	cache, _ := filepath.Glob(filepath.Join(c.Dir, "jacobian", "*.json"))
	if len(cache) != 2 {
		t.Errorf("%d cached triplet files, want 2 (one per edit time)", len(cache))
	}

	var total float64 = -1
	c.Progress = func(u progress.Update) { total = u.Total }
	again, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if total != 0 {
		t.Errorf("the resumed run planned %v steps, want 0", total)
	}
	path := TablePath(c.Dir)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-50], 0o644) // a torn last row
	fixed, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	read, err := Read(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Result{again, fixed, read} {
		for ti := range first.Times {
			a, b := first.Times[ti], r.Times[ti]
			for i := range a.Images {
				for j := range a.Images[i] {
					if d := maxDiff(a.Images[i][j], b.Images[i][j]); d > 1e-6 {
						t.Fatalf("t = %v, %s, ξ = %v: resumed image differs by %.3g", a.T, a.Directions[i], a.Xi[j], d)
					}
				}
			}
			for i := range a.Values {
				if a.Values[i] != b.Values[i] {
					t.Fatalf("ς_%d = %v, then %v", i+1, a.Values[i], b.Values[i])
				}
			}
		}
	}
	if _, err := Figure(read, 1); err != nil {
		t.Error(err)
	}
}

func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestValidateNamesTheSetting(t *testing.T) {
	for _, c := range []struct {
		set  func(*Config)
		name string
	}{
		{func(c *Config) { c.R = 0 }, "R"},
		{func(c *Config) { c.Times = []float64{1.5} }, "Times"},
		{func(c *Config) { c.Times = nil }, "Times"},
		{func(c *Config) { c.Xi = []float64{1, -1} }, "Xi"},
		{func(c *Config) { c.Xi = []float64{math.NaN()} }, "Xi"},
		{func(c *Config) { c.Index = 1000 }, "Index"},
		{func(c *Config) { c.Source = "web" }, "Source"},
		{func(c *Config) { c.Mask = "1,2,3" }, "Mask"},
		{func(c *Config) { c.Mask = "0,0,20,4" }, "Mask"},
		{func(c *Config) { c.Mask = "alpha" }, "Mask"},
		{func(c *Config) { c.Data = "imagenet" }, "Data"},
		{func(c *Config) { c.Method = "lanczos" }, "Method"},
		{func(c *Config) { c.Tol = 0 }, "Tol"},
		{func(c *Config) { c.Steps = 0 }, "Steps"},
		{func(c *Config) { c.Size = 2 }, "Size"},
		{func(c *Config) { c.NullRank = -1 }, "NullRank"},
		{func(c *Config) { c.Net.ImageSize = 8 }, "Net"},
		{func(c *Config) { c.Train.TotalSteps = 0 }, "Train.TotalSteps"},
		{func(c *Config) { c.Source = SourcePNG }, "PNG"},
	} {
		cfg := DefaultConfig()
		c.set(&cfg)
		err := cfg.Validate()
		var pe *param.Error
		if !errors.As(err, &pe) || pe.Name != c.name {
			t.Errorf("%s: Validate() = %v, want a *param.Error naming %s", c.name, err, c.name)
		}
	}
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Errorf("DefaultConfig: %v", err)
	}
	m := MoLRGConfig()
	if err := m.Validate(); err != nil {
		t.Errorf("MoLRGConfig: %v", err)
	}
}
