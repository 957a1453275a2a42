package rank

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/progress"
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
