package molrg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The ground truth of Lemma 1 and Proposition 1 for x_t = s_t x₀ + s_t σ_t ε
// (eq. 3) with x₀ drawn from the noiseless MoLRG of Definition 1: the noise
// level δ of the Model is not used here. Every function takes the noisy data
// x_t one sample per row (N×n) and the scalars s = s_t, sigma = σ_t.

// Weights returns the N×K soft-max weights w⋆_k(x_t) of eq. (8) for every row
// of xt:
//
//	w⋆_k = softmax_k( log π_k − (d_k/2)·log(1 + σ_t⁻²) + φ_t‖U⋆_kᵀx_t‖² ),   (eq. 8)
//	φ_t = 1 / (2 s_t² σ_t² (1+σ_t²)),
//
// computed with a log-sum-exp, so it is stable for any σ_t > 0.
func (m *Model) Weights(xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	if err := m.checkInputs(xt, s, sigma); err != nil {
		return nil, err
	}
	logits, _ := m.logits(xt, s, sigma)
	r, k := logits.Dims()
	for i := range r {
		row := logits.RawRowView(i)
		lse := logSumExp(row)
		for j := range k {
			row[j] = math.Exp(row[j] - lse)
		}
	}
	return logits, nil
}

// PosteriorMean returns E[x₀|x_t] (eq. 8) for every row of xt:
//
//	E[x₀|x_t] = 1/(s_t(1+σ_t²)) · Σ_k w⋆_k(x_t) U⋆_kU⋆_kᵀ x_t.   (eq. 8)
func (m *Model) PosteriorMean(xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	w, err := m.Weights(xt, s, sigma)
	if err != nil {
		return nil, err
	}
	r, n := xt.Dims()
	out := mat.NewDense(r, n, nil)
	c := 1 / (s * (1 + sigma*sigma))
	for k := range m.Bases {
		p := m.project(xt, k) // rows U_kU_kᵀx_t
		for i := range r {
			f := c * w.At(i, k)
			orow, prow := out.RawRowView(i), p.RawRowView(i)
			for j := range n {
				orow[j] += f * prow[j]
			}
		}
	}
	return out, nil
}

// Score returns ∇log p_t(x_t) (eq. 28) for every row of xt:
//
//	∇log p_t(x) = −1/(s_t²σ_t²) · Σ_k w⋆_k(x)·(x − U⋆_kU⋆_kᵀx/(1+σ_t²)).   (eq. 28)
func (m *Model) Score(xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	w, err := m.Weights(xt, s, sigma)
	if err != nil {
		return nil, err
	}
	r, n := xt.Dims()
	out := mat.NewDense(r, n, nil)
	s2 := sigma * sigma
	c := -1 / (s * s * s2)
	for k := range m.Bases {
		p := m.project(xt, k)
		for i := range r {
			wk := w.At(i, k)
			orow, prow, xrow := out.RawRowView(i), p.RawRowView(i), xt.RawRowView(i)
			for j := range n {
				orow[j] += c * wk * (xrow[j] - prow[j]/(1+s2))
			}
		}
	}
	return out, nil
}

// LogDensity returns log p_t(x_t) for every row of xt, with the marginal of
// Lemma 1
//
//	p_t(x) = Σ_k π_k N(x; 0, s_t²(U⋆_kU⋆_kᵀ + σ_t² Iₙ)).   (Lemma 1)
//
// Each Gaussian has log-determinant n·log(s_t²σ_t²) + d_k·log(1+σ_t⁻²) and
// precision (I − U⋆_kU⋆_kᵀ/(1+σ_t²))/(s_t²σ_t²), so
// log p_t(x) = logsumexp_k(logit_k) − (n/2)·log(2π s_t²σ_t²) − ‖x‖²/(2s_t²σ_t²)
// with the logits of eq. (8).
func (m *Model) LogDensity(xt *mat.Dense, s, sigma float64) ([]float64, error) {
	if err := m.checkInputs(xt, s, sigma); err != nil {
		return nil, err
	}
	logits, _ := m.logits(xt, s, sigma)
	r, n := xt.Dims()
	g2 := s * s * sigma * sigma
	out := make([]float64, r)
	for i := range r {
		x := xt.RawRowView(i)
		out[i] = logSumExp(logits.RawRowView(i)) - 0.5*float64(n)*math.Log(2*math.Pi*g2) - dot(x, x)/(2*g2)
	}
	return out, nil
}

