package images

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/molrg/molrg/pkg/plot"
)

// ReadAllSamples reads every Samples a run wrote into dir (one per N that
// finished), by increasing N.
func ReadAllSamples(dir string) ([]Samples, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "samples", "n*.json"))
	if err != nil {
		return nil, err
	}
	var out []Samples
	for _, p := range paths {
		var n int
		if _, err := fmt.Sscanf(filepath.Base(p), "n%d.json", &n); err != nil || SamplesPath(dir, n) != p {
			continue // not a samples file
		}
		s, err := ReadSamples(dir, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Samples) int { return a.N - b.N })
	return out, nil
}

// SamplesExplorer is an explorer over runs (sets[i]: the samples of run
// names[i], as ReadAllSamples returns them) and their training-set sizes N:
// each frame shows the generated images of one (run, N) above their nearest
// training images, as FigureSamples draws them. N runs over every size any
// run sampled; a run without samples at that N shows its nearest N, and the
// caption says so. It starts at the smallest N (memorization). With one run
// the only control is N.
func SamplesExplorer(names []string, sets [][]Samples, statistic string) (*plot.Explorer, error) {
	if len(names) != len(sets) || len(sets) == 0 {
		return nil, fmt.Errorf("images: %d names for %d runs, want one per run and at least one", len(names), len(sets))
	}
	var ns []int
	for i, set := range sets {
		if len(set) == 0 {
			return nil, fmt.Errorf("images: run %s has no samples", names[i])
		}
		for _, s := range set {
			if !slices.Contains(ns, s.N) {
				ns = append(ns, s.N)
			}
		}
	}
	slices.Sort(ns)
	// With one run there is no data-set control (a control must change the figure).
	params := []plot.Param{plot.Ints("N", ns, ns[0])}
	if len(sets) > 1 {
		params = append([]plot.Param{plot.Choices("data", names, 0)}, params...)
	}
	render := func(at []int) (*plot.Figure, error) {
		run, want := 0, ns[at[len(at)-1]]
		if len(sets) > 1 {
			run = at[0]
		}
		s := nearestN(sets[run], want)
		f, err := FigureSamples([]Samples{s}, statistic)
		if err != nil {
			return nil, err
		}
		copies := 0
		for _, c := range s.Copy {
			if c {
				copies++
			}
		}
		f.Caption = fmt.Sprintf("%s, N = %d: %d of the %d generated images shown are copies", names[run], s.N, copies, len(s.Copy))
		if s.N != want {
			f.Caption += fmt.Sprintf(" (no samples at N = %d: the nearest N run)", want)
		}
		return f, nil
	}
	return &plot.Explorer{
		Params: params,
		Render: render,
		PNG:    true,
	}, nil
}

// nearestN is the set whose N is nearest to n (on a log scale; sets is
// sorted by N and not empty).
func nearestN(sets []Samples, n int) Samples {
	best := sets[0]
	for _, s := range sets[1:] {
		if ratio(s.N, n) < ratio(best.N, n) {
			best = s
		}
	}
	return best
}

func ratio(a, b int) float64 { return float64(max(a, b)) / float64(min(a, b)) }
