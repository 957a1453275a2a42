package datasets

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Split draws n training images and held disjoint held-out images at random
// (without replacement), deterministically for a given seed:
// it shuffles the indices 0..N−1 with the seed (Permutation), takes the
// first n as the training set and the last held as the held-out set. So for
// a fixed seed and held, the held-out set does not depend on n, and the
// training sets are nested: the one for n is the first n images of the one
// for any larger n. Both keep the permutation's order. held may be 0 (the
// held-out set is then nil); n + held must be ≤ N.
func (im *Images) Split(n, held int, seed uint64) (train, heldOut *Images, err error) {
	if err := im.checkShape(); err != nil {
		return nil, nil, err
	}
	ti, hi, err := SplitIndices(im.N, n, held, seed)
	if err != nil {
		return nil, nil, err
	}
	if train, err = im.Subset(ti); err != nil {
		return nil, nil, err
	}
	if held > 0 {
		if heldOut, err = im.Subset(hi); err != nil {
			return nil, nil, err
		}
	}
	return train, heldOut, nil
}

// SplitIndices is Split's choice of indices among total images: train (n
// of them) and heldOut (held of them, nil when held is 0), disjoint.
func SplitIndices(total, n, held int, seed uint64) (train, heldOut []int, err error) {
	if n < 1 || held < 0 || n > total-held {
		return nil, nil, fmt.Errorf("datasets: split of %d images into n = %d and held = %d: want n ≥ 1, held ≥ 0 and n + held ≤ %d", total, n, held, total)
	}
	perm := Permutation(total, seed)
	if held == 0 {
		return perm[:n:n], nil, nil
	}
	return perm[:n:n], perm[total-held:], nil
}

// Permutation returns a random permutation of 0..n−1 (n ≥ 0) determined by
// seed: a Fisher–Yates shuffle driven by a PCG generator (math/rand/v2's
// PCG, seeded with (seed, 0x6461746173657473)), with bounded draws by
// Lemire's multiply-and-reject method, so that the result depends only on
// the seed, not on the Go version's shuffling code.
func Permutation(n int, seed uint64) []int {
	p := make([]int, max(n, 0))
	for i := range p {
		p[i] = i
	}
	src := rand.NewPCG(seed, 0x6461746173657473)
	for i := len(p) - 1; i > 0; i-- {
		j := boundedDraw(src, uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// boundedDraw returns a uniform integer in [0, bound) from src (Lemire,
// "Fast random integer generation in an interval", 2019).
func boundedDraw(src *rand.PCG, bound uint64) int {
	hi, lo := bits.Mul64(src.Uint64(), bound)
	if lo < bound {
		thresh := -bound % bound
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), bound)
		}
	}
	return int(hi)
}