// RankBound is Σ_k d_k, the bound of Lemma 2: the Jacobian ∇_{x_t}E[x₀|x_t]
// of the posterior mean has rank at most Σ_k d_k at every x_t and t, because
// every column of it lies in the span of the union of the subspaces U⋆_k.
func (m *Model) RankBound() int {
	r := 0
	for _, d := range m.Dims() {
		r += d
	}
	return r
}

// logits returns the N×K logits of eq. (8) and φ_t.
func (m *Model) logits(xt *mat.Dense, s, sigma float64) (*mat.Dense, float64) {
	r, _ := xt.Dims()
	s2 := sigma * sigma
	phi := 1 / (2 * s * s * s2 * (1 + s2)) // φ_t, eq. 8
	l1p := math.Log1p(1 / s2)              // log(1 + σ_t⁻²)
	out := mat.NewDense(r, m.K(), nil)
	for k, u := range m.Bases {
		_, d := u.Dims()
		var c mat.Dense
		c.Mul(xt, u) // rows U_kᵀx_t
		base := math.Log(m.Pi[k]) - 0.5*float64(d)*l1p
		for i := range r {
			ci := c.RawRowView(i)
			out.Set(i, k, base+phi*dot(ci, ci)) // eq. 8
		}
	}
	return out, phi
}

// project returns the rows U_kU_kᵀx_t.
func (m *Model) project(xt *mat.Dense, k int) *mat.Dense {
	var c, p mat.Dense
	c.Mul(xt, m.Bases[k])
	p.Mul(&c, m.Bases[k].T())
	return &p
}

// checkInputs validates the model, the level (s_t, σ_t) and the data x_t.
func (m *Model) checkInputs(xt *mat.Dense, s, sigma float64) error {
	if err := m.check(); err != nil {
		return err
	}
	if err := CheckLevel(s, sigma); err != nil {
		return err
	}
	if xt == nil {
		return fmt.Errorf("molrg: data x_t is nil, want an N×n matrix with n = %d", m.N)
	}
	r, c := xt.Dims()
	if c != m.N {
		return fmt.Errorf("molrg: data x_t has %d columns, want n = %d (one sample per row)", c, m.N)
	}
	for i := range r {
		for j, v := range xt.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("molrg: data x_t[%d][%d] = %v, want finite values", i, j, v)
			}
		}
	}
	return nil
}

// CheckLevel validates a noise level of the forward process (eq. 3): it
// returns an error unless s_t > 0 and σ_t > 0 are both finite.
func CheckLevel(s, sigma float64) error {
	if !(s > 0) || math.IsInf(s, 0) {
		return fmt.Errorf("molrg: scale s_t = %v, want a finite s_t > 0", s)
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("molrg: noise level σ_t = %v, want a finite σ_t > 0", sigma)
	}
	return nil
}

// check validates a Model that may have been built by hand.
func (m *Model) check() error {
	if m.K() < 1 {
		return fmt.Errorf("molrg: model has K = 0 components, want K ≥ 1")
	}
	for k, u := range m.Bases {
		if u == nil {
			return fmt.Errorf("molrg: basis U_%d is nil, want an n×d_k matrix", k)
		}
		r, d := u.Dims()
		if r != m.N || d < 1 || d > m.N {
			return fmt.Errorf("molrg: basis U_%d is %d×%d, want n×d_k with n = %d and 1 ≤ d_k ≤ n", k, r, d, m.N)
		}
	}
	return validatePi(m.Pi, m.K())
}

func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = math.Max(mx, x)
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
