package phase

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/results"
)

// TestCellsRoundTrip runs a small sweep into a runs table, summarizes it
// into a cells table and checks that every cell read back equals the cell
// computed directly from the runs (count, successes, mean and sample
// standard deviation of the errors), that Load prefers the runs table and
// falls back to the cells table, and that the settings file names the
// source and its command line.
func TestCellsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	g := Grid{Ns: []int{10, 20}, Ks: []int{1, 2}, Ds: []int{1, 2}, Nks: []int{1, 2, 3}, Instances: 3, Methods: []Method{Classic}, Noise: 0.02, Seed: 3}
	rows, err := Run(context.Background(), g, filepath.Join(dir, TableFile), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	written, err := WriteCells(filepath.Join(dir, CellsFile), filepath.Join(dir, TableFile))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadCells(filepath.Join(dir, CellsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 4 || len(written) != 4 {
		t.Fatalf("%d tables read back, %d written, want 4 (two n × two K)", len(back), len(written))
	}
	// Every cell, from the rows by hand.
	type ck struct{ n, k, d, nk int }
	byCell := map[ck][]Row{}
	for _, r := range rows {
		byCell[ck{r.N, r.K, r.D, r.Nk}] = append(byCell[ck{r.N, r.K, r.D, r.Nk}], r)
	}
	cells := 0
	for _, tb := range back {
		if tb.Method != Classic || tb.Noise != 0.02 {
			t.Fatalf("table %d/%s/%v", tb.K, tb.Method, tb.Noise)
		}
		for _, d := range tb.Ds {
			for _, nk := range tb.Nks {
				c, ok := tb.Cell(d, nk)
				rs := byCell[ck{tb.N, tb.K, d, nk}]
				if !ok || c.Runs != len(rs) || len(rs) != 3 {
					t.Fatalf("cell n=%d K=%d d=%d Nk=%d: %+v for %d rows", tb.N, tb.K, d, nk, c, len(rs))
				}
				succ, sum := 0, 0.0
				for _, r := range rs {
					sum += r.Error
					if r.Success {
						succ++
					}
				}
				mean := sum / 3
				ss := 0.0
				for _, r := range rs {
					ss += (r.Error - mean) * (r.Error - mean)
				}
				sd := math.Sqrt(ss / 2)
				if c.Successes != succ || math.Abs(c.MeanError-mean) > 1e-12*(1+mean) || math.Abs(c.StdError-sd) > 1e-9*(1+sd) {
					t.Errorf("cell n=%d K=%d d=%d Nk=%d: %+v, want %d successes, mean %v, s.d. %v", tb.N, tb.K, d, nk, c, succ, mean, sd)
				}
				cells++
			}
		}
	}
	if cells != 2*2*2*3 {
		t.Fatalf("%d cells, want 24", cells)
	}
	if Runs(back) != len(rows) {
		t.Errorf("Runs = %d, want %d", Runs(back), len(rows))
	}
	// The boundary is the same from either table.
	var a, b bytes.Buffer
	WriteBoundary(&a, written)
	WriteBoundary(&b, back)
	if a.String() != b.String() {
		t.Errorf("boundary from the runs:\n%s\nfrom the cells:\n%s", a.String(), b.String())
	}
	meta, err := results.ReadMeta(filepath.Join(dir, CellsFile))
	if err != nil {
		t.Fatal(err)
	}
	var recorded struct {
		Source string
		Runs   int
		Table  results.Meta
	}
	if err := json.Unmarshal(meta.Settings, &recorded); err != nil {
		t.Fatal(err)
	}
	if recorded.Source != TableFile || recorded.Runs != len(rows) || recorded.Table.Backend == "" || meta.Backend != recorded.Table.Backend || meta.Command == "" ||
		!strings.Contains(string(recorded.Table.Settings), `"tau"`) {
		t.Errorf("cells settings %s, command %q", meta.Settings, meta.Command)
	}

	// Load: the runs table first, the cells table when it is gone, an error
	// wrapping fs.ErrNotExist when neither is there.
	other := t.TempDir()
	if _, path, err := Load(other, dir); err != nil || path != filepath.Join(dir, TableFile) {
		t.Fatalf("Load = %q, %v; want the runs table", path, err)
	}
	for _, ext := range []string{".csv", ".json"} {
		if err := os.Rename(filepath.Join(dir, "phase"+ext), filepath.Join(other, "moved"+ext)); err != nil {
			t.Fatal(err)
		}
	}
	tables, path, err := Load(other, dir)
	if err != nil || path != filepath.Join(dir, CellsFile) || len(tables) != 4 {
		t.Fatalf("Load = %d tables from %q, %v; want the cells table", len(tables), path, err)
	}
	if _, _, err := Load(other); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of an empty folder: %v, want fs.ErrNotExist", err)
	}
	// A second summary replaces the first (other settings, same path).
	if _, err := WriteCells(filepath.Join(dir, CellsFile), filepath.Join(other, "moved.csv")); err != nil {
		t.Fatalf("rewriting the cells table: %v", err)
	}
}

// TestReadCellsRejects checks that a cells table with a duplicated cell or
// impossible counts is refused.
func TestReadCellsRejects(t *testing.T) {
	for name, body := range map[string]string{
		"duplicate": "48,1,1,1,sgd,0,2,1,0.5,0.1\n48,1,1,1,sgd,0,2,1,0.5,0.1\n",
		"counts":    "48,1,1,1,sgd,0,2,3,0.5,0.1\n",
		"method":    "48,1,1,1,svd,0,2,1,0.5,0.1\n",
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, CellsFile)
		tb, _, err := results.Open[CellRow](path, results.Options{Settings: "test"})
		if err != nil {
			t.Fatal(err)
		}
		tb.Close()
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(body)
		f.Close()
		if _, err := ReadCells(path); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestFigures checks the heat-map figure (a colour scale, one row per
// (n, K)) and the curve figure (one curve per n, the points of
// Table.Curve).
func TestFigures(t *testing.T) {
	var rows []Row
	for _, n := range []int{16, 64} {
		for _, m := range Methods {
			for d := 1; d <= 3; d++ {
				for nk := 1; nk <= 4; nk++ {
					for i := range 2 {
						ok := nk >= d
						e := 1.0 + 0.1*float64(i)
						if ok {
							e = 0.01
						}
						rows = append(rows, Row{Key: Key{N: n, K: 2, D: d, Nk: nk, Instance: i, Method: m}, Error: e, Success: ok})
					}
				}
			}
		}
	}
	tables := Tabulate(rows)
	fig, err := Figure(tables)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Scale == nil || fig.Scale.Min != 0 || fig.Scale.Max != 1 || len(fig.Panels) != 2 || len(fig.Panels[0]) != 2 {
		t.Fatalf("Figure: scale %+v, %d rows", fig.Scale, len(fig.Panels))
	}
	svg, err := fig.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"K-subspaces (18), K = 2, n = 16", "Algorithm 1, DAE (9), K = 2, n = 64", "success rate", "K-subspaces (18)"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the heat maps have no %q", want)
		}
	}
	cf, err := CurveFigure(tables, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(cf.Panels) != 2 || len(cf.Panels[0]) != 2 {
		t.Fatalf("CurveFigure: %d×%d panels, want 2×2", len(cf.Panels), len(cf.Panels[0]))
	}
	svg, err = cf.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"n = 16", "n = 64", "N_k = d", "K-subspaces (18), d = 2", "Algorithm 1, DAE (9), d = 2"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the curves have no %q", want)
		}
	}
	if _, err := CurveFigure(tables, 7); err == nil {
		t.Error("CurveFigure with a d that no table has: no error")
	}
}
