package datasets

import (
	"slices"
	"testing"
)

// Split: sizes, disjointness, determinism, a different seed gives a
// different draw, nested training sets and a held-out set independent of n.
func TestSplit(t *testing.T) {
	im := labelled(100, 10)
	train, held, err := im.Split(30, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 30 || held.N != 20 {
		t.Fatalf("sizes %d and %d, want 30 and 20", train.N, held.N)
	}
	// Image i has pixel value i/100: recover the indices.
	index := func(s *Images) []int {
		var out []int
		for k := range s.N {
			out = append(out, int(s.Row(k)[0]*100+0.5))
		}
		return out
	}
	ti, hi := index(train), index(held)
	seen := map[int]bool{}
	for _, i := range append(slices.Clone(ti), hi...) {
		if seen[i] {
			t.Fatalf("index %d drawn twice (train %v, held %v)", i, ti, hi)
		}
		seen[i] = true
	}
	train2, held2, _ := im.Split(30, 20, 7)
	if !slices.Equal(index(train2), ti) || !slices.Equal(index(held2), hi) {
		t.Fatal("same seed, different split")
	}
	train3, _, _ := im.Split(30, 20, 8)
	if slices.Equal(index(train3), ti) {
		t.Fatal("seeds 7 and 8 give the same training set")
	}
	bigger, held4, _ := im.Split(80, 20, 7)
	if !slices.Equal(index(bigger)[:30], ti) || !slices.Equal(index(held4), hi) {
		t.Fatal("training sets are not nested, or the held-out set moved with n")
	}
	for k, i := range ti {
		if train.Labels[k] != i%10 {
			t.Fatal("labels do not follow the images")
		}
	}
	only, none, err := im.Split(100, 0, 1)
	if err != nil || only.N != 100 || none != nil {
		t.Fatalf("Split(100, 0): %v %v %v", only, none, err)
	}
	for _, tc := range []struct{ n, held int }{{0, 1}, {-1, 0}, {1, -1}, {81, 20}, {101, 0}} {
		_, _, err := im.Split(tc.n, tc.held, 1)
		wantErr(t, err, "n + held ≤ 100")
	}
}

// Permutation is a permutation, and uniform: over 60 000 seeds each of the
// 24 orders of 4 elements appears 2500 times on average; the chi-square
// statistic with 23 degrees of freedom is below 60 (p < 1e-4 for a fair
// shuffle to exceed it).
func TestPermutationUniform(t *testing.T) {
	counts := map[[4]int]int{}
	const seeds = 60000
	for s := range uint64(seeds) {
		p := Permutation(4, s)
		counts[[4]int(p)]++
	}
	if len(counts) != 24 {
		t.Fatalf("%d distinct orders, want 24", len(counts))
	}
	chi := 0.0
	for _, c := range counts {
		d := float64(c) - seeds/24.0
		chi += d * d / (seeds / 24.0)
	}
	if chi > 60 {
		t.Fatalf("chi-square %g over 24 orders, want < 60", chi)
	}
	p := Permutation(1000, 3)
	sorted := slices.Clone(p)
	slices.Sort(sorted)
	for i, v := range sorted {
		if v != i {
			t.Fatal("Permutation(1000) is not a permutation")
		}
	}
	if len(Permutation(0, 1)) != 0 || len(Permutation(-3, 1)) != 0 {
		t.Fatal("Permutation of n ≤ 0 must be empty")
	}
	// Unbiased bounded draws: a bound just above 2⁶³ rejects about half the
	// raw values; the draws must still be < bound.
	src := newSplitPCG(5)
	for range 1000 {
		if b := uint64(1)<<63 + 12345; uint64(boundedDraw(src, b)) >= b {
			t.Fatal("boundedDraw out of range")
		}
	}
}
