package results

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is part i of n of a sweep's work (0 ≤ I < N): the units whose index
// in the sweep's fixed order is I mod N. The zero Shard is the whole work.
type Shard struct{ I, N int }

// ParseShard reads "i/n" (e.g. "0/4"; "" is the whole work).
func ParseShard(s string) (Shard, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Shard{}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 0/4 for the first of 4 shards", s)
	}
	sh := Shard{I: i, N: n}
	if n < 1 {
		return Shard{}, fmt.Errorf("shard %q: want i/n with n ≥ 1", s)
	}
	return sh, sh.Validate()
}

// Validate checks 0 ≤ I < N, or the zero Shard.
func (s Shard) Validate() error {
	if s == (Shard{}) {
		return nil
	}
	if s.N < 1 || s.N > 1_000_000 || s.I < 0 || s.I >= s.N {
		return fmt.Errorf("shard %d/%d: want i/n with 0 ≤ i < n ≤ 1000000", s.I, s.N)
	}
	return nil
}

// Has reports whether the unit with the given index belongs to the shard.
func (s Shard) Has(index int) bool { return s.N <= 1 || index%s.N == s.I }

// String is "i/n", or "" for the whole work.
func (s Shard) String() string {
	if s == (Shard{}) {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}
