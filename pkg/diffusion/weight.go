package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/gomlx/gomlx/core/graph"
)

// SigmaData is σ_d, the standard deviation of the data assumed by EDM.
const SigmaData = 0.5

// Weighting is a choice of loss weight λ_t > 0 in the training loss (eq. 6),
// as a function of the noise level σ_t.
type Weighting int

const (
	// Uniform is λ_t = 1.
	Uniform Weighting = iota
	// EDMWeighting is λ(σ) = (σ² + σ_d²)/(σ σ_d)² with σ_d = SigmaData
	// (Karras et al. 2022), which makes the EDM network's target unit-variance.
	EDMWeighting
	// Sigma2 is λ(σ) = σ², the noise-level weighting: it turns the
	// x₀-prediction loss into the ε-prediction loss.
	Sigma2
)

// Lambda returns λ at noise level σ > 0.
func (w Weighting) Lambda(sigma float64) float64 {
	switch w {
	case EDMWeighting:
		return EDMLambda(sigma, SigmaData)
	case Sigma2:
		return sigma * sigma
	}
	return 1
}

// String returns the name ParseWeighting accepts.
func (w Weighting) String() string {
	switch w {
	case Uniform:
		return "uniform"
	case EDMWeighting:
		return "edm"
	case Sigma2:
		return "sigma2"
	}
	return fmt.Sprintf("Weighting(%d)", int(w))
}

// ParseWeighting returns the weighting called name: "uniform", "edm" or
// "sigma2" (also "σ²").
func ParseWeighting(name string) (Weighting, error) {
	switch strings.ToLower(name) {
	case "uniform", "1":
		return Uniform, nil
	case "edm":
		return EDMWeighting, nil
	case "sigma2", "σ²", "sigma^2":
		return Sigma2, nil
	}
	return 0, fmt.Errorf("diffusion: loss weighting %q unknown, want \"uniform\", \"edm\" or \"sigma2\"", name)
}

// EDMLambda is the EDM loss weight λ(σ) = (σ² + σ_d²)/(σ σ_d)².
func EDMLambda(sigma, sigmaData float64) float64 {
	return (sigma*sigma + sigmaData*sigmaData) / ((sigma * sigmaData) * (sigma * sigmaData))
}

// EDMLambdaGraph is EDMLambda for a node of noise levels (any shape).
func EDMLambdaGraph(sigma *graph.Node, sigmaData float64) *graph.Node {
	d2 := sigmaData * sigmaData
	return graph.Div(graph.AddScalar(graph.Square(sigma), d2), graph.MulScalar(graph.Square(sigma), d2))
}

// EDM's training distribution of noise levels: ln σ ~ N(EDMPMean, EDMPStd²).
const (
	EDMPMean = -1.2
	EDMPStd  = 1.2
)

// SampleEDMSigma draws σ = exp(pMean + pStd·z), z ~ N(0, 1), with the normal
// deviate of rng: the noise level of one EDM training example.
func SampleEDMSigma(rng *rand.Rand, pMean, pStd float64) float64 {
	return math.Exp(pMean + pStd*rng.NormFloat64())
}
