package molrg_test

import (
	"fmt"

	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// A MoLRG in ℝ³ with a line (span e₁, π = 0.3) and a plane (span{e₂, e₃},
// π = 0.7). A noisy point near the line is denoised onto the line: its
// posterior mean (eq. 8) is almost UUᵀx_t/(s(1+σ²)) for the line's U.
func Example() {
	line := mat.NewDense(3, 1, []float64{1, 0, 0})
	plane := mat.NewDense(3, 2, []float64{0, 0, 1, 0, 0, 1})
	m, err := molrg.FromBases([]*mat.Dense{line, plane}, []float64{0.3, 0.7})
	if err != nil {
		panic(err)
	}
	xt := mat.NewDense(1, 3, []float64{2, 0.1, -0.1})
	const s, sigma = 1, 0.5
	w, _ := m.Weights(xt, s, sigma)
	pm, _ := m.PosteriorMean(xt, s, sigma)
	fmt.Printf("w⋆ = [%.4f %.4f]\n", w.At(0, 0), w.At(0, 1))
	fmt.Printf("E[x₀|x_t] = [%.4f %.4f %.4f]\n", pm.At(0, 0), pm.At(0, 1), pm.At(0, 2))
	fmt.Println("rank bound of Lemma 2:", m.RankBound())
	// Output:
	// w⋆ = [0.9982 0.0018]
	// E[x₀|x_t] = [1.5971 0.0001 -0.0001]
	// rank bound of Lemma 2: 3
}
