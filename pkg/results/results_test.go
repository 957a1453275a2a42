package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type inner struct {
	K int    `csv:"K"`
	M string `csv:"method"`
}

type row struct {
	inner
	Seed    uint64  `csv:"seed"`
	Err     float64 `csv:"error"`
	OK      bool    `csv:"success"`
	Note    string  `csv:"note"`
	private int
}

type settings struct {
	Steps int     `json:"steps"`
	Tau   float64 `json:"tau"`
	Net   struct {
		Channels int `json:"channels"`
	} `json:"net"`
}

func sampleRows() []row {
	return []row{
		{inner: inner{1, "sgd"}, Seed: 1<<64 - 1, Err: 1.4142135623730951, OK: false, Note: "plain"},
		{inner: inner{-2, "classic"}, Seed: 0, Err: 3.1e-300, OK: true, Note: `a "quoted", comma`},
		{inner: inner{3, ""}, Seed: 7, Err: math.Inf(-1), OK: true, Note: ""},
		{inner: inner{4, "x"}, Seed: 8, Err: math.NaN(), OK: false, Note: "ü ✓"},
	}
}

func same(a, b row) bool {
	errEq := a.Err == b.Err || math.IsNaN(a.Err) && math.IsNaN(b.Err)
	return a.inner == b.inner && a.Seed == b.Seed && errEq && a.OK == b.OK && a.Note == b.Note
}

func open(t *testing.T, path string, s settings) (*Table[row], []row) {
	t.Helper()
	tb, rows, err := Open[row](path, Options{Settings: s, Backend: "xla:cpu"})
	if err != nil {
		t.Fatal(err)
	}
	return tb, rows
}

func TestRoundTripAndResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "t.csv")
	tb, old := open(t, path, settings{Steps: 10})
	if len(old) != 0 {
		t.Fatalf("a new table has %d rows", len(old))
	}
	rows := sampleRows()
	if err := tb.Append(rows[:1]...); err != nil {
		t.Fatal(err)
	}
	if err := tb.Append(rows[1:]...); err != nil {
		t.Fatal(err)
	}
	tb.Close()
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "K,method,seed,error,success,note\n") {
		t.Fatalf("file starts with %q, want the header of the tagged fields in order", string(b[:40]))
	}
	tb, got := open(t, path, settings{Steps: 10})
	defer tb.Close()
	if len(got) != len(rows) {
		t.Fatalf("reopened with %d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		if !same(got[i], rows[i]) {
			t.Errorf("row %d: read %+v, wrote %+v", i, got[i], rows[i])
		}
	}
	m, err := ReadMeta(path)
	if err != nil || m.Backend != "xla:cpu" || m.Shard != "" || len(m.Columns) != 6 {
		t.Errorf("meta %+v, %v", m, err)
	}
}

func TestTornLastLineIsRedone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	tb, _ := open(t, path, settings{})
	rows := sampleRows()
	tb.Append(rows[:2]...)
	tb.Close()
	good, _ := os.ReadFile(path)
	for _, tail := range []string{"3,x,7,0.", "3,x,7,0.5,1,ok,extra\n", "3,x,notanumber,0.5,1,ok\n"} {
		os.WriteFile(path, append(append([]byte(nil), good...), tail...), 0o644)
		tb, got := open(t, path, settings{})
		if len(got) != 2 {
			t.Errorf("tail %q: %d rows, want the 2 complete ones", tail, len(got))
		}
		if err := tb.Append(rows[2]); err != nil {
			t.Fatal(err)
		}
		tb.Close()
		all, _, err := Read[row](path)
		if err != nil || len(all) != 3 || !same(all[2], rows[2]) {
			t.Errorf("tail %q: after appending, read %d rows (%v), want the torn line replaced", tail, len(all), err)
		}
	}
	// A bad line before the last is an error naming it, and nothing is cut.
	bad := strings.Replace(string(good), "1,sgd", "1,sgd,oops", 1) + "3,x,7,0.5,1,ok\n"
	os.WriteFile(path, []byte(bad), 0o644)
	if _, _, err := Open[row](path, Options{Settings: settings{}, Backend: "xla:cpu"}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad middle line: error %v, want one naming line 2", err)
	}
	if b, _ := os.ReadFile(path); string(b) != bad {
		t.Error("a refused table was modified")
	}
}

func TestSettingsBackendShardColumnsChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	s := settings{Steps: 2000, Tau: 0.5}
	s.Net.Channels = 32
	tb, _ := open(t, path, s)
	tb.Append(sampleRows()[0])
	tb.Close()

	other := s
	other.Steps, other.Net.Channels = 20, 4
	_, _, err := Open[row](path, Options{Settings: other, Backend: "xla:cpu"})
	if err == nil || !strings.Contains(err.Error(), "steps: recorded 2000, now 20") || !strings.Contains(err.Error(), "net.channels: recorded 32, now 4") {
		t.Errorf("other settings: error %v, want one naming steps and net.channels", err)
	}
	if _, _, err := Open[row](path, Options{Settings: s, Backend: "go"}); err == nil || !strings.Contains(err.Error(), "GOMLX_BACKEND=xla:cpu") {
		t.Errorf("other backend: error %v", err)
	}
	if _, _, err := Open[row](path, Options{Settings: s, Backend: "xla:cpu", Shard: Shard{1, 3}}); err == nil || !strings.Contains(err.Error(), "shard") {
		t.Errorf("other shard: error %v", err)
	}
	type otherRow struct {
		K int `csv:"K"`
	}
	if _, _, err := Open[otherRow](path, Options{Settings: s, Backend: "xla:cpu"}); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("other columns: error %v", err)
	}
	// Without rows, a table takes the new settings.
	empty := filepath.Join(t.TempDir(), "e.csv")
	tb, _ = open(t, empty, s)
	tb.Close()
	tb, _ = open(t, empty, other)
	tb.Close()
	if m, _ := ReadMeta(empty); !strings.Contains(compact(m.Settings), `"steps":20`) {
		t.Errorf("empty table kept the old settings: %s", m.Settings)
	}
	// Rows without a settings file are refused.
	os.Remove(MetaPath(path))
	if _, _, err := Open[row](path, Options{Settings: s, Backend: "xla:cpu"}); err == nil || !strings.Contains(err.Error(), "no t.json") {
		t.Errorf("missing settings file: error %v", err)
	}
}

func TestLockRefusesSecondWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	tb, _ := open(t, path, settings{})
	if _, _, err := Open[row](path, Options{Settings: settings{Steps: 1}, Backend: "xla:cpu"}); err == nil || !strings.Contains(err.Error(), "another run") {
		t.Fatalf("second Open while the first holds the table: error %v", err)
	}
	if m, _ := ReadMeta(path); !strings.Contains(compact(m.Settings), `"steps":0`) {
		t.Errorf("the refused run changed the settings file: %s", m.Settings)
	}
	tb.Close()
	tb2, _ := open(t, path, settings{})
	tb2.Close()
}

func TestCodecErrors(t *testing.T) {
	type untagged struct{ A int }
	type badType struct {
		A []int `csv:"a"`
	}
	type dup struct {
		A int `csv:"a"`
		B int `csv:"a"`
	}
	dir := t.TempDir()
	for name, err := range map[string]error{
		"untagged": second(Open[untagged](filepath.Join(dir, "a.csv"), Options{})),
		"slice":    second(Open[badType](filepath.Join(dir, "b.csv"), Options{})),
		"dup":      second(Open[dup](filepath.Join(dir, "c.csv"), Options{})),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	tb, _ := open(t, filepath.Join(dir, "d.csv"), settings{})
	defer tb.Close()
	if err := tb.Append(row{Note: "two\nlines"}); err == nil {
		t.Error("a string with a line break was written")
	}
}

func compact(b []byte) string {
	var out bytes.Buffer
	json.Compact(&out, b)
	return out.String()
}

func second[T any, R any](_ T, _ R, err error) error { return err }

func TestShard(t *testing.T) {
	for _, s := range []string{"1", "3/3", "-1/2", "a/b", "0/0"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) accepted", s)
		}
	}
	s, err := ParseShard(" 1/3 ")
	if err != nil || s != (Shard{1, 3}) || s.String() != "1/3" {
		t.Fatalf("ParseShard(1/3) = %v, %v", s, err)
	}
	count := [3]int{}
	for i := range 30 {
		for j := range 3 {
			if (Shard{j, 3}).Has(i) {
				count[j]++
			}
		}
		if !(Shard{}).Has(i) {
			t.Fatal("the whole work misses a unit")
		}
	}
	if count != [3]int{10, 10, 10} {
		t.Errorf("30 units over 3 shards: %v", count)
	}
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	key := func(r row) string { return fmt.Sprint(r.K) }
	all := make([]row, 10)
	for i := range all {
		all[i] = row{inner: inner{i, "m"}, Err: float64(i) / 3}
	}
	var paths []string
	for j := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("s%d", j), "t.csv")
		tb, _, err := Open[row](p, Options{Settings: settings{Steps: 5}, Backend: "go", Shard: Shard{j, 3}})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range all {
			if (Shard{j, 3}).Has(i) {
				tb.Append(r)
			}
		}
		tb.Close()
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "merged", "t.csv")
	if _, err := Merge(out, paths[:2], key); err == nil || !strings.Contains(err.Error(), "2/3") {
		t.Errorf("merge without shard 2: error %v", err)
	}
	n, err := Merge(out, paths, key)
	if err != nil || n != 10 {
		t.Fatalf("Merge = %d, %v; want 10 rows", n, err)
	}
	got, m, err := Read[row](out)
	if err != nil || len(got) != 10 || m.Shard != "" || m.Backend != "go" {
		t.Fatalf("merged table: %d rows, meta %+v, %v", len(got), m, err)
	}
	seen := map[int]bool{}
	for _, r := range got {
		if r.Err != float64(r.K)/3 {
			t.Errorf("row %+v changed in the merge", r)
		}
		seen[r.K] = true
	}
	if len(seen) != 10 {
		t.Errorf("merged rows cover %d units, want 10", len(seen))
	}
	if n, err := Merge(out, paths, key); err != nil || n != 0 {
		t.Errorf("merging again appended %d rows (%v), want 0", n, err)
	}
	// A shard made with other settings is refused.
	p := filepath.Join(dir, "odd", "t.csv")
	tb, _, _ := Open[row](p, Options{Settings: settings{Steps: 6}, Backend: "go", Shard: Shard{2, 3}})
	tb.Append(all[2])
	tb.Close()
	if _, err := Merge(filepath.Join(dir, "m2", "t.csv"), []string{paths[0], paths[1], p}, key); err == nil || !strings.Contains(err.Error(), "steps") {
		t.Errorf("merge of a shard with other settings: error %v", err)
	}
}
