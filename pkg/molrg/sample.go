package molrg

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Samples is a data set drawn from a Model: X holds one sample per row (N×n)
// and Labels[i] is the component that sample i was drawn from.
type Samples struct {
	X      *mat.Dense
	Labels []int
}

// SampleCounts draws exactly counts[k] samples of component k (the paper's
// experiments use N_k = N/K): x = U⋆_k a + e, a ~ N(0, I_{d_k}),
// e ~ N(0, δ² Iₙ). Samples are grouped by component, in order.
func (m *Model) SampleCounts(counts []int, seed uint64) (*Samples, error) {
	if len(counts) != m.K() {
		return nil, fmt.Errorf("molrg: %d sample counts given for K = %d components, want one N_k per component", len(counts), m.K())
	}
	total := 0
	for k, c := range counts {
		if c < 1 {
			return nil, fmt.Errorf("molrg: sample count N_%d = %d, want N_k ≥ 1", k, c)
		}
		total += c
	}
	labels := make([]int, 0, total)
	for k, c := range counts {
		for range c {
			labels = append(labels, k)
		}
	}
	return m.sampleLabels(labels, seed), nil
}

// Sample draws n samples with components chosen at random with probabilities
// π_k (a multinomial draw of the counts), as in Definition 1.
func (m *Model) Sample(n int, seed uint64) (*Samples, error) {
	if n < 1 {
		return nil, fmt.Errorf("molrg: number of samples N = %d, want N ≥ 1", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c6162656c73))
	labels := make([]int, n)
	for i := range labels {
		u, k := rng.Float64(), 0
		for k < m.K()-1 && u >= m.Pi[k] {
			u -= m.Pi[k]
			k++
		}
		labels[i] = k
	}
	return m.sampleLabels(labels, seed), nil
}

func (m *Model) sampleLabels(labels []int, seed uint64) *Samples {
	rng := rand.New(rand.NewPCG(seed, 0x73616d706c65))
	x := mat.NewDense(len(labels), m.N, nil)
	for i, k := range labels {
		u := m.Bases[k]
		_, d := u.Dims()
		a := make([]float64, d)
		for j := range a {
			a[j] = rng.NormFloat64()
		}
		row := x.RawRowView(i)
		for r := range m.N {
			s := 0.0
			for j := range d {
				s += u.At(r, j) * a[j]
			}
			if m.Noise > 0 {
				s += m.Noise * rng.NormFloat64()
			}
			row[r] = s
		}
	}
	return &Samples{X: x, Labels: labels}
}
