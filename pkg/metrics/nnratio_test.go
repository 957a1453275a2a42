package metrics_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/molrg/molrg/pkg/metrics"
	"github.com/molrg/molrg/pkg/param"
	"gonum.org/v1/gonum/mat"
)

// bruteKNearest sorts all distances of every row of x to the rows of ref.
func bruteKNearest(x, ref *mat.Dense, k int) [][]float64 {
	m, _ := x.Dims()
	r, _ := ref.Dims()
	out := make([][]float64, m)
	for j := range m {
		d := make([]float64, r)
		for i := range r {
			d[i] = mat.Norm(mat.NewVecDense(len(x.RawRowView(j)), sub(x.RawRowView(j), ref.RawRowView(i))), 2)
		}
		sort.Float64s(d)
		out[j] = d[:k]
	}
	return out
}

func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// KNearestDistances agrees with sorting every distance, on data with exact
// duplicates and near-ties, for rows of both sets and across block
// boundaries (300 query rows > the 256-row block).
func TestKNearestDistancesBruteForce(t *testing.T) {
	ref := gaussian(60, 7, 3)
	for i := 0; i < 10; i++ { // duplicates and a near-tie
		ref.SetRow(30+i, ref.RawRowView(i))
	}
	ref.Set(50, 0, ref.At(0, 0)+1e-9)
	x := gaussian(300, 7, 4)
	for i := 0; i < 20; i++ {
		x.SetRow(i, ref.RawRowView(i))
	}
	for _, k := range []int{1, 2, 5, 60} {
		got, err := metrics.KNearestDistances(x, ref, k)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteKNearest(x, ref, k)
		for j := range want {
			for q := range want[j] {
				if math.Abs(got[j][q]-want[j][q]) > 1e-12 {
					t.Fatalf("k = %d, row %d, neighbour %d: %v, brute force %v", k, j, q, got[j][q], want[j][q])
				}
			}
		}
		if k >= 2 && (got[0][0] != 0 || got[0][1] != 0) {
			t.Errorf("k = %d: a row duplicated twice in ref has distances %v, want 0, 0, …", k, got[0][:2])
		}
	}
	// ρ_k by hand from the brute-force distances.
	rho, err := metrics.NearestRatios(x, ref, 5)
	if err != nil {
		t.Fatal(err)
	}
	for j, d := range bruteKNearest(x, ref, 5) {
		s := d[0] + d[1] + d[2] + d[3] + d[4]
		want := 0.0
		if s > 0 {
			want = d[0] / (s / 5)
		}
		if math.Abs(rho[j]-want) > 1e-12 {
			t.Fatalf("ρ₅ of row %d = %v, brute force %v", j, rho[j], want)
		}
	}
}

// uniformSquare draws n points uniform in [lo, hi]².
func uniformSquare(n int, lo, hi float64, s uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(s, 11))
	x := mat.NewDense(n, 2, nil)
	for i := range n {
		x.Set(i, 0, lo+(hi-lo)*rng.Float64())
		x.Set(i, 1, lo+(hi-lo)*rng.Float64())
	}
	return x
}

