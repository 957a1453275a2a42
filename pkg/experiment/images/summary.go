package images

import (
	"math"
	"slices"
	"sort"
)

// The SNRs at which a summary reads the rank curve: the start of sampling
// (σ_max = 80), σ = 1, and its end (σ_min = 0.002).
const (
	LowSNR  = 1 / 80.0
	MidSNR  = 1.0
	HighSNR = 1 / 0.002
)

// Summary is what a run's table says about its data set.
type Summary struct {
	Data string
	// Figure 5(b): the N where GL crosses 0.5 (Crosses false: it does not
	// in the range run; NaN then).
	Crossing float64
	Crosses  bool
	// Calibration over every N: the largest GL of the training images
	// themselves, the smallest GL of the held-out images, and whether they
	// are 0 and ≥ 0.95.
	MaxTrainGL, MinHeldGL float64
	Calibrated            bool
	// Figure 3(a) (NaN without a complete curve): the N of the U-Net, the
	// lowest rank along the trajectory (MinRank, the ordering statistic)
	// and its SNR, and rank/n at low, mid and high SNR.
	RankN                         int
	MinRank, MinRankSNR           float64
	RatioLow, RatioMid, RatioHigh float64
}

// Summarize reads a run's rows.
func Summarize(rows []Row) Summary {
	s := Summary{Crossing: math.NaN(), RatioLow: math.NaN(), RatioMid: math.NaN(), RatioHigh: math.NaN()}
	s.MinRank, s.MinRankSNR = MinRank(rows)
	if len(rows) > 0 {
		s.Data = rows[0].Data
	}
	if v, ok := Crossing(rows, 0.5); ok {
		s.Crossing, s.Crosses = v, true
	}
	s.MaxTrainGL, s.MinHeldGL, s.Calibrated = Calibration(rows)
	if cv, n, ok := RankCurve(rows); ok {
		s.RankN = n
		s.RatioLow, s.RatioMid, s.RatioHigh = cv.RatioAt(LowSNR), cv.RatioAt(MidSNR), cv.RatioAt(HighSNR)
	}
	return s
}

// Ordering compares, over the data sets whose runs have both a GL crossing
// and a rank curve, the order by the N needed to generalize (Figure 5(b))
// with the order by the lowest Jacobian rank (Figure 3(a)): the paper's claim
// is that they agree. It returns the data sets in each order (increasing)
// and whether the orders are the same; with fewer than two such data sets
// there is nothing to compare (match false).
func Ordering(sums []Summary) (byCrossing, byRank []string, match bool) {
	var ok []Summary
	for _, s := range sums {
		if s.Crosses && !math.IsNaN(s.MinRank) {
			ok = append(ok, s)
		}
	}
	if len(ok) < 2 {
		return nil, nil, false
	}
	a, b := slices.Clone(ok), slices.Clone(ok)
	sort.SliceStable(a, func(i, j int) bool { return a[i].Crossing < a[j].Crossing })
	sort.SliceStable(b, func(i, j int) bool { return b[i].MinRank < b[j].MinRank })
	for i := range a {
		byCrossing = append(byCrossing, a[i].Data)
		byRank = append(byRank, b[i].Data)
	}
	return byCrossing, byRank, slices.Equal(byCrossing, byRank)
}
