package diffusion

import (
	"fmt"
	"math"
	"strings"
)

// Schedule is a forward process x_t = s_t x₀ + s_t σ_t ε (eq. 3), defined for
// t ∈ [TMin, TMax].
type Schedule interface {
	Name() string
	S(t float64) float64            // s_t
	Sigma(t float64) float64        // σ_t
	SDeriv(t float64) float64       // ds_t/dt
	SigmaDeriv(t float64) float64   // dσ_t/dt
	SigmaInv(sigma float64) float64 // the t ≥ 0 with σ_t = sigma (σ_t is increasing)
	TMin() float64
	TMax() float64
}

// EDM is the variance-exploding schedule of EDM (Karras et al. 2022):
// s_t = 1, σ_t = t, t ∈ [SigmaMin, SigmaMax].
type EDM struct {
	SigmaMin, SigmaMax float64 // 0 < σ_min < σ_max
}

// DefaultEDM is EDM with σ_min = 0.002, σ_max = 80.
func DefaultEDM() EDM { return EDM{SigmaMin: 0.002, SigmaMax: 80} }

func (EDM) Name() string                   { return "edm" }
func (EDM) S(float64) float64              { return 1 }
func (EDM) Sigma(t float64) float64        { return t }
func (EDM) SDeriv(float64) float64         { return 0 }
func (EDM) SigmaDeriv(float64) float64     { return 1 }
func (EDM) SigmaInv(sigma float64) float64 { return sigma }
func (e EDM) TMin() float64                { return e.SigmaMin }
func (e EDM) TMax() float64                { return e.SigmaMax }

// Validate checks 0 < σ_min < σ_max < ∞.
func (e EDM) Validate() error {
	if !(e.SigmaMin > 0) || math.IsInf(e.SigmaMin, 0) {
		return fmt.Errorf("diffusion: EDM σ_min = %v, want a finite σ_min > 0", e.SigmaMin)
	}
	if !(e.SigmaMax > e.SigmaMin) || math.IsInf(e.SigmaMax, 0) {
		return fmt.Errorf("diffusion: EDM σ_max = %v, want a finite σ_max > σ_min = %v", e.SigmaMax, e.SigmaMin)
	}
	return nil
}

// VP is the variance-preserving schedule (Song et al. 2021, as in EDM):
//
//	s_t = (exp(½β_d t² + β_min t))^{-1/2},   σ_t = √(1/s_t² − 1),
//
// so that s_t²(1 + σ_t²) = 1, for t ∈ [TLow, THigh].
type VP struct {
	BetaD, BetaMin float64 // β_d > 0, β_min ≥ 0
	TLow, THigh    float64 // 0 < t_low < t_high
}

// DefaultVP is VP with β_d = 19.9, β_min = 0.1, t ∈ [10⁻⁵, 1].
func DefaultVP() VP { return VP{BetaD: 19.9, BetaMin: 0.1, TLow: 1e-5, THigh: 1} }

// g is ½β_d t² + β_min t = log(1 + σ_t²) = −2 log s_t.
func (v VP) g(t float64) float64 { return 0.5*v.BetaD*t*t + v.BetaMin*t }

func (VP) Name() string              { return "vp" }
func (v VP) S(t float64) float64     { return math.Exp(-0.5 * v.g(t)) }
func (v VP) Sigma(t float64) float64 { return math.Sqrt(math.Expm1(v.g(t))) }
func (v VP) TMin() float64           { return v.TLow }
func (v VP) TMax() float64           { return v.THigh }

// SDeriv is ds_t/dt = −½ g'(t) s_t with g'(t) = β_d t + β_min.
func (v VP) SDeriv(t float64) float64 { return -0.5 * (v.BetaD*t + v.BetaMin) * v.S(t) }

// SigmaDeriv is dσ_t/dt = ½ g'(t) e^{g(t)} / σ_t.
func (v VP) SigmaDeriv(t float64) float64 {
	return 0.5 * (v.BetaD*t + v.BetaMin) * math.Exp(v.g(t)) / v.Sigma(t)
}

// SigmaInv solves ½β_d t² + β_min t = log(1 + σ²) for t ≥ 0.
func (v VP) SigmaInv(sigma float64) float64 {
	return (math.Sqrt(v.BetaMin*v.BetaMin+2*v.BetaD*math.Log1p(sigma*sigma)) - v.BetaMin) / v.BetaD
}

// Validate checks β_d > 0, β_min ≥ 0 and 0 < t_low < t_high, all finite.
func (v VP) Validate() error {
	if !(v.BetaD > 0) || math.IsInf(v.BetaD, 0) {
		return fmt.Errorf("diffusion: VP β_d = %v, want a finite β_d > 0", v.BetaD)
	}
	if !(v.BetaMin >= 0) || math.IsInf(v.BetaMin, 0) {
		return fmt.Errorf("diffusion: VP β_min = %v, want a finite β_min ≥ 0", v.BetaMin)
	}
	if !(v.TLow > 0) {
		return fmt.Errorf("diffusion: VP t_min = %v, want t_min > 0", v.TLow)
	}
	if !(v.THigh > v.TLow) || math.IsInf(v.THigh, 0) {
		return fmt.Errorf("diffusion: VP t_max = %v, want a finite t_max > t_min = %v", v.THigh, v.TLow)
	}
	return nil
}

// ByName returns the default schedule called name: "edm" (or "ve") or "vp".
func ByName(name string) (Schedule, error) {
	switch strings.ToLower(name) {
	case "edm", "ve":
		return DefaultEDM(), nil
	case "vp":
		return DefaultVP(), nil
	}
	return nil, fmt.Errorf("diffusion: schedule %q unknown, want \"edm\" (or \"ve\") or \"vp\"", name)
}

// validate calls the schedule's Validate method, if it has one.
func validate(s Schedule) error {
	if s == nil {
		return fmt.Errorf("diffusion: schedule is nil, want EDM or VP")
	}
	if v, ok := s.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}
