// Package seed derives the seeds of independent random draws from one run
// seed, the same way everywhere in the project: a draw is named by a label
// (what it is for) and integer coordinates (which unit of work), and its seed
// is a SplitMix64 hash of the run seed, the label and the coordinates. A unit
// of work can thus be redone by itself, in any order, with the same draws,
// which is what makes every experiment resumable and shardable.
package seed

import "hash/fnv"

const golden = 0x9E3779B97F4A7C15

// Mix is the SplitMix64 finalizer (Steele, Lea and Flood 2014): a bijection
// of the 64-bit words whose outputs look independent for nearby inputs.
func Mix(z uint64) uint64 {
	z += golden
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Derive returns the seed of the draw named label at the given coordinates
// of a run with seed base: Mix folded over the label's FNV-1a hash and every
// coordinate. Different labels or coordinates give unrelated seeds; the same
// arguments always give the same seed.
func Derive(base uint64, label string, coords ...int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(label))
	z := Mix(base ^ Mix(h.Sum64()))
	for _, c := range coords {
		z = Mix(z ^ uint64(c))
	}
	return z
}
