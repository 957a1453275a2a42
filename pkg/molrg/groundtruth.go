package molrg

import (
	"errors"
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/diffusion"
	"gonum.org/v1/gonum/mat"
)

// The ground truth of Lemma 1 and Proposition 1 for x_t = s_t x₀ + s_t σ_t ε
// (eq. 3) with x₀ drawn from the noiseless MoLRG of Definition 1: the noise
// level δ of the Model is not used here. Every function takes the noisy data
// x_t one sample per row (N×n) and the scalars s = s_t, sigma = σ_t.

// Every function below is accurate to Tolerance (see there) or returns an
// error: a *RangeError when a result is finite but outside float64 (e.g. the
// score at σ_t = 1e-200), an *AccuracyError when even maxPrec-bit arithmetic
// cannot certify it. The bases enter only through their spans: component k is
// the subspace spanned by the columns of U⋆_k (orthonormal to
// OrthonormalTol), so a basis given to 1e-6 is not an error of 1e-6 in the
// result. stable.go describes the algorithm.

// Weights returns the N×K soft-max weights w⋆_k(x_t) of eq. (8) for every row
// of xt:
//
//	w⋆_k = softmax_k( log π_k − (d_k/2)·log(1 + σ_t⁻²) + φ_t‖U⋆_kᵀx_t‖² ),   (eq. 8)
//	φ_t = 1 / (2 s_t² σ_t² (1+σ_t²)),
//
// computed as softmax_k(log π_k − (d_k/2)·log(1 + σ_t⁻²) − φ_t‖x_t − U⋆_kU⋆_kᵀx_t‖²),
// which differs by the k-independent φ_t‖x_t‖². Each weight has an absolute
// error ≤ Tolerance.
func (m *Model) Weights(xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	p, _, err := m.groundTruth(xt, s, sigma, wantWeights)
	if err != nil {
		return nil, err
	}
	return p.Weights, nil
}

// PosteriorMean returns E[x₀|x_t] (eq. 8) for every row of xt:
//
//	E[x₀|x_t] = 1/(s_t(1+σ_t²)) · Σ_k w⋆_k(x_t) U⋆_kU⋆_kᵀ x_t,   (eq. 8)
//
// each row with relative error ≤ Tolerance (Euclidean norm).
func (m *Model) PosteriorMean(xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	p, _, err := m.groundTruth(xt, s, sigma, wantMean)
	if err != nil {
		return nil, err
	}
	return p.Mean, nil
}

// Score returns ∇log p_t(x_t) (eq. 28) for every row of xt:
//
//	∇log p_t(x) = −1/(s_t²σ_t²) · Σ_k w⋆_k(x)·(x − U⋆_kU⋆_kᵀx/(1+σ_t²)),   (eq. 28)
//
// computed as −Σ_k w⋆_k·(r_k/(s_t²σ_t²) + U⋆_kU⋆_kᵀx/(s_t²(1+σ_t²))) with
// r_k = x − U⋆_kU⋆_kᵀx, which avoids the cancellation of eq. (28) as written
// (at σ_t = 1e-8 and x_t on a subspace the direct formula returns 0 instead of
// −x_t). Each row has relative error ≤ Tolerance (Euclidean norm).
func (m *Model) Score(xt *mat.Dense, s, sigma float64) (*mat.Dense, error) {
	p, _, err := m.groundTruth(xt, s, sigma, wantScore)
	if err != nil {
		return nil, err
	}
	return p.Score, nil
}

// Posterior holds the ground truth at the rows of x_t.
type Posterior struct {
	Weights *mat.Dense // N×K, w⋆_k(x_t) (eq. 8)
	Mean    *mat.Dense // N×n, E[x₀|x_t] (eq. 8)
	Score   *mat.Dense // N×n, ∇log p_t(x_t) (eq. 28)
}

// Posterior returns the weights, the posterior mean and the score at every
// row of xt in one pass (what Weights, PosteriorMean and Score return).
func (m *Model) Posterior(xt *mat.Dense, s, sigma float64) (*Posterior, error) {
	p, _, err := m.groundTruth(xt, s, sigma, wantWeights|wantMean|wantScore)
	return p, err
}

