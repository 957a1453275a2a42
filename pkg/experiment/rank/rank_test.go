package rank

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/plot"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/unet"
)

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
// For n = 48, K = 2, d = 6: 0.25 and 0.125, the two values of Figure 3(b).
func TestRankTruePosterior(t *testing.T) {
	m, err := experiment.MoLRG(6, 3)
	if err != nil {
		t.Fatal(err)
	}
	be := backend.Must()
	soft, err := experiment.SoftMaxDenoiser("dae", m.Bases)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []experiment.DenoiserSpec{experiment.TrueDenoiser(m), soft} {
		cv, err := experiment.RankAlongHeun(be, spec, experiment.Dim, 3, 1, metrics.RankFraction)
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

// TestRunResumes runs the curves without training (true posterior and
// eq. 9), then again: the second run computes nothing and returns the same
// curves; a torn last row makes it recompute that curve's missing point
// only; Read gives the curves back.
func TestRunResumes(t *testing.T) {
	c := DefaultConfig()
	c.Noises, c.TrainDAE, c.UNet = 2, false, false
	c.Dir = t.TempDir()
	first, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Curves) != 2 || len(first.Curves[0].SNR) != 18 {
		t.Fatalf("%d curves", len(first.Curves))
	}
	var total float64 = -1
	c.Progress = func(u progress.Update) { total = u.Total }
	again, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if total != 0 {
		t.Errorf("the resumed run planned %v curves, want 0", total)
	}
	for i := range first.Curves {
		for j := range first.Curves[i].Ratio {
			if again.Curves[i].Ratio[j] != first.Curves[i].Ratio[j] {
				t.Fatalf("curve %d point %d: %v, then %v", i, j, first.Curves[i].Ratio[j], again.Curves[i].Ratio[j])
			}
		}
	}
	path := TablePath(c.Dir)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-5], 0o644) // a torn last row
	c.Progress = nil
	fixed, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fixed.Curves[1].Ratio[17], first.Curves[1].Ratio[17]; got != want {
		t.Errorf("recomputed point %v, want %v", got, want)
	}
	read, err := Read(c.Dir)
	if err != nil || len(read.Curves) != 2 || len(read.Curves[1].Ratio) != 18 {
		t.Fatalf("Read: %+v, %v", read, err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "rank.json")); err != nil {
		t.Errorf("no settings file: %v", err)
	}
}

// TestFiguresAndCacheDir draws the figures of a result made by hand and
// checks SnapshotFigure's caption against the curves' values, and that
// CacheDir names a configuration: the same one twice gives the same folder,
// another (more noises, or other Algorithm 1 steps) another.
func TestFiguresAndCacheDir(t *testing.T) {
	snr := []float64{0.0125, 0.1, 1.1, 10, 500}
	r := &Result{
		Curves: []experiment.RankCurve{
			{Name: trueName, SNR: snr, Ratio: []float64{0.25, 0.25, 0.2, 0.125, 0.125}},
			{Name: dae9Name, SNR: snr, Ratio: []float64{0.25, 0.25, 0.2, 0.125, 0.125}},
			{Name: unetName, SNR: snr, Ratio: []float64{0.3, 0.4, 0.5, 0.6, 0.9}},
		},
		Snapshots: []Snapshot{
			{RankCurve: experiment.RankCurve{Name: "U-Net step 100 (6 kimg)", SNR: snr, Ratio: []float64{0.7, 0.8, 0.9, 1, 1}}, Step: 100, Kimg: 6.4},
			{RankCurve: experiment.RankCurve{Name: "U-Net step 200 (13 kimg)", SNR: snr, Ratio: []float64{0.3, 0.4, 0.5, 0.6, 0.9}}, Step: 200, Kimg: 12.8},
		},
		History: []unet.Record{{Step: 50, GradNorm: 3}, {Step: 100, GradNorm: 2}, {Step: 200, GradNorm: 1}},
	}
	for name, f := range map[string]func(*Result) (*plot.Figure, error){"3b": Figure3b, "7": Figure7} {
		fig, err := f(r)
		if err != nil {
			t.Fatalf("Figure%s: %v", name, err)
		}
		if _, err := fig.SVG(); err != nil {
			t.Fatalf("Figure%s: %v", name, err)
		}
	}
	fig, err := SnapshotFigure(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "step 100 (6 kimg): U-Net rank/n 0.700 at the lowest SNR, 0.900 at SNR ≈ 1, 1.000 at the highest (true posterior mean: 0.250, 0.200, 0.125)"
	if fig.Caption != want {
		t.Errorf("caption %q\nwant    %q", fig.Caption, want)
	}
	svg, err := fig.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"U-Net after 100 steps", "step 100", trueName} {
		if !strings.Contains(string(svg), s) {
			t.Errorf("the snapshot figure has no %q", s)
		}
	}
	if _, err := SnapshotFigure(r, 2); err == nil {
		t.Error("snapshot 2 of 2: no error")
	}

	c := DefaultConfig()
	a, err := CacheDir("root", c)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := CacheDir("root", c); a != b || filepath.Dir(a) != "root" {
		t.Errorf("the same configuration: %q and %q", a, b)
	}
	c.Noises++
	if b, _ := CacheDir("root", c); b == a {
		t.Error("more noises: the same folder")
	}
	c.Noises--
	c.DAE.Steps++
	if b, _ := CacheDir("root", c); b == a {
		t.Error("other Algorithm 1 steps: the same folder")
	}
}
