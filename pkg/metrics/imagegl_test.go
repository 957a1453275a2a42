package metrics_test

import (
	"math"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/metrics"
	"gonum.org/v1/gonum/mat"
)

// Copies of training images (scaled: the descriptor is normalized) → GL = 0.
func TestImageGLDuplicates(t *testing.T) {
	train := gaussian(20, 64, 1)
	gen := mat.NewDense(20, 64, nil)
	gen.Scale(3, train)
	gl, err := metrics.ImageGL(gen, train, nil, metrics.CopyThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if gl != 0 {
		t.Errorf("GL of copies = %v, want 0", gl)
	}
}

// Random directions in high dimension are nearly orthogonal (cosines
// ~ N(0, 1/n), n = 2000) → no copies, GL = 1.
func TestImageGLRandom(t *testing.T) {
	train, gen := gaussian(100, 2000, 1), gaussian(50, 2000, 2)
	sims, err := metrics.MaxSimilarity(gen, train, metrics.Identity)
	if err != nil {
		t.Fatal(err)
	}
	for j, s := range sims {
		if s > 0.2 {
			t.Errorf("max similarity of random image %d = %.3f, want ≈ 0", j, s)
		}
	}
	gl, _ := metrics.ImageGL(gen, train, metrics.Identity, metrics.CopyThreshold)
	if gl != 1 {
		t.Errorf("GL of random images = %v, want 1", gl)
	}
}

// Cosines set by hand: 0.8, 0.5 and 0.61 to the training image e₁ → two
// copies out of three. A descriptor that keeps only |x₂| maps all to the same
// direction → zero GL.
func TestImageGLThresholdAndDescriptor(t *testing.T) {
	train := mat.NewDense(1, 3, []float64{1, 0, 0})
	c := []float64{0.8, 0.5, 0.61}
	gen := mat.NewDense(3, 3, nil)
	for j, v := range c {
		gen.SetRow(j, []float64{v, math.Sqrt(1 - v*v), 0})
	}
	sims, _ := metrics.MaxSimilarity(gen, train, nil)
	for j := range c {
		if math.Abs(sims[j]-c[j]) > 1e-12 {
			t.Errorf("similarity %d = %v, want %v", j, sims[j], c[j])
		}
	}
	gl, _ := metrics.ImageGL(gen, train, nil, metrics.CopyThreshold)
	if math.Abs(gl-1.0/3) > 1e-12 {
		t.Errorf("GL = %v, want 1/3", gl)
	}
	first := func(x []float64) []float64 { return []float64{math.Abs(x[0]) + 1} }
	gl, _ = metrics.ImageGL(gen, train, first, metrics.CopyThreshold)
	if gl != 0 {
		t.Errorf("GL with a constant-direction descriptor = %v, want 0", gl)
	}
}

func TestImageGLErrors(t *testing.T) {
	a := gaussian(2, 4, 1)
	bad := func(x []float64) []float64 { return x[:int(math.Abs(x[0])*10)%3+1] }
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"threshold", func() error { _, e := metrics.ImageGL(a, a, nil, 2); return e }(), "threshold"},
		{"dims", func() error { _, e := metrics.ImageGL(a, gaussian(2, 5, 1), nil, 0.6); return e }(), "same dimension"},
		{"descriptor length", func() error {
			_, e := metrics.ImageGL(gaussian(40, 4, 5), a, bad, 0.6)
			return e
		}(), "descriptor"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, c.err, c.want)
		}
	}
}
