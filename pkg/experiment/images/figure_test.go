package images

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/progress"
)

// fakeRun is a run on data: GL rising through 0.5 between N = 64 (gl64)
// and 128, and a rank curve with its lowest point r at step 9.
func fakeRun(data string, gl64, gl128, r float64) []Row {
	var rows []Row
	for _, g := range []struct {
		n  int
		gl float64
	}{{16, 0}, {64, gl64}, {128, gl128}, {32, 0.05}} {
		rows = append(rows, Row{Figure: Fig5b, Data: data, N: g.n, GL: g.gl, GLTrain: 0, GLHeld: 0.99, GLPixCosHeld: 0.1})
	}
	for i := range heunSteps {
		s := 80 * math.Pow(0.5, float64(i))
		k := r + math.Abs(float64(i-8))
		rows = append(rows, Row{Figure: Fig3a, Data: data, N: 128, Index: heunSteps - 1 - i, SNR: 1 / s, Sigma: s, Rank: k, Ratio: k / 256})
	}
	return rows
}

func TestCrossingCalibrationOrdering(t *testing.T) {
	a := fakeRun("a", 0.25, 0.75, 10)
	// log-linear interpolation between 64 (0.25) and 128 (0.75): 64·√2.
	if v, ok := Crossing(a, 0.5); !ok || math.Abs(v-64*math.Sqrt2) > 1e-9 {
		t.Errorf("Crossing = %v, %v; want 64√2", v, ok)
	}
	if _, ok := Crossing(fakeRun("x", 0.1, 0.2, 1), 0.5); ok {
		t.Error("a curve below 0.5 crosses it")
	}
	if mt, mh, ok := Calibration(a); !ok || mt != 0 || mh != 0.99 {
		t.Errorf("Calibration = %v, %v, %v", mt, mh, ok)
	}
	bad := fakeRun("a", 0.25, 0.75, 10)
	bad[1].GLHeld = 0.9
	if _, mh, ok := Calibration(bad); ok || mh != 0.9 {
		t.Errorf("a held-out GL of 0.9 passes the calibration (%v)", mh)
	}
	if GLRows(a)[1].N != 32 {
		t.Error("GLRows does not sort by N")
	}
	s := Summarize(a)
	if s.Data != "a" || !s.Crosses || s.MinRank != 10 || math.Abs(s.MinRankSNR-math.Pow(2, 8)/80) > 1e-12 || s.RankN != 128 {
		t.Errorf("Summarize = %+v", s)
	}
	// b generalizes later (crossing 128·…) with a higher rank: the orders agree.
	b, c := fakeRun("b", 0.1, 0.6, 20), fakeRun("c", 0.6, 0.9, 30)
	byN, byRank, match := Ordering([]Summary{Summarize(b), Summarize(a), Summarize(c)})
	if !slices.Equal(byN, []string{"c", "a", "b"}) || !slices.Equal(byRank, []string{"a", "b", "c"}) || match {
		t.Errorf("Ordering = %v, %v, %v", byN, byRank, match)
	}
	c = fakeRun("c", 0.05, 0.55, 30)
	if byN, _, match := Ordering([]Summary{Summarize(b), Summarize(a), Summarize(c)}); !match {
		t.Errorf("orders %v should match", byN)
	}
	if _, _, match := Ordering([]Summary{Summarize(a)}); match {
		t.Error("one data set cannot match an ordering")
	}
}

func TestFigures(t *testing.T) {
	a, b := fakeRun("mnist", 0.25, 0.75, 10), fakeRun("emoji-people", 0.1, 0.6, 20)
	f5, err := Figure5b(a)
	if err != nil {
		t.Fatal(err)
	}
	f3, err := Figure3a(a)
	if err != nil {
		t.Fatal(err)
	}
	fa, err := FigureAll([][]Row{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		svg  func() ([]byte, error)
		want []string
	}{
		"5b":  {f5.SVG, []string{"mnist", "held-out real images", "training images"}},
		"3a":  {f3.SVG, []string{"mnist", "U-Net of N = 128", "SNR"}},
		"all": {fa.SVG, []string{"mnist", "emoji-people", "Fig. 3a", "Fig. 5b"}},
	} {
		svg, err := c.svg()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, w := range c.want {
			if !strings.Contains(string(svg), w) {
				t.Errorf("figure %s has no %q", name, w)
			}
		}
	}
	if _, err := Figure5b(nil); err == nil {
		t.Error("Figure5b without rows")
	}
	if _, err := Figure3a(a[:4]); err == nil {
		t.Error("Figure3a without a complete curve")
	}
	// The samples figure, from samples written and read back.
	dir := t.TempDir()
	s := Samples{N: 16, H: 2, W: 2, C: 3, Generated: [][]float32{make([]float32, 12)}, Nearest: [][]float32{make([]float32, 12)},
		Score: []float64{0.05}, Copy: []bool{true}, Distance: []float64{0.1}, TrainIdx: []int{3}}
	if err := writeSamples(dir, s); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSamples(dir, 16)
	if err != nil || back.TrainIdx[0] != 3 || !back.Copy[0] {
		t.Fatalf("ReadSamples: %+v, %v", back, err)
	}
	if _, err := ReadSamples(dir, 32); err == nil {
		t.Error("samples of an N never written")
	}
	os.WriteFile(filepath.Join(dir, "samples", "n8.json"), []byte(`{"n":8,"h":2,"w":2,"c":3,"generated":[[1]],"nearest":[[1]],"score":[1]}`), 0o644)
	if _, err := ReadSamples(dir, 8); err == nil {
		t.Error("samples of the wrong size read back")
	}
	f, err := FigureSamples([]Samples{back, back}, "ρ₅ < 1/3")
	if err != nil {
		t.Fatal(err)
	}
	svg, err := f.SVG()
	if err != nil || !strings.Contains(string(svg), "0.05 copy") || !strings.Contains(string(svg), "nearest") {
		t.Errorf("samples figure: %v", err)
	}
}

// Hash depends on what the results depend on (the recorded settings), not
// on how the run goes (folder, progress).
func TestHash(t *testing.T) {
	a, b := DefaultConfig("mnist"), DefaultConfig("mnist")
	b.Dir, b.Progress = "elsewhere", func(progress.Update) {}
	if a.Hash() != b.Hash() || len(a.Hash()) != 12 {
		t.Errorf("hashes %s, %s", a.Hash(), b.Hash())
	}
	for _, edit := range []func(*Config){
		func(c *Config) { c.Train.TotalSteps++ },
		func(c *Config) { c.Ns = []int{16} },
		func(c *Config) { c.Copy.K = 3 },
		func(c *Config) { c.Data = "emoji" },
	} {
		c := DefaultConfig("mnist")
		edit(&c)
		if c.Hash() == a.Hash() {
			t.Errorf("a change of settings keeps the hash %s", a.Hash())
		}
	}
}

func TestFigureGallery(t *testing.T) {
	im := synthetic(t, 12)
	f, err := FigureGallery([]string{"synthetic", "again"}, []*datasets.Images{im, im}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if svg, err := f.SVG(); err != nil || !strings.Contains(string(svg), "synthetic (2×2×1)") {
		t.Errorf("gallery SVG: %v", err)
	}
	if _, err := FigureGallery([]string{"one"}, []*datasets.Images{im, im}, 8); err == nil {
		t.Error("one name for two sets: no error")
	}
}
