package jacobian

import "fmt"

// RankRatios turns the ranks of RankAlong into the curve of Figures 3 and 7:
// for every step i with ranks (σ_i > 0) the signal-to-noise ratio 1/σ_i and
// the mean over the step's points of rank/n. Steps without ranks (nil, the
// final clean state) are left out.
func RankRatios(ranks [][]int, sigmas []float64, n int) (snr, ratio []float64, err error) {
	if len(ranks) > len(sigmas) {
		return nil, nil, fmt.Errorf("jacobian: %d steps of ranks for %d noise levels, want at most one per level", len(ranks), len(sigmas))
	}
	if n < 1 {
		return nil, nil, fmt.Errorf("jacobian: dimension n = %d, want n ≥ 1", n)
	}
	for i, r := range ranks {
		if len(r) == 0 {
			continue
		}
		if !(sigmas[i] > 0) {
			return nil, nil, fmt.Errorf("jacobian: step %d has ranks at σ = %g, want σ > 0", i, sigmas[i])
		}
		sum := 0
		for _, k := range r {
			sum += k
		}
		snr = append(snr, 1/sigmas[i])
		ratio = append(ratio, float64(sum)/float64(len(r)*n))
	}
	return snr, ratio, nil
}