// For a fresh point of a locally uniform density of intrinsic dimension m,
// the nearest-neighbour distances of N points are those of a Poisson
// process, so P(d₁/d₂ < t) = t^m whatever N, and ρ₂ = 2d₁/(d₁+d₂) < τ ⟺
// d₁/d₂ < τ/(2−τ): P(ρ₂ < τ) = (τ/(2−τ))^m. Uniform points in the unit
// square (m = 2), fresh points away from the border: the fraction of fresh
// points the test calls copies is (1/3)² = 1/9 for τ = 1/2, at N = 2000 and
// N = 20000 alike (4000 fresh points: standard error 0.005).
func TestRatioDistributionDoesNotDependOnN(t *testing.T) {
	fresh := uniformSquare(4000, 0.3, 0.7, 2)
	want := math.Pow(0.5/1.5, 2)
	for _, n := range []int{2000, 20000} {
		train := uniformSquare(n, 0, 1, uint64(n))
		gl, err := metrics.RatioGL(fresh, train, 2, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		if got := 1 - gl; math.Abs(got-want) > 0.02 {
			t.Errorf("N = %d: %.4f of fresh points are copies, want (1/3)² = %.4f", n, got, want)
		}
	}
}

// sphere draws n points uniform on the unit sphere of ℝᵐ.
func sphere(n, m int, s uint64) *mat.Dense {
	x := gaussian(n, m, s)
	for i := range n {
		row := x.RawRowView(i)
		nrm := math.Sqrt(mat.Dot(mat.NewVecDense(m, row), mat.NewVecDense(m, row)))
		for j := range row {
			row[j] /= nrm
		}
	}
	return x
}

// The calibration of the image GL score on synthetic data (a training set
// of N points on the sphere of ℝ⁸ and held-out points of the same
// distribution): the training points themselves are all copies (GL = 0),
// exact copies of training points too, and the held-out points score
// GL ≥ 0.95 at every N from 16 to 4096 with the default test, within 0.03
// of each other; the cosine test with threshold 0.6 on the same points
// drifts: it calls more than 40 % more of them copies at N = 4096 than at
// N = 16.
func TestCopyTestCalibration(t *testing.T) {
	const m = 8
	held := sphere(1000, m, 1)
	pool := sphere(4096, m, 2)
	ratio := metrics.DefaultCopyTest()
	cosine := metrics.CosineCopyTest(nil, "pixels")
	var heldGL, cosGL []float64
	for n := 16; n <= 4096; n *= 4 {
		train := mat.DenseCopyOf(pool.Slice(0, n, 0, m))
		self, err := ratio.GL(train, train)
		if err != nil {
			t.Fatal(err)
		}
		if self != 0 {
			t.Errorf("N = %d: GL of the training points = %v, want 0", n, self)
		}
		copies := mat.NewDense(50, m, nil)
		for j := range 50 {
			copies.SetRow(j, train.RawRowView(j%n))
		}
		if gl, _ := ratio.GL(copies, train); gl != 0 {
			t.Errorf("N = %d: GL of exact copies = %v, want 0", n, gl)
		}
		gl, err := ratio.GL(held, train)
		if err != nil {
			t.Fatal(err)
		}
		if gl < 0.95 {
			t.Errorf("N = %d: GL of held-out points = %.3f, want ≥ 0.95", n, gl)
		}
		heldGL = append(heldGL, gl)
		c, err := cosine.GL(held, train)
		if err != nil {
			t.Fatal(err)
		}
		cosGL = append(cosGL, c)
	}
	lo, hi := heldGL[0], heldGL[0]
	for _, v := range heldGL {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo > 0.03 {
		t.Errorf("held-out GL drifts with N: %.3f", heldGL)
	}
	if cosGL[0]-cosGL[len(cosGL)-1] < 0.4 {
		t.Errorf("cosine GL of held-out points %.3f: want a drift of more than 0.4 from N = 16 to 4096", cosGL)
	}
}

// Noisy copies: training images plus noise much smaller than the spacing of
// the training set are still copies; noise as large as the spacing is not.
func TestRatioNoisyCopies(t *testing.T) {
	train := sphere(500, 8, 5)
	rng := rand.New(rand.NewPCG(9, 9))
	near := mat.NewDense(200, 8, nil)
	for j := range 200 {
		for q, v := range train.RawRowView(j) {
			near.Set(j, q, v+0.005*rng.NormFloat64())
		}
	}
	if gl, _ := metrics.DefaultCopyTest().GL(near, train); gl != 0 {
		t.Errorf("GL of copies with noise 0.005 (nearest-neighbour spacing ≈ 0.4) = %v, want 0", gl)
	}
}

func TestCopyTestValidateAndDescriptor(t *testing.T) {
	for _, c := range []struct {
		test metrics.CopyTest
		name string
	}{
		{metrics.CopyTest{Method: "ssim"}, "Method"},
		{metrics.CopyTest{Method: metrics.CopyRatio, K: 1, Threshold: 0.3}, "K"},
		{metrics.CopyTest{Method: metrics.CopyRatio, K: 5, Threshold: 0}, "Threshold"},
		{metrics.CopyTest{Method: metrics.CopyRatio, K: 5, Threshold: math.NaN()}, "Threshold"},
		{metrics.CopyTest{Method: metrics.CopyCosine, Threshold: 1.5}, "Threshold"},
	} {
		var pe *param.Error
		if err := c.test.Validate(); !errors.As(err, &pe) || pe.Name != c.name {
			t.Errorf("%+v: Validate() = %v, want a *param.Error naming %s", c.test, err, c.name)
		}
	}
	a, b := gaussian(30, 6, 1), gaussian(40, 6, 2)
	// The cosine test is ImageGL.
	gl1, err := metrics.CosineCopyTest(nil, "").GL(a, b)
	if err != nil {
		t.Fatal(err)
	}
	gl2, _ := metrics.ImageGL(a, b, nil, metrics.CopyThreshold)
	if gl1 != gl2 {
		t.Errorf("cosine CopyTest GL %v, ImageGL %v", gl1, gl2)
	}
	// A descriptor is applied before the ratio test: keeping the first
	// coordinate only, ρ is that of the 1-D points.
	first := func(x []float64) []float64 { return x[:1] }
	ct := metrics.DefaultCopyTest()
	ct.Descriptor = first
	got, err := ct.Scores(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := metrics.NearestRatios(mat.DenseCopyOf(a.Slice(0, 30, 0, 1)), mat.DenseCopyOf(b.Slice(0, 40, 0, 1)), metrics.RatioK)
	for j := range want {
		if got[j] != want[j] {
			t.Fatalf("ρ with a descriptor, row %d: %v, want %v", j, got[j], want[j])
		}
	}
	if _, err := metrics.NearestRatios(a, b, 1); err == nil {
		t.Error("NearestRatios with k = 1: no error")
	}
	if _, err := metrics.KNearestDistances(a, b, 41); err == nil {
		t.Error("k larger than the reference set: no error")
	}
	if _, err := metrics.RatioGL(a, b, 5, 1.5); err == nil {
		t.Error("RatioGL with τ = 1.5: no error")
	}
	ct.Descriptor = func(x []float64) []float64 { return x[:1+int(math.Abs(x[0])*10)%2] }
	if _, err := ct.GL(a, b); err == nil {
		t.Error("a descriptor of varying length: no error")
	}
}
