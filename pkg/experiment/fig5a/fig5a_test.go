package fig5a

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/param"
	"github.com/molrg/molrg/pkg/seed"
	"gonum.org/v1/gonum/mat"
)

func TestCrossingsAndFigure(t *testing.T) {
	rows := []Row{
		{D: 2, Nk: 2, Ratio: 1, GL: 0.1}, {D: 2, Nk: 8, Ratio: 4, GL: 0.7},
		{D: 4, Nk: 16, Ratio: 4, GL: 0.9}, {D: 4, Nk: 4, Ratio: 1, GL: 0.3},
	}
	cr := Crossings(rows, 0.5)
	if math.Abs(cr[2]-3) > 1e-12 || math.Abs(cr[4]-(1+3*0.2/0.6)) > 1e-12 || len(cr) != 2 {
		t.Errorf("Crossings = %v, want 2: 3, 4: 2", cr)
	}
	for _, rs := range [][]Row{rows, rows[:1], {{D: 2, Nk: 2, Ratio: 1, GL: 0}}} {
		f, err := Figure(rs)
		if err != nil {
			t.Fatalf("%d rows: %v", len(rs), err)
		}
		if _, err := f.SVG(); err != nil {
			t.Errorf("%d rows: drawing: %v", len(rs), err)
		}
	}
	if _, err := Figure(nil); err == nil {
		t.Error("a figure without rows")
	}
}

func TestValidateNamesTheSetting(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		name string
	}{
		{func(c *Config) { c.Dims = []int{25} }, "Dims"},
		{func(c *Config) { c.Ratios = []float64{1e300} }, "Ratios"},
		{func(c *Config) { c.Ratios = []float64{1e11} }, "Ratios"},
		{func(c *Config) { c.Ratios = []float64{math.NaN()} }, "Ratios"},
		{func(c *Config) { c.M = 100_000_000 }, "M"},
		{func(c *Config) { c.Train.TotalSteps = 0 }, "Train.TotalSteps"},
		{func(c *Config) { c.Net.ModelChannels = 6 }, "Net.ModelChannels"},
	} {
		cfg := DefaultConfig()
		c.edit(&cfg)
		err := cfg.Validate()
		pe, ok := err.(*param.Error)
		if !ok || pe.Name != c.name {
			t.Errorf("%s: Validate() = %v, want a *param.Error naming %s", c.name, err, c.name)
		}
	}
}

// A tiny end-to-end sweep: train, sample, score, table, resume (the second
// run finds the row and does not retrain), and a second sweep with other
// settings into the same folder is refused.
func TestRunTinyResume(t *testing.T) {
	if os.Getenv("MOLRG_SLOW_TESTS") == "" {
		t.Skip("trains a U-Net (compiling its graphs takes ~30 s on XLA CPU): set MOLRG_SLOW_TESTS=1")
	}
	c := DefaultConfig()
	c.Dims, c.Ratios, c.M = []int{2}, []float64{2}, 20
	c.Net.ModelChannels = 8
	c.Train.BatchSize, c.Train.TotalSteps, c.Train.LogEvery = 8, 4, 2
	c.Dir = t.TempDir()
	c.Backend = backend.Must()
	rows, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].D != 2 || rows[0].Nk != 4 || rows[0].Steps != 4 || !(rows[0].GL > 0) {
		t.Fatalf("rows = %+v", rows)
	}
	again, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0] != rows[0] {
		t.Errorf("resumed rows = %+v, want %+v", again, rows)
	}
	c.Seed++
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Errorf("another seed into the same folder: %v", err)
	}
}

// TestPointSamples runs a one-point sweep with a tiny U-Net, rebuilds the
// point's samples from its checkpoint and checks that they are the ones
// Run scored: the training set is the MoLRG's draw of SampleCounts, and the
// GL score computed from the samples by metrics.GL equals the row's; the
// point figure reports the same score. A point not in the table, and
// other settings than the table's, are refused.
func TestPointSamples(t *testing.T) {
	c := DefaultConfig()
	c.Dims, c.Ratios, c.M = []int{2}, []float64{2}, 30
	c.Net.ModelChannels, c.Net.ChannelMult, c.Net.Dropout = 8, []int{1}, 0
	c.Train.BatchSize, c.Train.TotalSteps, c.Train.LogEvery = 8, 3, 1
	c.Dir = t.TempDir()
	c.Backend = backend.Must()
	rows, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	s, err := PointSamples(c, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Train.Dims(); r != 8 {
		t.Fatalf("%d training samples, want 2·N_k = 8", r)
	}
	m, err := experiment.MoLRG(2, c.Seed)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.SampleCounts([]int{4, 4}, seed.Derive(c.Seed, "fig5a/train", 2, 4))
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(s.Train, want.X) {
		t.Error("the rebuilt training set is not the MoLRG's draw")
	}
	gl, err := metrics.GL(s.Generated, s.Fresh, s.Train)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(gl-rows[0].GL) > 1e-9*rows[0].GL {
		t.Errorf("GL from the rebuilt samples %v, the row's %v", gl, rows[0].GL)
	}
	f, row, err := PointFigure(s)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(row.GL-gl) > 1e-12 || !strings.Contains(f.Caption, fmt.Sprintf("%.3f", gl)) {
		t.Errorf("PointFigure: GL %v, caption %q; want %v", row.GL, f.Caption, gl)
	}
	if _, err := f.SVG(); err != nil {
		t.Fatal(err)
	}
	if _, err := PointSamples(c, 2, 8); err == nil {
		t.Error("a point that is not in the table: no error")
	}
	c.Seed++
	if _, err := PointSamples(c, 2, 4); err == nil {
		t.Error("other settings than the table's: no error")
	}
}

func TestCacheDir(t *testing.T) {
	c := DefaultConfig()
	a, err := CacheDir("root", c)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := CacheDir("root", c); b != a {
		t.Errorf("the same configuration: %q and %q", a, b)
	}
	c.Train.TotalSteps++
	if b, _ := CacheDir("root", c); b == a {
		t.Error("another training length: the same folder")
	}
	c.Train.TotalSteps--
	c.Dir = "elsewhere" // not a setting
	if b, _ := CacheDir("root", c); b != a {
		t.Error("the folder changes with Config.Dir, which is not a setting")
	}
}
