package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// Options are what a table's rows depend on besides their own columns.
type Options struct {
	// Settings are the experiment's settings (any value encoding/json can
	// write, typically its config struct). Resuming with different
	// settings is refused, naming the settings that differ.
	Settings any
	// Backend names the compute backend the rows are made on (see
	// backend.Label); "" when no backend is involved.
	Backend string
	// Shard is the part of the work this table holds (zero: all of it).
	Shard Shard
}

// Table is an open results table; see the package documentation.
type Table[R any] struct {
	path  string
	f     *os.File
	codec *codec
}

// Open opens the table at path (a .csv file) for appending, creating it and
// its folder when absent, and returns the rows already in it. It first
// locks the file (an error when another run holds it), then checks that the
// recorded columns, settings, backend and shard are this run's (an error
// naming the differences otherwise; a table without rows takes the new
// settings), then cuts away a torn last line. Close releases the lock.
func Open[R any](path string, opts Options) (*Table[R], []R, error) {
	c, err := codecFor[R]()
	if err != nil {
		return nil, nil, err
	}
	if path == "" {
		return nil, nil, errors.New("results: no path given for the results table")
	}
	want, err := newMeta(c.header(), opts)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("results: results folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("results: %w", err)
	}
	t := &Table[R]{path: path, f: f, codec: c}
	rows, err := t.open(want)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return t, rows, nil
}

// open does Open's work on the locked file.
func (t *Table[R]) open(want Meta) ([]R, error) {
	if err := lockFile(t.f); err != nil {
		return nil, err
	}
	content, err := io.ReadAll(t.f)
	if err != nil {
		return nil, fmt.Errorf("results: reading %s: %w", t.path, err)
	}
	rows, valid, err := parse[R](t.codec, content, t.path)
	if err != nil {
		return nil, err
	}
	have, err := ReadMeta(t.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if len(rows) > 0 {
			return nil, fmt.Errorf("results: %s has rows but no %s recording their settings: move it away or write to another folder",
				t.path, filepath.Base(MetaPath(t.path)))
		}
		if err := writeMeta(t.path, want); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case len(rows) == 0:
		// Nothing to mix with: the table takes this run's settings.
		if err := writeMeta(t.path, want); err != nil {
			return nil, err
		}
	default:
		if err := compatible(t.path, have, want, "use the same settings, or write to another folder"); err != nil {
			return nil, err
		}
	}
	if valid < len(content) {
		if err := t.f.Truncate(int64(valid)); err != nil {
			return nil, fmt.Errorf("results: cutting the torn last line of %s: %w", t.path, err)
		}
	}
	if _, err := t.f.Seek(int64(valid), io.SeekStart); err != nil {
		return nil, err
	}
	if valid == 0 {
		line, _ := t.codec.line(t.codec.header())
		if err := t.write(line); err != nil {
			return nil, err
		}
		syncDir(filepath.Dir(t.path))
	} else if valid < len(content) {
		if err := t.f.Sync(); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// Append writes rows at the end of the table with one write followed by
// fsync, so that a run killed at any moment leaves whole rows and at most
// one torn line.
func (t *Table[R]) Append(rows ...R) error {
	if len(rows) == 0 {
		return nil
	}
	var b bytes.Buffer
	for _, r := range rows {
		rec, err := t.codec.encode(reflect.ValueOf(r))
		if err != nil {
			return err
		}
		line, err := t.codec.line(rec)
		if err != nil {
			return err
		}
		b.Write(line)
	}
	return t.write(b.Bytes())
}

func (t *Table[R]) write(b []byte) error {
	if t.f == nil {
		return fmt.Errorf("results: write to %s after Close", t.path)
	}
	if _, err := t.f.Write(b); err != nil {
		return fmt.Errorf("results: writing %s: %w", t.path, err)
	}
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("results: syncing %s: %w", t.path, err)
	}
	return nil
}

// Path is the table's CSV file.
func (t *Table[R]) Path() string { return t.path }

// Close releases the lock and closes the file.
func (t *Table[R]) Close() error {
	if t.f == nil {
		return nil
	}
	err := t.f.Close()
	t.f = nil
	return err
}

// line formats one record as a CSV line with its newline.
func (c *codec) line(rec []string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(rec); err != nil {
		return nil, err
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// parse splits the content of a table into its rows and the length of the
// valid prefix. The first line must be the header. A last line that is torn
// (no newline) or does not parse is not part of the valid prefix; a bad
// line anywhere else is an error naming it.
func parse[R any](c *codec, content []byte, name string) (rows []R, valid int, err error) {
	if len(content) == 0 {
		return nil, 0, nil
	}
	header, _ := c.line(c.header())
	end := bytes.LastIndexByte(content, '\n') + 1 // complete lines: content[:end]
	if end == 0 {
		if bytes.HasPrefix(header, content) {
			return nil, 0, nil // a torn header
		}
		return nil, 0, fmt.Errorf("results: %s does not start with the header %q", name, strings.TrimSpace(string(header)))
	}
	lines := strings.SplitAfter(string(content[:end]), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	if lines[0] != string(header) {
		return nil, 0, fmt.Errorf("results: %s starts with %q, want the header %q (another table, or another version's)",
			name, strings.TrimSpace(lines[0]), strings.TrimSpace(string(header)))
	}
	valid = len(lines[0])
	for i, line := range lines[1:] {
		r, err := parseLine[R](c, line)
		if err != nil {
			if i == len(lines)-2 {
				break // the last complete line is bad: a torn write, redone
			}
			return nil, 0, fmt.Errorf("results: %s line %d: %w", name, i+2, err)
		}
		rows = append(rows, r)
		valid += len(line)
	}
	return rows, valid, nil
}

func parseLine[R any](c *codec, line string) (R, error) {
	var r R
	cr := csv.NewReader(strings.NewReader(line))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		return r, err
	}
	if err := c.decode(rec, reflect.ValueOf(&r).Elem()); err != nil {
		return r, err
	}
	return r, nil
}

// Read reads the table at path without locking it (a run may be appending)
// and returns its rows and recorded meta. A torn last line is left out.
func Read[R any](path string) ([]R, Meta, error) {
	c, err := codecFor[R]()
	if err != nil {
		return nil, Meta{}, err
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, Meta{}, err
	}
	rows, _, err := parse[R](c, content, path)
	if err != nil {
		return nil, Meta{}, err
	}
	m, err := ReadMeta(path)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("results: the settings of %s: %w", path, err)
	}
	return rows, m, nil
}

// syncDir makes a newly created file's directory entry durable (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
