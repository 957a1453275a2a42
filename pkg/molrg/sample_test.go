package molrg

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestBasesOrthonormal checks U_kᵀU_k = I for every basis and U_kᵀU_l = 0
// (k ≠ l) for orthogonal subspaces, to 1e-12 in every entry.
func TestBasesOrthonormal(t *testing.T) {
	for _, orth := range []bool{true, false} {
		m, err := New(Params{N: 10, Dims: []int{3, 4, 2}, Orthogonal: orth}, 1)
		if err != nil {
			t.Fatal(err)
		}
		for k, u := range m.Bases {
			for l, v := range m.Bases {
				if l != k && !orth {
					continue
				}
				var g mat.Dense
				g.Mul(u.T(), v)
				r, c := g.Dims()
				for i := range r {
					for j := range c {
						want := 0.0
						if k == l && i == j {
							want = 1
						}
						if math.Abs(g.At(i, j)-want) > 1e-12 {
							t.Fatalf("orthogonal=%v: (U_%dᵀU_%d)[%d][%d] = %g, want %g", orth, k, l, i, j, g.At(i, j), want)
						}
					}
				}
			}
		}
	}
}

// TestSampleCovariance is a Monte-Carlo check of Definition 1 and eq. (10):
// the samples of component k have mean 0 and covariance U_kU_kᵀ + δ²Iₙ. With
// N_k = 20000 samples each entry of the empirical covariance has standard
// deviation ≤ √(2·1.09²/N_k) ≈ 0.011; the tolerance is 0.06 (> 5 standard
// deviations) on every entry, 0.05 on every entry of the mean.
func TestSampleCovariance(t *testing.T) {
	const nk, tolCov, tolMean = 20000, 0.06, 0.05
	for _, orth := range []bool{true, false} {
		m, err := New(Params{N: 6, Dims: []int{2, 3}, Orthogonal: orth, Noise: 0.3}, 4)
		if err != nil {
			t.Fatal(err)
		}
		smp, err := m.SampleCounts([]int{nk, nk}, 9)
		if err != nil {
			t.Fatal(err)
		}
		for k, u := range m.Bases {
			x := smp.X.Slice(k*nk, (k+1)*nk, 0, 6)
			for i := range nk {
				if smp.Labels[k*nk+i] != k {
					t.Fatalf("label of sample %d = %d, want %d (samples grouped by component)", k*nk+i, smp.Labels[k*nk+i], k)
				}
			}
			var cov, want mat.Dense
			cov.Mul(x.T(), x)
			cov.Scale(1/float64(nk), &cov)
			want.Mul(u, u.T())
			for j := range 6 {
				want.Set(j, j, want.At(j, j)+m.Noise*m.Noise)
				mean := mat.Sum(x.(*mat.Dense).ColView(j)) / nk
				if math.Abs(mean) > tolMean {
					t.Errorf("orthogonal=%v component %d: mean_%d = %g, want 0 ± %g", orth, k, j, mean, tolMean)
				}
			}
			for i := range 6 {
				for j := range 6 {
					if d := math.Abs(cov.At(i, j) - want.At(i, j)); d > tolCov {
						t.Errorf("orthogonal=%v component %d: cov[%d][%d] = %.4f, want (U_kU_kᵀ + δ²I) = %.4f ± %g",
							orth, k, i, j, cov.At(i, j), want.At(i, j), tolCov)
					}
				}
			}
		}
	}
}

// TestSampleMixture checks that Sample draws component k with frequency π_k
// (tolerance 0.015 ≈ 5 standard deviations for N = 20000) and that without
// noise every sample lies in the subspace of its label.
func TestSampleMixture(t *testing.T) {
	const n = 20000
	m, err := New(Params{N: 5, Dims: []int{1, 2, 2}, Pi: []float64{0.2, 0.5, 0.3}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	smp, err := m.Sample(n, 12)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]float64, 3)
	for i, k := range smp.Labels {
		counts[k]++
		x := mat.NewVecDense(5, smp.X.RawRowView(i))
		var c, p mat.VecDense
		c.MulVec(m.Bases[k].T(), x)
		p.MulVec(m.Bases[k], &c)
		p.SubVec(x, &p)
		if r := mat.Norm(&p, 2); r > 1e-12 {
			t.Fatalf("sample %d: ‖(I − U_kU_kᵀ)x‖ = %g, want 0 (δ = 0)", i, r)
		}
	}
	for k, c := range counts {
		if f := c / n; math.Abs(f-m.Pi[k]) > 0.015 {
			t.Errorf("frequency of component %d = %.4f, want π_%d = %g ± 0.015", k, f, k, m.Pi[k])
		}
	}
}

// TestSeeds checks that the same seed gives identical models and samples and
// that another seed gives different ones.
func TestSeeds(t *testing.T) {
	p := Params{N: 6, Dims: []int{2, 2}, Orthogonal: true, Noise: 0.1}
	draw := func(modelSeed, sampleSeed uint64) (*Model, *Samples, *Samples) {
		m, err := New(p, modelSeed)
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.Sample(50, sampleSeed)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.SampleCounts([]int{3, 4}, sampleSeed)
		if err != nil {
			t.Fatal(err)
		}
		return m, a, b
	}
	m1, a1, b1 := draw(1, 2)
	m2, a2, b2 := draw(1, 2)
	for k := range m1.Bases {
		if !mat.Equal(m1.Bases[k], m2.Bases[k]) {
			t.Errorf("same seed: basis U_%d differs", k)
		}
	}
	if !mat.Equal(a1.X, a2.X) || !mat.Equal(b1.X, b2.X) {
		t.Error("same seed: samples differ")
	}
	for i := range a1.Labels {
		if a1.Labels[i] != a2.Labels[i] {
			t.Fatal("same seed: labels differ")
		}
	}
	m3, a3, _ := draw(3, 2)
	if mat.Equal(m1.Bases[0], m3.Bases[0]) {
		t.Error("different model seeds give the same basis")
	}
	_, a4, _ := draw(1, 5)
	if mat.Equal(a1.X, a4.X) || mat.Equal(a1.X, a3.X) {
		t.Error("different seeds give the same samples")
	}
}
