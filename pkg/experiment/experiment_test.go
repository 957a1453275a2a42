package experiment

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/unet"
)

func TestCrossing(t *testing.T) {
	for _, tc := range []struct {
		x, y  []float64
		level float64
		logX  bool
		want  float64
		ok    bool
	}{
		{[]float64{1, 2, 4}, []float64{0, 0.4, 0.8}, 0.5, false, 2.5, true},
		{[]float64{1, 4}, []float64{0, 1}, 0.5, true, 2, true},
		{[]float64{1, 2}, []float64{0.1, 0.2}, 0.5, false, 0, false},
		{[]float64{1, 2, 3}, []float64{0.1, 0.5, 0.9}, 0.5, false, 2, true},
		{[]float64{1, 2}, []float64{0.9, 0.1}, 0.5, false, 1.5, true},
	} {
		got, ok := Crossing(tc.x, tc.y, tc.level, tc.logX)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Crossing(%v, %v, %v) = %v, %v; want %v, %v", tc.x, tc.y, tc.level, got, ok, tc.want, tc.ok)
		}
	}
}

func TestGLCrossingsAndCSV(t *testing.T) {
	rows := []Fig5aRow{
		{D: 2, Nk: 2, Ratio: 1, GL: 0.1}, {D: 2, Nk: 8, Ratio: 4, GL: 0.7},
		{D: 4, Nk: 16, Ratio: 4, GL: 0.9}, {D: 4, Nk: 4, Ratio: 1, GL: 0.3, Steps: 7, Loss: 0.25, ImgPerSec: 10, Seconds: 1.5},
	}
	cr := GLCrossings(rows, 0.5)
	if math.Abs(cr[2]-3) > 1e-12 || math.Abs(cr[4]-(1+3*0.2/0.6)) > 1e-12 {
		t.Errorf("GLCrossings = %v, want 2: 3, 4: 2", cr)
	}
	path := filepath.Join(t.TempDir(), "f.csv")
	for _, r := range rows {
		if err := appendFig5aCSV(path, r); err != nil {
			t.Fatal(err)
		}
	}
	back, err := ReadFig5aCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rows) {
		t.Fatalf("read %d rows, want %d", len(back), len(rows))
	}
	for i := range rows {
		if back[i] != rows[i] {
			t.Errorf("row %d: read %+v, want %+v", i, back[i], rows[i])
		}
	}
	if _, err := Fig5aFigure(rows); err != nil {
		t.Error(err)
	}
}

func TestPickSnapshotsAndStep(t *testing.T) {
	files := []string{"a/unet-000000400.ckpt", "a/unet-000000300.ckpt", "a/unet-000000200.ckpt", "a/unet-000000100.ckpt"}
	got := pickSnapshots(files, 2)
	if len(got) != 2 || got[0] != files[0] || got[1] != files[3] {
		t.Errorf("pickSnapshots = %v", got)
	}
	if s := stepOf(files[1]); s != 300 {
		t.Errorf("stepOf = %d, want 300", s)
	}
	if len(pickSnapshots(files, 9)) != 4 {
		t.Error("pickSnapshots with k > len should return all")
	}
}

// The rank of the true posterior mean's Jacobian (Lemma 2 and the soft-max
// weights of eq. 8): at low SNR the weights tend to π_k and the Jacobian to
// Σ_k π_kU_kU_kᵀ/(1+σ²), of rank Σd_k; at high SNR they are one-hot and it is
// U_kU_kᵀ/(1+σ²), of rank d_k. Eq. (9) with the true bases is the same map.
func TestRankTruePosterior(t *testing.T) {
	m, err := MoLRGFor(6, 3)
	if err != nil {
		t.Fatal(err)
	}
	be := backend.Must()
	for _, spec := range []DenoiserSpec{TrueDenoiser(m), SoftMaxDenoiser("dae", m.Bases)} {
		cv, err := RankAlongHeun(be, spec, 3, 1, metrics.RankFraction)
		if err != nil {
			t.Fatal(err)
		}
		if len(cv.SNR) != 18 {
			t.Fatalf("%s: %d levels, want 18", spec.Name, len(cv.SNR))
		}
		if lo := cv.Ratio[0]; lo != 12.0/48 {
			t.Errorf("%s: ratio at SNR %.3g = %v, want Σd_k/n = 0.25", spec.Name, cv.SNR[0], lo)
		}
		if hi := cv.Ratio[len(cv.Ratio)-1]; hi != 6.0/48 {
			t.Errorf("%s: ratio at SNR %.3g = %v, want d/n = 0.125", spec.Name, cv.SNR[len(cv.SNR)-1], hi)
		}
	}
}

// A tiny end-to-end sweep: train, sample, score, CSV, resume (the second call
// finds the row and does not retrain).
func TestRunFig5aTinyResume(t *testing.T) {
	if os.Getenv("MOLRG_SLOW_TESTS") == "" {
		t.Skip("trains a U-Net (compiling its graphs takes ~30 s on XLA CPU): set MOLRG_SLOW_TESTS=1")
	}
	c := DefaultFig5a()
	c.Dims, c.Ratios, c.M = []int{2}, []float64{2}, 20
	c.Net.ModelChannels = 8
	c.Train = unet.DefaultTrainConfig()
	c.Train.BatchSize, c.Train.TotalSteps, c.Train.LogEvery = 8, 4, 2
	c.Dir = t.TempDir()
	c.Backend = backend.Must()
	rows, err := RunFig5a(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].D != 2 || rows[0].Nk != 4 || rows[0].Steps != 4 || !(rows[0].GL > 0) {
		t.Fatalf("rows = %+v", rows)
	}
	again, err := RunFig5a(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0] != rows[0] {
		t.Errorf("resumed rows = %+v, want %+v", again, rows)
	}
}
