package molrg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Brute-force counterparts of the ground truth, for checking it numerically:
// they use only Definition 1 (how x₀ is drawn) and eq. (3) (how x_t is drawn
// from x₀), never eqs. (8) or (28).

// PosteriorMC is a Monte-Carlo estimate of E[x₀|x_t] for the rows of x_t.
type PosteriorMC struct {
	Mean   *mat.Dense // N×n estimates of E[x₀|x_t]
	StdErr *mat.Dense // N×n standard errors of Mean (delta method)
	ESS    []float64  // effective sample size of the weights, per row
}

// PosteriorMeanMC estimates E[x₀|x_t] (eq. 8) for every row of xt by
// self-normalized importance sampling with the prior as proposal: draw
// x₀⁽ʲ⁾, j = 1..draws, from the MoLRG (Definition 1), weight each by the
// likelihood of eq. (3),
//
//	ω_j ∝ N(x_t; s_t x₀⁽ʲ⁾, s_t²σ_t² Iₙ) ∝ exp(−‖x_t − s_t x₀⁽ʲ⁾‖² / (2 s_t²σ_t²)),
//
// and return Σ_j ω_j x₀⁽ʲ⁾ / Σ_j ω_j. The standard error of coordinate i is
// √(Σ_j ω_j² (x₀⁽ʲ⁾_i − mean_i)²) / Σ_j ω_j, and the effective sample size
// (Σ_j ω_j)² / Σ_j ω_j² says how many draws the estimate rests on: it falls
// like σ_t^{d_k} as σ_t shrinks, so small σ_t needs many draws. The same
// prior draws serve every row.
func (m *Model) PosteriorMeanMC(xt *mat.Dense, s, sigma float64, draws int, seed uint64) (*PosteriorMC, error) {
	if err := m.checkInputs(xt, s, sigma); err != nil {
		return nil, err
	}
	if draws < 2 {
		return nil, fmt.Errorf("molrg: Monte-Carlo draws = %d, want draws ≥ 2", draws)
	}
	prior, err := m.Sample(draws, seed)
	if err != nil {
		return nil, err
	}
	x0 := prior.X
	r, n := xt.Dims()
	out := &PosteriorMC{Mean: mat.NewDense(r, n, nil), StdErr: mat.NewDense(r, n, nil), ESS: make([]float64, r)}
	g2 := 2 * s * s * sigma * sigma
	logw := make([]float64, draws)
	for i := range r {
		x := xt.RawRowView(i)
		mx := math.Inf(-1)
		for j := range draws {
			d2 := 0.0
			for c, v := range x0.RawRowView(j) {
				e := x[c] - s*v
				d2 += e * e
			}
			logw[j] = -d2 / g2 // eq. 3
			mx = math.Max(mx, logw[j])
		}
		var sw, sw2 float64
		mean := out.Mean.RawRowView(i)
		for j := range draws {
			w := math.Exp(logw[j] - mx)
			logw[j] = w
			sw += w
			sw2 += w * w
			for c, v := range x0.RawRowView(j) {
				mean[c] += w * v
			}
		}
		for c := range mean {
			mean[c] /= sw
		}
		se := out.StdErr.RawRowView(i)
		for j := range draws {
			w := logw[j]
			for c, v := range x0.RawRowView(j) {
				e := v - mean[c]
				se[c] += w * w * e * e
			}
		}
		for c := range se {
			se[c] = math.Sqrt(se[c]) / sw
		}
		out.ESS[i] = sw * sw / sw2
	}
	return out, nil
}

// DenoisingLossMC estimates the loss (6) of a denoiser at one noise level,
//
//	E_{x₀, ε} ‖den(s_t x₀ + s_t σ_t ε) − x₀‖²,
//
// by drawing `draws` clean samples x₀ from the MoLRG (Definition 1) and one ε
// each. It returns the mean and its standard error. den receives all noisy
// samples at once (one per row) and must return one estimate of x₀ per row.
// Among all functions the posterior mean E[x₀|x_t] (eq. 8) minimizes it.
func (m *Model) DenoisingLossMC(den func(xt *mat.Dense) (*mat.Dense, error), s, sigma float64, draws int, seed uint64) (mean, stderr float64, err error) {
	if err := m.check(); err != nil {
		return 0, 0, err
	}
	if err := checkLevel(s, sigma); err != nil {
		return 0, 0, err
	}
	if draws < 2 {
		return 0, 0, fmt.Errorf("molrg: Monte-Carlo draws = %d, want draws ≥ 2", draws)
	}
	if den == nil {
		return 0, 0, fmt.Errorf("molrg: denoiser is nil")
	}
	clean, err := m.Sample(draws, seed)
	if err != nil {
		return 0, 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x65707331))
	xt := mat.NewDense(draws, m.N, nil)
	for i := range draws {
		for c, v := range clean.X.RawRowView(i) {
			xt.Set(i, c, s*v+s*sigma*rng.NormFloat64()) // eq. 3
		}
	}
	est, err := den(xt)
	if err != nil {
		return 0, 0, err
	}
	if r, c := est.Dims(); r != draws || c != m.N {
		return 0, 0, fmt.Errorf("molrg: denoiser returned a %d×%d matrix for %d×%d inputs, want the same shape", r, c, draws, m.N)
	}
	var sum, sum2 float64
	for i := range draws {
		l := 0.0
		for c, v := range clean.X.RawRowView(i) {
			e := est.At(i, c) - v
			l += e * e
		}
		sum += l
		sum2 += l * l
	}
	mean = sum / float64(draws)
	v := (sum2/float64(draws) - mean*mean) * float64(draws) / float64(draws-1)
	return mean, math.Sqrt(math.Max(v, 0) / float64(draws)), nil
}

