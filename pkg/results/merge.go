package results

import (
	"fmt"
	"reflect"
	"strings"
)

// Merge joins the tables of the shards of one sweep into the table at out:
// it checks that every input is a shard of the same sweep (same columns,
// settings and backend), that together they are shards 0 … n−1 of n, and
// that a unit found in two inputs (key) has the same row in both; then it
// appends to out every row it does not hold yet (out is created, or resumed
// with the same settings) and returns the number of rows appended.
func Merge[R any](out string, inputs []string, key func(R) string) (int, error) {
	if len(inputs) == 0 {
		return 0, fmt.Errorf("results: no shard tables to merge")
	}
	c, err := codecFor[R]()
	if err != nil {
		return 0, err
	}
	var first Meta
	seenShard := map[int]string{}
	n := 0
	rows := map[string]R{}
	var order []string
	for i, in := range inputs {
		rs, m, err := Read[R](in)
		if err != nil {
			return 0, err
		}
		sh, err := ParseShard(m.Shard)
		if err != nil {
			return 0, fmt.Errorf("results: %s: %w", in, err)
		}
		if sh.N == 0 {
			return 0, fmt.Errorf("results: %s is not a shard (its settings record no -shard i/n)", in)
		}
		if i == 0 {
			first, n = m, sh.N
		} else {
			want := first
			want.Shard = m.Shard
			if err := compatible(in, m, want, "merge only shards of one sweep"); err != nil {
				return 0, fmt.Errorf("%w (compared with %s)", err, inputs[0])
			}
			if sh.N != n {
				return 0, fmt.Errorf("results: %s is shard %s, %s is shard %s: merge only shards of one split", in, m.Shard, inputs[0], first.Shard)
			}
		}
		if prev, ok := seenShard[sh.I]; ok {
			return 0, fmt.Errorf("results: %s and %s are both shard %d/%d", prev, in, sh.I, n)
		}
		seenShard[sh.I] = in
		for _, r := range rs {
			k := key(r)
			if old, ok := rows[k]; ok {
				if !sameRecord(c, old, r) {
					return 0, fmt.Errorf("results: unit %s has different rows in two shards (%s): the shards were not made with the same program", k, in)
				}
				continue
			}
			rows[k] = r
			order = append(order, k)
		}
	}
	var missing []string
	for i := range n {
		if _, ok := seenShard[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return 0, fmt.Errorf("results: shards %s are missing: merge all %d shards", strings.Join(missing, ", "), n)
	}
	var settings any = first.Settings
	t, have, err := Open[R](out, Options{Settings: settings, Backend: first.Backend})
	if err != nil {
		return 0, err
	}
	defer t.Close()
	held := map[string]bool{}
	for _, r := range have {
		held[key(r)] = true
	}
	var add []R
	for _, k := range order {
		if !held[k] {
			add = append(add, rows[k])
		}
	}
	if err := t.Append(add...); err != nil {
		return 0, err
	}
	return len(add), t.Close()
}

func sameRecord(c *codec, a, b any) bool {
	ra, err1 := c.encode(reflect.ValueOf(a))
	rb, err2 := c.encode(reflect.ValueOf(b))
	return err1 == nil && err2 == nil && reflect.DeepEqual(ra, rb)
}
