package phase

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sampleRows() []Row {
	return []Row{
		{Key: Key{K: 1, N: 48, D: 3, Nk: 2, Instance: 0, Method: SGD, Noise: 0}, Error: 1.4142135623730951, Success: false, Seconds: 0.0123},
		{Key: Key{K: 2, N: 48, D: 12, Nk: 24, Instance: 19, Method: Classic, Noise: 0.05}, Error: 3.1e-15, Success: true, Seconds: 1.5},
		{Key: Key{K: 3, N: 12, D: 1, Nk: 1, Instance: 7, Method: SGD, Noise: 1e-3}, Error: math.NaN(), Success: false, Seconds: 0},
	}
}

func sameRow(a, b Row, seconds bool) bool {
	errEq := a.Error == b.Error || (math.IsNaN(a.Error) && math.IsNaN(b.Error))
	return a.Key == b.Key && errEq && a.Success == b.Success && (!seconds || a.Seconds == b.Seconds)
}

func TestRowRoundTrip(t *testing.T) {
	for _, r := range sampleRows() {
		line := r.Line()
		if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
			t.Fatalf("Line() = %q, want one line ending in a newline", line)
		}
		got, err := ParseRow(strings.TrimSuffix(line, "\n"))
		if err != nil {
			t.Fatalf("ParseRow(%q): %v", line, err)
		}
		if !sameRow(got, r, true) {
			t.Errorf("ParseRow(Line(%+v)) = %+v", r, got)
		}
	}
	for _, bad := range []string{"", "1,48,3,2,0,sgd,0,0.5,1", "1,48,3,2,0,sgd,0,0.5,1,0.1,9", "x,48,3,2,0,sgd,0,0.5,1,0.1",
		"1,48,3,2,0,adam,0,0.5,1,0.1", "1,48,3,2,0,sgd,0,0.5,yes,0.1", "0,48,3,2,0,sgd,0,0.5,1,0.1"} {
		if _, err := ParseRow(bad); err == nil {
			t.Errorf("ParseRow(%q) succeeded, want an error", bad)
		}
	}
}

func TestCSVWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "phase.csv")
	w, old, err := OpenCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 0 {
		t.Fatalf("new file has %d rows", len(old))
	}
	rows := sampleRows()
	if err := w.Write(rows[:2]); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows[2:]); err != nil {
		t.Fatal(err)
	}
	w.Close()
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), Header+"\n") {
		t.Fatalf("file starts with %q, want the header", string(b[:min(len(b), 60)]))
	}
	got, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		if !sameRow(got[i], rows[i], true) {
			t.Errorf("row %d: read %+v, wrote %+v", i, got[i], rows[i])
		}
	}
	// Reopening appends after the existing rows.
	w, old, err = OpenCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 3 {
		t.Fatalf("reopened file has %d rows, want 3", len(old))
	}
	if err := w.Write(rows[:1]); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got, _ := ReadCSV(path); len(got) != 4 || !sameRow(got[3], rows[0], true) {
		t.Fatalf("after append: %d rows", len(got))
	}
}

// TestOpenCSVRepair checks that a torn last line is cut away and anything
// else that is not a results file is refused.
func TestOpenCSVRepair(t *testing.T) {
	rows := sampleRows()
	good := Header + "\n" + rows[0].Line() + rows[1].Line()
	cases := []struct {
		name    string
		content string
		rows    int // rows kept; -1: an error
	}{
		{"clean", good, 2},
		{"torn, no newline", good + rows[2].Line()[:10], 2},
		{"torn in a number", good + strings.TrimSuffix(rows[2].Line(), "\n"), 2},
		{"last line has too few fields", good + "1,48,3,2,0,sgd,0\n", 2},
		{"NUL bytes after a crash", good + "\x00\x00\x00\x00", 2},
		{"torn header", Header[:7], 0},
		{"empty", "", 0},
		{"bad line in the middle", Header + "\n" + "1,2,3\n" + rows[0].Line(), -1},
		{"another CSV", "a,b,c\n1,2,3\n", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "phase.csv")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			w, got, err := OpenCSV(path)
			if c.rows < 0 {
				if err == nil {
					w.Close()
					t.Fatal("OpenCSV succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.rows {
				t.Fatalf("OpenCSV kept %d rows, want %d", len(got), c.rows)
			}
			if err := w.Write(rows[2:]); err != nil {
				t.Fatal(err)
			}
			w.Close()
			b, _ := os.ReadFile(path)
			want := Header + "\n"
			if c.rows == 2 {
				want = good
			}
			want += rows[2].Line()
			if string(b) != want {
				t.Fatalf("file after repair and append:\n%q\nwant\n%q", b, want)
			}
		})
	}
}

func TestOpenCSVLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "phase.csv")
	w, _, err := OpenCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if w2, _, err := OpenCSV(path); err == nil {
		w2.Close()
		t.Fatal("a second writer opened the same results file")
	}
	w.Close()
	w3, _, err := OpenCSV(path)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	w3.Close()
}