// ScoreFD returns ∇log p_t(x_t) for every row of xt by central finite
// differences of LogDensity with step h (h ≈ 1e-5 for unit-sized x_t): an
// independent check of eq. (28), which it does not use.
func (m *Model) ScoreFD(xt *mat.Dense, s, sigma, h float64) (*mat.Dense, error) {
	if err := m.checkInputs(xt, s, sigma); err != nil {
		return nil, err
	}
	if !(h > 0) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("molrg: finite-difference step h = %v, want a finite h > 0", h)
	}
	r, n := xt.Dims()
	out := mat.NewDense(r, n, nil)
	x := mat.NewDense(2*n, n, nil)
	for i := range r {
		for j := range n {
			x.SetRow(2*j, xt.RawRowView(i))
			x.SetRow(2*j+1, xt.RawRowView(i))
			x.Set(2*j, j, x.At(2*j, j)+h)
			x.Set(2*j+1, j, x.At(2*j+1, j)-h)
		}
		lp, err := m.LogDensity(x, s, sigma)
		if err != nil {
			return nil, err
		}
		for j := range n {
			out.Set(i, j, (lp[2*j]-lp[2*j+1])/(2*h))
		}
	}
	return out, nil
}

// DistanceToUnion returns, for every row x of x, the distance to the union of
// the subspaces, min_k ‖x − U⋆_kU⋆_kᵀx‖, and the component k that attains it
// (the lowest k on ties).
func (m *Model) DistanceToUnion(x *mat.Dense) (dist []float64, nearest []int, err error) {
	if err := m.check(); err != nil {
		return nil, nil, err
	}
	if x == nil {
		return nil, nil, fmt.Errorf("molrg: points x are nil, want an N×n matrix with n = %d", m.N)
	}
	r, c := x.Dims()
	if c != m.N {
		return nil, nil, fmt.Errorf("molrg: points x have %d columns, want n = %d (one point per row)", c, m.N)
	}
	dist, nearest = make([]float64, r), make([]int, r)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	for k, u := range m.Bases {
		var c, p mat.Dense
		c.Mul(x, u)
		p.Mul(&c, u.T()) // U_kU_kᵀx, one row per point
		for i := range r {
			d2 := 0.0
			for j, v := range x.RawRowView(i) {
				e := v - p.At(i, j)
				d2 += e * e
			}
			if d := math.Sqrt(d2); d < dist[i] {
				dist[i], nearest[i] = d, k
			}
		}
	}
	return dist, nearest, nil
}

// Assessment compares a set of points (generated samples, say) with the
// MoLRG: which subspace each point is nearest to, how far from the union of
// the subspaces, and how spread along its subspace.
type Assessment struct {
	Nearest  []int     // component nearest to each point (DistanceToUnion)
	Fraction []float64 // share of the points nearest to each component; compare with π_k
	// Distances to the union, absolute and relative to the point's norm.
	MedianDistance, MaxDistance, MedianRelative float64
	// SecondMoment[k]: mean of ‖x‖² over the points nearest to component k
	// (NaN when there are none); for samples of component k it is d_k.
	SecondMoment []float64
}

// Assess returns the Assessment of the rows of x.
func (m *Model) Assess(x *mat.Dense) (*Assessment, error) {
	dist, near, err := m.DistanceToUnion(x)
	if err != nil {
		return nil, err
	}
	r, _ := x.Dims()
	if r == 0 {
		return nil, fmt.Errorf("molrg: no points to assess")
	}
	a := &Assessment{Nearest: near, Fraction: make([]float64, m.K()), SecondMoment: make([]float64, m.K())}
	counts := make([]int, m.K())
	rel := make([]float64, r)
	for i := range r {
		row := x.RawRowView(i)
		n2 := floats.Dot(row, row)
		counts[near[i]]++
		a.SecondMoment[near[i]] += n2
		rel[i] = dist[i] / math.Max(math.Sqrt(n2), 1e-300)
		a.MaxDistance = math.Max(a.MaxDistance, dist[i])
	}
	for k := range counts {
		a.Fraction[k] = float64(counts[k]) / float64(r)
		a.SecondMoment[k] /= float64(counts[k]) // NaN for an empty component
	}
	a.MedianDistance, a.MedianRelative = median(dist), median(rel)
	return a, nil
}

// median returns the median of v.
func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
