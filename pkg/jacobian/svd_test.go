package jacobian_test

import (
	"math"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
	"gonum.org/v1/gonum/mat"
)

// J = U·diag(S)·Vᵀ with orthonormal U, V and decreasing S.
func TestSVDReconstructs(t *testing.T) {
	j := gaussian(6, 6, 11)
	u, s, v, err := jacobian.SVD(j)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(s); i++ {
		if s[i] > s[i-1] {
			t.Fatalf("singular values not decreasing: %v", s)
		}
	}
	var us, rec, utu mat.Dense
	us.Mul(u, mat.NewDiagDense(len(s), s))
	rec.Mul(&us, v.T())
	if d := maxAbsDiff(&rec, j); d > 1e-12 {
		t.Errorf("‖UΣVᵀ − J‖ = %.3g", d)
	}
	utu.Mul(u.T(), u)
	if d := maxAbsDiff(&utu, eye(6)); d > 1e-12 {
		t.Errorf("‖UᵀU − I‖ = %.3g", d)
	}
}

func eye(n int) *mat.Dense {
	e := mat.NewDense(n, n, nil)
	for i := range n {
		e.Set(i, i, 1)
	}
	return e
}

// Editing to first order (Figure 6): x_θ(x_t + λv_1) ≈ x_θ(x_t) + λ s_1 u_1,
// checked on the ground-truth posterior mean with the float64 host code.
func TestEditingFirstOrder(t *testing.T) {
	m, _ := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 4)
	data, _ := m.Sample(1, 3)
	const sigma = 0.7
	var xt mat.Dense
	xt.Scale(sigma, gaussian(1, 12, 8))
	xt.Add(&xt, data.X)
	c, _ := jacobian.New(backend.Must(), truth(m), jacobian.Options{})
	js, err := c.At(&xt, sigma)
	if err != nil {
		t.Fatal(err)
	}
	u, s, v, _ := jacobian.SVD(js[0])
	base, _ := m.PosteriorMean(&xt, 1, sigma)
	for _, lambda := range []float64{-1e-3, 1e-3} {
		moved := mat.DenseCopyOf(&xt)
		for i := range 12 {
			moved.Set(0, i, moved.At(0, i)+lambda*v.At(i, 0))
		}
		got, _ := m.PosteriorMean(moved, 1, sigma)
		for i := range 12 {
			want := base.At(0, i) + lambda*s[0]*u.At(i, 0)
			if math.Abs(got.At(0, i)-want) > 1e-5 {
				t.Errorf("λ = %v, coordinate %d: x_θ(x_t+λv₁) = %.8f, first order %.8f", lambda, i, got.At(0, i), want)
			}
		}
	}
}

// Figure 3 for the ground truth: along the 18-step Heun trajectory the rank
// starts at Σd_k = 5 (σ = 80, low SNR) and ends at d_k of the component the
// sample lands on (σ ≤ 0.03, high SNR).
func TestRankAlongTrajectory(t *testing.T) {
	m, _ := molrg.New(molrg.Params{N: 12, Dims: []int{2, 3}, Orthogonal: true}, 4)
	s, _ := sampler.New(backend.Must(), sampler.Denoiser(truth(m)), sampler.Options{})
	res, err := s.EDMSeed(6, 12, 5, sampler.DefaultConfig(), true)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := jacobian.New(backend.Must(), truth(m), jacobian.Options{})
	ranks, err := c.RankAlong(res.Trajectory, res.Sigmas, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	if ranks[18] != nil {
		t.Errorf("rank at σ = 0 computed: %v, want nil (skipped)", ranks[18])
	}
	for b := range 6 {
		x := res.X.RawRowView(b)
		k := 0
		if norm2Proj(m.Bases[1], x) > norm2Proj(m.Bases[0], x) {
			k = 1
		}
		if ranks[0][b] != 5 {
			t.Errorf("sample %d at σ = 80: rank %d, want Σd_k = 5", b, ranks[0][b])
		}
		for i := range 18 {
			if res.Sigmas[i] <= 0.03 && ranks[i][b] != m.Dims()[k] {
				t.Errorf("sample %d at σ = %.3g: rank %d, want d_%d = %d", b, res.Sigmas[i], ranks[i][b], k, m.Dims()[k])
			}
		}
	}
}

func norm2Proj(u *mat.Dense, x []float64) float64 {
	var c mat.VecDense
	c.MulVec(u.T(), mat.NewVecDense(len(x), x))
	return mat.Dot(&c, &c)
}
