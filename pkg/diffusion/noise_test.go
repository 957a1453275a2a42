package diffusion

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestAddNoiseMoments is a Monte-Carlo check of eq. (3): x_t − s x₀ has mean 0
// and variance (sσ)² in every entry. With 40000 entries the sample variance
// has relative standard deviation √(2/40000) ≈ 0.7%; the tolerance is 4%, and
// 0.04·sσ on the mean (≈ 8 standard deviations).
func TestAddNoiseMoments(t *testing.T) {
	const r, c, s, sigma = 4000, 10, 0.7, 1.3
	x0 := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			x0.Set(i, j, float64(i%7)-float64(j))
		}
	}
	xt := AddNoise(x0, s, sigma, rand.New(rand.NewPCG(1, 2)))
	sum, sum2 := 0.0, 0.0
	for i := range r {
		for j := range c {
			e := xt.At(i, j) - s*x0.At(i, j)
			sum += e
			sum2 += e * e
		}
	}
	mean, vr := sum/(r*c), sum2/(r*c)
	g2 := s * s * sigma * sigma
	if math.Abs(mean) > 0.04*math.Sqrt(g2) {
		t.Errorf("mean of x_t − s x₀ = %g, want 0", mean)
	}
	if math.Abs(vr/g2-1) > 0.04 {
		t.Errorf("variance of x_t − s x₀ = %g, want (sσ)² = %g ± 4%%", vr, g2)
	}
	same := AddNoise(x0, s, sigma, rand.New(rand.NewPCG(1, 2)))
	if !mat.Equal(xt, same) {
		t.Error("same seed gives different noise")
	}
	if z := AddNoise(x0, 2, 0, rand.New(rand.NewPCG(1, 2))); z.At(3, 4) != 2*x0.At(3, 4) {
		t.Error("σ = 0: x_t ≠ s x₀")
	}
}

func TestAddNoiseValidate(t *testing.T) {
	x0 := mat.NewDense(1, 2, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name     string
		s, sigma float64
		want     string
	}{
		{"s = 0", 0, 1, "s_t = 0"},
		{"s NaN", math.NaN(), 1, "s_t = NaN"},
		{"σ < 0", 1, -0.5, "σ_t = -0.5"},
		{"σ Inf", 1, math.Inf(1), "σ_t = +Inf"},
	} {
		if err := CheckLevel(c.s, c.sigma); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: CheckLevel error %v, want one containing %q", c.name, err, c.want)
		}
		func() {
			defer func() {
				r := recover()
				if err, ok := r.(error); !ok || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: AddNoise panicked with %v, want an error containing %q", c.name, r, c.want)
				}
			}()
			AddNoise(x0, c.s, c.sigma, rng)
		}()
	}
}

// TestSampleSigmaDistribution: ln σ ~ N(−1.2, 1.2²) (Monte Carlo, 4·10⁵ draws).
func TestSampleSigmaDistribution(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 400000
	var s1, s2 float64
	for range n {
		l := math.Log(SampleEDMSigma(rng, EDMPMean, EDMPStd))
		s1 += l
		s2 += l * l
	}
	mean := s1 / n
	std := math.Sqrt(s2/n - mean*mean)
	// Standard errors: 1.2/√n ≈ 0.0019 for the mean, ≈ 0.0013 for the std.
	if math.Abs(mean-(-1.2)) > 0.01 || math.Abs(std-1.2) > 0.01 {
		t.Errorf("ln σ: mean %g, std %g; want −1.2, 1.2", mean, std)
	}
}
