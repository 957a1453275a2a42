package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Meta is what a table's rows depend on besides their own columns, kept in
// the JSON file beside the CSV (MetaPath).
type Meta struct {
	Columns  []string        `json:"columns"`
	Settings json.RawMessage `json:"settings"`
	Backend  string          `json:"backend,omitempty"` // e.g. "xla:cpu", "xla:cuda", "go"; "" = no backend involved
	Shard    string          `json:"shard,omitempty"`   // "i/n" for a shard, "" for the whole work
	Created  string          `json:"created"`           // when the first row was written (RFC 3339)
	Command  string          `json:"command,omitempty"` // the command line that created the table
}

// MetaPath is the JSON file beside the table at path: the same name with
// the extension .json.
func MetaPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
}

// ReadMeta reads the JSON file beside the table at path.
func ReadMeta(path string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(MetaPath(path))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("results: %s: %w", MetaPath(path), err)
	}
	if len(m.Columns) == 0 {
		return m, fmt.Errorf("results: %s lists no columns: not a results table's settings file", MetaPath(path))
	}
	return m, nil
}

// writeMeta writes m atomically (temporary file, fsync, rename).
func writeMeta(path string, m Meta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	mp := MetaPath(path)
	tmp := mp + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("results: writing %s: %w", tmp, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("results: writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("results: writing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, mp); err != nil {
		return fmt.Errorf("results: writing %s: %w", mp, err)
	}
	syncDir(filepath.Dir(mp))
	return nil
}

func newMeta(columns []string, opts Options) (Meta, error) {
	settings, err := json.Marshal(opts.Settings)
	if err != nil {
		return Meta{}, fmt.Errorf("results: settings cannot be recorded as JSON: %w", err)
	}
	return Meta{
		Columns:  columns,
		Settings: settings,
		Backend:  opts.Backend,
		Shard:    opts.Shard.String(),
		Created:  time.Now().UTC().Format(time.RFC3339),
		Command:  strings.Join(os.Args, " "),
	}, nil
}

// compatible returns an error naming what differs between the table's
// recorded meta (have) and this run's (want); how says what to do instead.
func compatible(path string, have, want Meta, how string) error {
	switch {
	case !slices.Equal(have.Columns, want.Columns):
		return fmt.Errorf("results: %s has the columns %s, this program writes %s (written by another version?): %s",
			path, strings.Join(have.Columns, ","), strings.Join(want.Columns, ","), how)
	case have.Shard != want.Shard:
		return fmt.Errorf("results: %s holds shard %s of the work, this run is %s: %s",
			path, orWhole(have.Shard), orWhole(want.Shard), how)
	case have.Backend != want.Backend:
		return fmt.Errorf("results: %s holds rows computed on the %s backend, this run uses %s (backends differ in rounding): resume with GOMLX_BACKEND=%s, or %s",
			path, have.Backend, want.Backend, have.Backend, how)
	}
	diffs, err := settingsDiff(have.Settings, want.Settings)
	if err != nil {
		return fmt.Errorf("results: %s: %w", MetaPath(path), err)
	}
	if len(diffs) > 0 {
		more := ""
		if len(diffs) > 3 {
			more = fmt.Sprintf(" (and %d more)", len(diffs)-3)
			diffs = diffs[:3]
		}
		return fmt.Errorf("results: %s holds rows made with other settings: %s%s: %s",
			path, strings.Join(diffs, "; "), more, how)
	}
	return nil
}

func orWhole(s string) string {
	if s == "" {
		return "the whole work (no shard)"
	}
	return s
}

// settingsDiff lists the settings that differ, as "key: recorded X, now Y",
// sorted by key; nested objects are compared key by key (a.b.c).
func settingsDiff(have, want json.RawMessage) ([]string, error) {
	var h, w any
	if err := unmarshalNumbers(have, &h); err != nil {
		return nil, fmt.Errorf("recorded settings: %w", err)
	}
	if err := unmarshalNumbers(want, &w); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	fh, fw := map[string]string{}, map[string]string{}
	flatten("", h, fh)
	flatten("", w, fw)
	keys := map[string]bool{}
	for k := range fh {
		keys[k] = true
	}
	for k := range fw {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		a, okA := fh[k]
		b, okB := fw[k]
		switch {
		case okA && okB && a == b:
		case !okA:
			out = append(out, fmt.Sprintf("%s: not recorded, now %s", k, b))
		case !okB:
			out = append(out, fmt.Sprintf("%s: recorded %s, now absent", k, a))
		default:
			out = append(out, fmt.Sprintf("%s: recorded %s, now %s", k, a, b))
		}
	}
	sort.Strings(out)
	return out, nil
}

func unmarshalNumbers(b json.RawMessage, v *any) error {
	if len(b) == 0 {
		*v = nil
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// flatten writes the leaves of v under dotted keys.
func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[prefix] = "{}"
		}
		for k, e := range x {
			flatten(join(k), e, out)
		}
	default:
		if prefix == "" {
			prefix = "(settings)"
		}
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}
