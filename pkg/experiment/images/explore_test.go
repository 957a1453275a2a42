package images

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSamplesExplorer writes samples for two runs with different N, reads
// them back with ReadAllSamples and checks the explorer's frames: one per
// (run, N) over the union of the N, the nearest N where a run has none.
func TestSamplesExplorer(t *testing.T) {
	sample := func(n int, copies ...bool) Samples {
		s := Samples{N: n, H: 2, W: 2, C: 1}
		for i, c := range copies {
			s.Generated = append(s.Generated, []float32{float32(i), 0, 0, 0})
			s.Nearest = append(s.Nearest, make([]float32, 4))
			s.Score, s.Copy = append(s.Score, 0.1), append(s.Copy, c)
			s.Distance, s.TrainIdx = append(s.Distance, 0.5), append(s.TrainIdx, i)
		}
		return s
	}
	a, b := t.TempDir(), t.TempDir()
	for _, s := range []Samples{sample(64, false, false), sample(16, true, true, false)} {
		if err := writeSamples(a, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeSamples(b, sample(256, false)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(a, "samples", "notes.json"), []byte("{}"), 0o644) // not a samples file
	sa, err := ReadAllSamples(a)
	if err != nil || len(sa) != 2 || sa[0].N != 16 || sa[1].N != 64 {
		t.Fatalf("ReadAllSamples: %d sets, %v", len(sa), err)
	}
	sb, err := ReadAllSamples(b)
	if err != nil || len(sb) != 1 {
		t.Fatalf("ReadAllSamples: %d sets, %v", len(sb), err)
	}
	ex, err := SamplesExplorer([]string{"mnist", "emoji"}, [][]Samples{sa, sb}, "ρ₅ < 1/3")
	if err != nil {
		t.Fatal(err)
	}
	if got := ex.Combinations(); got != 2*3 {
		t.Fatalf("%d frames, want 2 runs × 3 N", got)
	}
	for _, c := range []struct {
		at   []int
		want string
	}{
		{[]int{0, 0}, "mnist, N = 16: 2 of the 3 generated images shown are copies"},
		{[]int{0, 1}, "mnist, N = 64: 0 of the 2"},
		{[]int{0, 2}, "mnist, N = 64: 0 of the 2 generated images shown are copies (no samples at N = 256"},
		{[]int{1, 0}, "emoji, N = 256: 0 of the 1 generated images shown are copies (no samples at N = 16"},
	} {
		f, err := ex.Render(c.at)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.Caption, c.want) {
			t.Errorf("frame %v: caption %q, want it to start with %q", c.at, f.Caption, c.want)
		}
	}
	one, err := SamplesExplorer([]string{"mnist"}, [][]Samples{sa}, "")
	if err != nil || len(one.Params) != 1 || one.Combinations() != 2 {
		t.Fatalf("one run: %v", err)
	}
	if f, err := one.Render([]int{1}); err != nil || !strings.HasPrefix(f.Caption, "mnist, N = 64") {
		t.Errorf("one run, second N: %v", err)
	}
	if _, err := SamplesExplorer([]string{"x"}, [][]Samples{nil}, ""); err == nil {
		t.Error("a run without samples accepted")
	}
}
