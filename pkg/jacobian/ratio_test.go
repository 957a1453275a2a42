package jacobian

import (
	"strings"
	"testing"
)

func TestRankRatios(t *testing.T) {
	ranks := [][]int{{12, 12, 11}, {6, 7, 6, 6}, nil}
	sigmas := []float64{10, 0.5, 0}
	snr, ratio, err := RankRatios(ranks, sigmas, 48)
	if err != nil {
		t.Fatal(err)
	}
	wantSNR := []float64{0.1, 2}
	wantRatio := []float64{35.0 / 3 / 48, 25.0 / 4 / 48}
	if len(snr) != 2 || len(ratio) != 2 {
		t.Fatalf("got %d and %d values, want 2 (the σ = 0 step left out)", len(snr), len(ratio))
	}
	for i := range snr {
		if snr[i] != wantSNR[i] || ratio[i] != wantRatio[i] {
			t.Errorf("step %d: (%v, %v), want (%v, %v)", i, snr[i], ratio[i], wantSNR[i], wantRatio[i])
		}
	}
	if _, _, err := RankRatios([][]int{{1}}, []float64{0}, 4); err == nil || !strings.Contains(err.Error(), "σ > 0") {
		t.Errorf("ranks at σ = 0: err = %v", err)
	}
	if _, _, err := RankRatios([][]int{{1}, {1}}, []float64{1}, 4); err == nil || !strings.Contains(err.Error(), "at most one per level") {
		t.Errorf("too many steps: err = %v", err)
	}
	if _, _, err := RankRatios(nil, nil, 0); err == nil || !strings.Contains(err.Error(), "n ≥ 1") {
		t.Errorf("n = 0: err = %v", err)
	}
}
