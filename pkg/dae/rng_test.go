package dae

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
)

// TestRandomWordsMatchHost checks the in-graph counter RNG against the same
// SplitMix64 formula evaluated on the host.
func TestRandomWordsMatchHost(t *testing.T) {
	keys := []uint64{InstanceKey(1, 2), InstanceKey(1, 3)}
	const step, stream, rows, cols = 7, 2, 3, 5
	out, err := ExecOnce(testBackend(), func(k, s *Node) *Node {
		return randomWords(k, s, stream, rows, cols)
	}, keys, uint64(step))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[uint64](out)
	for i, key := range keys {
		for p := range rows * cols {
			c := uint64(step)<<34 + uint64(stream)<<32 + uint64(p)
			// mix64(κ + (c+1)γ) equals splitMix64(κ + cγ) (splitMix64 adds γ first).
			want := splitMix64(key + c*golden64)
			if got[i*rows*cols+p] != want {
				t.Fatalf("word[%d,%d] = %x, want %x", i, p, got[i*rows*cols+p], want)
			}
		}
	}
}

// TestRandomNormalMoments checks mean 0, variance 1 and a tail probability
// of the in-graph normals against their standard errors.
func TestRandomNormalMoments(t *testing.T) {
	const m = 1 << 16
	out, err := ExecOnce(testBackend(), func(k, s *Node) *Node {
		return randomNormal(k, s, 1, m/64, 64)
	}, []uint64{InstanceKey(3, 4)}, uint64(0))
	if err != nil {
		t.Fatal(err)
	}
	z := tensors.MustCopyFlatData[float32](out)
	var s1, s2, tail float64
	for _, v := range z {
		s1 += float64(v)
		s2 += float64(v) * float64(v)
		if math.Abs(float64(v)) > 1.959964 {
			tail++
		}
	}
	mean, vr, pt := s1/m, s2/m, tail/m
	if math.Abs(mean) > 4/math.Sqrt(m) {
		t.Errorf("mean = %v, want 0 ± %v", mean, 4/math.Sqrt(m))
	}
	if math.Abs(vr-1) > 4*math.Sqrt(2.0/m) {
		t.Errorf("variance = %v, want 1 ± %v", vr, 4*math.Sqrt(2.0/m))
	}
	if se := math.Sqrt(0.05 * 0.95 / m); math.Abs(pt-0.05) > 4*se {
		t.Errorf("P(|z| > 1.96) = %v, want 0.05 ± %v", pt, 4*se)
	}
}

// TestCosPoly: the polynomial cosine of randomNormal against math.Cos on a
// fine grid of [0, 2π], the quadrant boundaries included.
func TestCosPoly(t *testing.T) {
	const m = 1 << 14
	theta := make([]float32, m+1)
	for i := range theta {
		theta[i] = float32(2 * math.Pi * float64(i) / m)
	}
	out, err := ExecOnce(testBackend(), cosPoly, theta)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, v := range tensors.MustCopyFlatData[float32](out) {
		worst = math.Max(worst, math.Abs(float64(v)-math.Cos(float64(theta[i]))))
	}
	t.Logf("max |cosPoly − cos| = %.2g", worst)
	if worst > 3e-7 {
		t.Errorf("max |cosPoly − cos| = %.3g, want ≤ 3e-7", worst)
	}
}
