package images

import (
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"strings"

	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/seed"
)

// Data is a data set prepared for the sweep: a training pool whose first n
// images are the training set of size n (so the training sets are nested as
// n grows) and a held-out set that does not depend on n. Exact duplicates
// are removed first, and images that are variations of one picture (an
// emoji in its skin tones and genders, Group) are kept on one side of the split, so that a
// held-out image has no near-copy among the training images.
type Data struct {
	Name       string
	Pool, Held *datasets.Images
	Duplicates int // exact duplicates removed
	Groups     int // groups of variations (images, when the set has none)
}

// Train returns the training set of size n: the first n images of the pool.
func (d *Data) Train(n int) (*datasets.Images, error) {
	if n < 1 || n > d.Pool.N {
		return nil, fmt.Errorf("images: training set of %d images, want 1 ≤ N ≤ %d (the %s pool)", n, d.Pool.N, d.Name)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return d.Pool.Subset(idx)
}

// Load loads a registered data set at size×size pixels with the given
// channels (0: the set's own) and prepares it (Prepare).
func Load(name string, size, channels, pool, held int, s uint64) (*Data, error) {
	opts := []datasets.Option{datasets.Size(size)}
	if channels > 0 {
		opts = append(opts, datasets.Channels(channels))
	}
	im, err := datasets.Load(name, opts...)
	if err != nil {
		return nil, err
	}
	d, err := Prepare(im, pool, held, s)
	if err != nil {
		return nil, fmt.Errorf("images: %s: %w", name, err)
	}
	d.Name = name
	return d, nil
}

// Prepare removes exact duplicates from im, puts every group of variations
// (Group) on one side, draws held held-out images and a pool of pool
// training images (pool + held ≤ the distinct images), both in an order
// drawn from s: the held-out set depends only on (im, held, s) and the
// pool's order only on (im, held, s), so a larger pool extends a smaller one.
func Prepare(im *datasets.Images, pool, held int, s uint64) (*Data, error) {
	if err := im.Validate(); err != nil {
		return nil, err
	}
	keep, dup := distinct(im)
	groups := map[string][]int{}
	var order []string
	for _, i := range keep {
		g := Group(im, i)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	if held < 1 || held >= len(keep) {
		return nil, &poolError{"Held", held, fmt.Sprintf("1 ≤ held-out images < %d (the distinct images)", len(keep))}
	}
	if pool < 1 || pool+held > len(keep) {
		return nil, &poolError{"Ns", pool, fmt.Sprintf("1 ≤ N ≤ %d (the distinct images less the %d held-out ones)", len(keep)-held, held)}
	}
	// Held-out: whole groups in a random order, the last group cut to size.
	gperm := datasets.Permutation(len(order), seed.Derive(s, "images/held-groups"))
	var heldIdx []int
	inHeld := map[string]bool{}
	for _, gi := range gperm {
		if len(heldIdx) >= held {
			break
		}
		g := order[gi]
		inHeld[g] = true
		heldIdx = append(heldIdx, groups[g]...)
	}
	heldIdx = heldIdx[:held]
	var rest []int
	for _, i := range keep {
		if !inHeld[Group(im, i)] {
			rest = append(rest, i)
		}
	}
	if pool > len(rest) {
		return nil, &poolError{"Ns", pool, fmt.Sprintf("1 ≤ N ≤ %d (the distinct images outside the groups of the %d held-out ones)", len(rest), held)}
	}
	perm := datasets.Permutation(len(rest), seed.Derive(s, "images/pool"))
	poolIdx := make([]int, pool)
	for k := range poolIdx {
		poolIdx[k] = rest[perm[k]]
	}
	p, err := im.Subset(poolIdx)
	if err != nil {
		return nil, err
	}
	h, err := im.Subset(heldIdx)
	if err != nil {
		return nil, err
	}
	return &Data{Pool: p, Held: h, Duplicates: dup, Groups: len(order)}, nil
}

// poolError is a pool or held-out set the data set cannot provide; Run
// reports it as the setting (Ns or Held) that asks for it.
type poolError struct {
	name  string
	value int
	want  string
}

func (e *poolError) Error() string { return fmt.Sprintf("%s = %d, want %s", e.name, e.value, e.want) }

// Emoji that are one picture drawn again: skin tones (U+1F3FB … U+1F3FF),
// the emoji presentation selector U+FE0F, gender signs (♀ U+2640, ♂ U+2642
// after a zero-width joiner), man, woman
// and person (U+1F468, U+1F469, U+1F9D1) in the same role, and the
// single-code-point couples that have a joined form.
var (
	skinTone   = regexp.MustCompile(`-1f3f[b-f]`)
	selector   = regexp.MustCompile(`-fe0f`)
	genderSign = regexp.MustCompile(`-200d-264[02]`)
	person     = regexp.MustCompile(`\b1f46[89]\b|\b1f9d1\b`)
	couples    = map[string]string{
		"1f46b": "P-200d-1f91d-200d-P", "1f46c": "P-200d-1f91d-200d-P", "1f46d": "P-200d-1f91d-200d-P",
		"1f48f": "P-200d-2764-200d-1f48b-200d-P", "1f491": "P-200d-2764-200d-P",
	}
)

// Group names the group of variations image i belongs to: for emoji, the
// file name without skin tones, selectors and gender signs, with man, woman and person
// made one ("P") and the single-code-point couples written in their joined
// form, so that one picture in its variations is one group (the supervillain
// and the man supervillain, two women holding hands in both encodings);
// otherwise the image alone.
func Group(im *datasets.Images, i int) string {
	if im.Names == nil || !strings.HasSuffix(im.Names[i], ".png") {
		return fmt.Sprint("#", i)
	}
	g := strings.TrimSuffix(im.Names[i], ".png")
	g = genderSign.ReplaceAllString(selector.ReplaceAllString(skinTone.ReplaceAllString(g, ""), ""), "")
	if c, ok := couples[g]; ok {
		return c
	}
	return person.ReplaceAllString(g, "P")
}

// distinct returns the indices of the images that are not exact copies of
// an earlier image, and the number of copies left out.
func distinct(im *datasets.Images) (keep []int, dup int) {
	seen := map[uint64][]int{}
	for i := range im.N {
		row := im.Row(i)
		h := fnv.New64a()
		var b [4]byte
		for _, v := range row {
			u := math.Float32bits(v)
			b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
			h.Write(b[:])
		}
		key := h.Sum64()
		copyOf := false
		for _, j := range seen[key] {
			if equal(row, im.Row(j)) {
				copyOf = true
				break
			}
		}
		if copyOf {
			dup++
			continue
		}
		seen[key] = append(seen[key], i)
		keep = append(keep, i)
	}
	return keep, dup
}

func equal(a, b []float32) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}
