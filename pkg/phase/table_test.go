package phase

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestTabulateAndBoundary(t *testing.T) {
	// K = 1, d ∈ {1, 2}, N_k ∈ {1, 2, 3}, two instances; success iff N_k ≥ d
	// except one failure at (d = 2, N_k = 2).
	var rows []Row
	for _, m := range []Method{Classic, SGD} {
		for d := 1; d <= 2; d++ {
			for nk := 1; nk <= 3; nk++ {
				for i := range 2 {
					ok := nk >= d && !(m == SGD && d == 2 && nk == 2 && i == 1)
					e := 1.0
					if ok {
						e = 0.1
					}
					rows = append(rows, Row{Key: Key{K: 1, N: 8, D: d, Nk: nk, Instance: i, Method: m}, Error: e, Success: ok})
				}
			}
		}
	}
	rows = append(rows, Row{Key: Key{K: 1, N: 8, D: 1, Nk: 1, Method: SGD, Noise: 0.05}, Error: 0.2, Success: true})
	tables := Tabulate(rows)
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3 (two methods at δ = 0, one at δ = 0.05)", len(tables))
	}
	if tables[0].Method != SGD || tables[1].Method != Classic || tables[2].Noise != 0.05 {
		t.Fatalf("tables in order %v/%v, %v/%v, %v/%v", tables[0].Method, tables[0].Noise, tables[1].Method, tables[1].Noise, tables[2].Method, tables[2].Noise)
	}
	sgd := tables[0]
	if c, _ := sgd.Cell(2, 2); c.Runs != 2 || c.Successes != 1 || c.Rate() != 0.5 || math.Abs(c.MeanError-0.55) > 1e-15 {
		t.Fatalf("cell (2, 2) = %+v", c)
	}
	z := sgd.Rates()
	if len(z) != 3 || len(z[0]) != 2 || z[0][1] != 0 || z[1][1] != 0.5 || z[2][0] != 1 {
		t.Fatalf("Rates() = %v", z)
	}
	// N_k = d−1: (d=2, N_k=1) fails; N_k = d: 2 of 2 at d=1 and 1 of 2 at d=2;
	// N_k = d+1: (1, 2) and (2, 3) succeed.
	for _, c := range []struct {
		off  int
		rate float64
		runs int
	}{{-1, 0, 2}, {0, 0.75, 4}, {1, 1, 4}} {
		if r, n := sgd.Boundary(c.off); r != c.rate || n != c.runs {
			t.Errorf("Boundary(%d) = %v over %d runs, want %v over %d", c.off, r, n, c.rate, c.runs)
		}
	}
	if got := Select(tables, 0.05); len(got) != 1 || got[0].Noise != 0.05 {
		t.Fatalf("Select(0.05) = %d tables", len(got))
	}
	var b bytes.Buffer
	if err := WriteBoundary(&b, Select(tables, 0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "75.0% (4)") || strings.Count(b.String(), "\n") != 3 || !strings.Contains(b.String(), "0      8     1   sgd") {
		t.Fatalf("WriteBoundary:\n%s", b.String())
	}
	fig, err := Figure(Select(tables, 0))
	if err != nil {
		t.Fatal(err)
	}
	svg, err := fig.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PCA (12)", "Algorithm 1, DAE (11)", "success rate", "N_k = d"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the figure has no %q", want)
		}
	}
}
