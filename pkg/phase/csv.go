package phase

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Header is the first line of a results file: the columns of Row.
const Header = "K,n,d,Nk,instance,method,noise,error,success,seconds"

var numColumns = strings.Count(Header, ",") + 1

// Row is the outcome of one run.
type Row struct {
	Key
	Error   float64 // max_k ‖U_{π(k)}U_{π(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F after the best permutation π
	Success bool    // Error ≤ τ
	Seconds float64 // wall time of the run (Algorithm 1: its share of the batched training)
}

// Line formats the row as one CSV line with its trailing newline. Floats
// are written with the fewest digits that read back to the same float64.
func (r Row) Line() string {
	succ := "0"
	if r.Success {
		succ = "1"
	}
	return fmt.Sprintf("%d,%d,%d,%d,%d,%s,%s,%s,%s,%s\n", r.K, r.N, r.D, r.Nk, r.Instance, r.Method,
		strconv.FormatFloat(r.Noise, 'g', -1, 64), strconv.FormatFloat(r.Error, 'g', -1, 64), succ,
		strconv.FormatFloat(r.Seconds, 'f', 4, 64))
}

// ParseRow reads one CSV line (without its newline).
func ParseRow(line string) (Row, error) {
	f := strings.Split(line, ",")
	if len(f) != numColumns {
		return Row{}, fmt.Errorf("%d fields, want %d (%s)", len(f), numColumns, Header)
	}
	var r Row
	ints := []*int{&r.K, &r.N, &r.D, &r.Nk, &r.Instance}
	names := strings.Split(Header, ",")
	for i, p := range ints {
		v, err := strconv.Atoi(f[i])
		if err != nil {
			return Row{}, fmt.Errorf("column %s = %q, want an integer", names[i], f[i])
		}
		*p = v
	}
	m, err := ParseMethod(f[5])
	if err != nil {
		return Row{}, fmt.Errorf("column method: %w", err)
	}
	r.Method = m
	floats := []*float64{&r.Noise, &r.Error}
	for i, p := range floats {
		v, err := strconv.ParseFloat(f[6+i], 64)
		if err != nil {
			return Row{}, fmt.Errorf("column %s = %q, want a number", names[6+i], f[6+i])
		}
		*p = v
	}
	switch f[8] {
	case "1":
		r.Success = true
	case "0":
	default:
		return Row{}, fmt.Errorf("column success = %q, want 0 or 1", f[8])
	}
	if r.Seconds, err = strconv.ParseFloat(f[9], 64); err != nil {
		return Row{}, fmt.Errorf("column seconds = %q, want a number", f[9])
	}
	if r.K < 1 || r.N < 1 || r.D < 1 || r.Nk < 1 || r.Instance < 0 || math.IsNaN(r.Noise) || r.Noise < 0 {
		return Row{}, fmt.Errorf("values out of range in %q", line)
	}
	return r, nil
}

// parseFile splits the content of a results file into its valid rows and the
// length of the valid prefix. A last line that is torn (no trailing newline)
// or does not parse is not part of the valid prefix; any earlier bad line is
// an error.
func parseFile(content []byte, name string) (rows []Row, valid int, err error) {
	if len(content) == 0 {
		return nil, 0, nil
	}
	end := bytes.LastIndexByte(content, '\n') + 1 // complete lines: content[:end]
	lines := strings.Split(string(content[:end]), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	if len(lines) == 0 {
		if strings.HasPrefix(Header, string(content)) {
			return nil, 0, nil // a torn header
		}
		return nil, 0, fmt.Errorf("phase: %s does not start with the header %q", name, Header)
	}
	if lines[0] != Header {
		return nil, 0, fmt.Errorf("phase: %s starts with %q, want the header %q: not a phase results file", name, lines[0], Header)
	}
	valid = len(lines[0]) + 1
	for i, line := range lines[1:] {
		r, err := ParseRow(line)
		if err != nil {
			if i == len(lines)-2 {
				break // the last complete line is bad: a torn write, redo it
			}
			return nil, 0, fmt.Errorf("phase: %s line %d: %w", name, i+2, err)
		}
		rows = append(rows, r)
		valid += len(line) + 1
	}
	return rows, valid, nil
}

// ReadRows reads a results file from r. A torn last line is ignored.
func ReadRows(r io.Reader) ([]Row, error) {
	content, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	rows, _, err := parseFile(content, "results")
	return rows, err
}

// ReadCSV reads the results file at path. A torn last line is ignored.
func ReadCSV(path string) ([]Row, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rows, _, err := parseFile(content, path)
	return rows, err
}

// Writer appends rows to a results file, a batch at a time.
type Writer struct {
	f    *os.File
	path string
}

// OpenCSV opens the results file at path for appending, creating it (and its
// folder) with the header when it does not exist. It returns the rows already
// in the file. A torn last line (no trailing newline, or a line that does not
// parse) left by a sweep killed in the middle of a write is cut away, so
// that its run is redone; a bad line anywhere else is an error.
func OpenCSV(path string) (*Writer, []Row, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("phase: results folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("phase: results file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, nil, err
	}
	content, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("phase: reading %s: %w", path, err)
	}
	rows, valid, err := parseFile(content, path)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if valid < len(content) {
		if err := f.Truncate(int64(valid)); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("phase: cutting the torn last line of %s: %w", path, err)
		}
	}
	if _, err := f.Seek(int64(valid), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	w := &Writer{f: f, path: path}
	if valid == 0 {
		if err := w.writeSync([]byte(Header + "\n")); err != nil {
			f.Close()
			return nil, nil, err
		}
		syncDir(filepath.Dir(path))
	} else if valid < len(content) {
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return w, rows, nil
}

// Write appends the rows with a single write followed by fsync, so that a
// sweep killed at any moment leaves whole rows and at most one torn line.
func (w *Writer) Write(rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Line())
	}
	return w.writeSync([]byte(b.String()))
}

func (w *Writer) writeSync(b []byte) error {
	if w.f == nil {
		return errors.New("phase: write to a closed results file")
	}
	if _, err := w.f.Write(b); err != nil {
		return fmt.Errorf("phase: writing %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("phase: syncing %s: %w", w.path, err)
	}
	return nil
}

// Path is the file the writer appends to.
func (w *Writer) Path() string { return w.path }

// Close closes the file.
func (w *Writer) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// syncDir makes a newly created file's directory entry durable (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