// LogDensity returns log p_t(x_t) for every row of xt, with the marginal of
// Lemma 1
//
//	p_t(x) = Σ_k π_k N(x; 0, s_t²(U⋆_kU⋆_kᵀ + σ_t² Iₙ)).   (Lemma 1)
//
// Each Gaussian has log-determinant n·log(s_t²σ_t²) + d_k·log(1+σ_t⁻²) and
// precision (I − U⋆_kU⋆_kᵀ/(1+σ_t²))/(s_t²σ_t²), so with r_k = x − U⋆_kU⋆_kᵀx
//
//	log p_t(x) = −(n/2)·log(2π s_t²σ_t²) − ‖x‖²/(2s_t²(1+σ_t²))
//	             + logsumexp_k(log π_k − (d_k/2)·log(1+σ_t⁻²) − φ_t‖r_k‖²).
//
// The absolute error is ≤ Tolerance·(1 + |log p_t| + the largest of these
// terms).
func (m *Model) LogDensity(xt *mat.Dense, s, sigma float64) ([]float64, error) {
	_, lp, err := m.groundTruth(xt, s, sigma, wantLogDensity)
	return lp, err
}

// groundTruth computes the wanted outputs row by row.
func (m *Model) groundTruth(xt *mat.Dense, s, sigma float64, w want) (*Posterior, []float64, error) {
	if err := m.checkInputs(xt, s, sigma); err != nil {
		return nil, nil, err
	}
	c := m.newComputer(s, sigma, w)
	rows, n := xt.Dims()
	out := &Posterior{}
	var logp []float64
	if w&wantWeights != 0 {
		out.Weights = mat.NewDense(rows, m.K(), nil)
	}
	if w&wantMean != 0 {
		out.Mean = mat.NewDense(rows, n, nil)
	}
	if w&wantScore != 0 {
		out.Score = mat.NewDense(rows, n, nil)
	}
	if w&wantLogDensity != 0 {
		logp = make([]float64, rows)
	}
	fix := func(err error, i int) error {
		var re *RangeError
		if errors.As(err, &re) {
			re.Row, re.S, re.Sigma = i, s, sigma
		}
		return err
	}
	for i := range rows {
		r, err := c.row(i, xt.RawRowView(i))
		if err != nil {
			return nil, nil, err
		}
		if out.Weights != nil {
			out.Weights.SetRow(i, r.w)
		}
		if out.Mean != nil {
			if err := r.mean.toFloats(out.Mean.RawRowView(i), "posterior mean"); err != nil {
				return nil, nil, fix(err, i)
			}
		}
		if out.Score != nil {
			if err := r.score.toFloats(out.Score.RawRowView(i), "score"); err != nil {
				return nil, nil, fix(err, i)
			}
		}
		if logp != nil {
			if math.IsInf(r.logp, 0) || math.IsNaN(r.logp) {
				return nil, nil, fix(&RangeError{Quantity: "log density", Log10: r.logpMag.log10()}, i)
			}
			logp[i] = r.logp
		}
	}
	return out, logp, nil
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

// checkInputs validates the model, the level (s_t, σ_t) and the data x_t.
func (m *Model) checkInputs(xt *mat.Dense, s, sigma float64) error {
	if err := m.check(); err != nil {
		return err
	}
	if err := checkLevel(s, sigma); err != nil {
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

// checkLevel validates a noise level of the forward process (eq. 3,
// diffusion.CheckLevel) for the posterior, which also needs σ_t > 0.
func checkLevel(s, sigma float64) error {
	if err := diffusion.CheckLevel(s, sigma); err != nil {
		return err
	}
	if sigma == 0 {
		return fmt.Errorf("molrg: noise level σ_t = 0, want σ_t > 0 (the posterior of a noise-free x_t is not defined)")
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
	if err := validatePi(m.Pi, m.K()); err != nil {
		return err
	}
	for k, u := range m.Bases {
		if e := orthonormalityError(u); !(e <= OrthonormalTol) {
			return fmt.Errorf("molrg: basis U_%d is not orthonormal: max |U_kᵀU_k − I| = %.3g, want ≤ %g", k, e, OrthonormalTol)
		}
	}
	return nil
}
