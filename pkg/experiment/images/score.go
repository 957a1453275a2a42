package images

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/molrg/molrg/pkg/metrics"
	"gonum.org/v1/gonum/mat"
)

// score computes the Figure 5(b) row of N = n from the generated images,
// the training images x and the held-out images, and writes the first
// Config.Grid generated images with their nearest training images
// (samples/n<N>.json) before the row goes into the table.
func (r *runner) score(n int, gen, x *mat.Dense) (Row, error) {
	c := r.c
	row := Row{Figure: Fig5b, Data: c.Data, N: n, Index: -1, SNR: nan, Sigma: nan, Rank: nan, Ratio: nan}
	s, err := c.Copy.Scores(gen, x)
	if err != nil {
		return Row{}, err
	}
	row.GL = c.Copy.FractionNotCopies(s)
	row.ScoreMedian = median(s)
	if row.GLTrain, err = c.Copy.GL(x, x); err != nil {
		return Row{}, err
	}
	if row.GLHeld, err = c.Copy.GL(r.held, x); err != nil {
		return Row{}, err
	}
	if row.GLPixCos, err = metrics.ImageGL(gen, x, nil, metrics.CopyThreshold); err != nil {
		return Row{}, err
	}
	if row.GLPixCosHeld, err = metrics.ImageGL(r.held, x, nil, metrics.CopyThreshold); err != nil {
		return Row{}, err
	}
	if row.DistGen, err = metrics.MeanNearestDistance(gen, x); err != nil {
		return Row{}, err
	}
	if row.DistHeld, err = metrics.MeanNearestDistance(r.held, x); err != nil {
		return Row{}, err
	}
	if c.Dir != "" && c.Grid > 0 {
		if err := writeSamples(c.Dir, r.samples(n, gen, x, s)); err != nil {
			return Row{}, err
		}
	}
	return row, nil
}

// Samples are the first generated images of one N with their nearest
// training images, for the figure of generated samples.
type Samples struct {
	N         int         `json:"n"`
	H         int         `json:"h"`
	W         int         `json:"w"`
	C         int         `json:"c"`
	Generated [][]float32 `json:"generated"`
	Nearest   [][]float32 `json:"nearest"`     // the training image nearest to each (Euclidean)
	Score     []float64   `json:"score"`       // its copy statistic (ρ_k or the cosine)
	Copy      []bool      `json:"copy"`        // whether the copy test calls it a copy
	Distance  []float64   `json:"distance"`    // ‖x̂ − nearest‖
	TrainIdx  []int       `json:"train_index"` // the nearest image's position in the training set
}

// samples picks the first Grid generated images and their nearest
// training images.
func (r *runner) samples(n int, gen, x *mat.Dense, score []float64) Samples {
	c := r.c
	s := Samples{N: n, H: c.Size, W: c.Size, C: c.Channels}
	m, _ := gen.Dims()
	for j := range min(c.Grid, m) {
		g := gen.RawRowView(j)
		i, d := nearest(g, x)
		s.Generated = append(s.Generated, toFloat32(g))
		s.Nearest = append(s.Nearest, toFloat32(x.RawRowView(i)))
		s.Score = append(s.Score, score[j])
		s.Copy = append(s.Copy, c.Copy.IsCopy(score[j]))
		s.Distance = append(s.Distance, d)
		s.TrainIdx = append(s.TrainIdx, i)
	}
	return s
}

// SamplesPath is the file of the generated samples of N = n in dir.
func SamplesPath(dir string, n int) string {
	return filepath.Join(dir, "samples", fmt.Sprintf("n%d.json", n))
}

// writeSamples writes s atomically (temporary file, fsync, rename).
func writeSamples(dir string, s Samples) error {
	path := SamplesPath(dir, s.N)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReadSamples reads the generated samples of N = n that a run wrote in dir.
func ReadSamples(dir string, n int) (Samples, error) {
	var s Samples
	b, err := os.ReadFile(SamplesPath(dir, n))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("images: %s: %w", SamplesPath(dir, n), err)
	}
	d := s.H * s.W * s.C
	if s.N != n || d < 1 || len(s.Nearest) != len(s.Generated) || len(s.Score) != len(s.Generated) {
		return s, fmt.Errorf("images: %s is not the samples of N = %d", SamplesPath(dir, n), n)
	}
	for k := range s.Generated {
		if len(s.Generated[k]) != d || len(s.Nearest[k]) != d {
			return s, fmt.Errorf("images: %s: image %d has the wrong size", SamplesPath(dir, n), k)
		}
	}
	return s, nil
}

// nearest returns the row of x nearest to v and its distance (brute force).
func nearest(v []float64, x *mat.Dense) (int, float64) {
	r, _ := x.Dims()
	best, bi := math.Inf(1), 0
	for i := range r {
		s := 0.0
		for k, w := range x.RawRowView(i) {
			d := w - v[k]
			s += d * d
		}
		if s < best {
			best, bi = s, i
		}
	}
	return bi, math.Sqrt(best)
}

func toFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return nan
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
