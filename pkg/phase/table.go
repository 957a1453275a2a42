package phase

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Cell is the outcome of the runs of one (n, K, method, noise, d, N_k).
type Cell struct {
	Runs, Successes int
	MeanError       float64 // the mean of the errors over the runs
	StdError        float64 // their sample standard deviation (0 for one run)
}

// Rate is the success rate Successes/Runs (NaN without runs).
func (c Cell) Rate() float64 {
	if c.Runs == 0 {
		return math.NaN()
	}
	return float64(c.Successes) / float64(c.Runs)
}

// Table holds the cells of one heat map: one n, K, method and noise level.
type Table struct {
	K      int
	N      int
	Method Method
	Noise  float64
	Ds     []int // the subspace dimensions present, increasing
	Nks    []int // the sample counts present, increasing
	cells  map[[2]int]Cell
}

// Cell returns the cell (d, N_k) and whether it has runs.
func (t *Table) Cell(d, nk int) (Cell, bool) {
	c, ok := t.cells[[2]int{d, nk}]
	return c, ok
}

// Rates returns the success rates z[i][j] at N_k = Nks[i], d = Ds[j] (NaN
// where no run was made), the layout of plot.HeatMap.
func (t *Table) Rates() [][]float64 {
	z := make([][]float64, len(t.Nks))
	for i, nk := range t.Nks {
		z[i] = make([]float64, len(t.Ds))
		for j, d := range t.Ds {
			c, _ := t.Cell(d, nk)
			z[i][j] = c.Rate()
		}
	}
	return z
}

// Boundary is the success rate over all cells with N_k = d + offset (offset
// −1, 0, +1 probe the phase transition of Theorems 2 and 4), pooled over d,
// and the number of runs it is computed from.
func (t *Table) Boundary(offset int) (rate float64, runs int) {
	succ := 0
	for _, d := range t.Ds {
		if c, ok := t.Cell(d, d+offset); ok {
			runs += c.Runs
			succ += c.Successes
		}
	}
	if runs == 0 {
		return math.NaN(), 0
	}
	return float64(succ) / float64(runs), runs
}

// Curve is the recovery curve of Theorems 2 and 4 for one d: the success
// rate and the error (mean and standard deviation over the instances)
// against the samples per component N_k.
type Curve struct {
	Nk                  []int
	Rate                []float64
	MeanError, StdError []float64
}

// Curve returns the table's cells with subspace dimension d, by increasing
// N_k (empty when the table has no run with that d).
func (t *Table) Curve(d int) Curve {
	var c Curve
	for _, nk := range t.Nks {
		cell, ok := t.Cell(d, nk)
		if !ok {
			continue
		}
		c.Nk = append(c.Nk, nk)
		c.Rate = append(c.Rate, cell.Rate())
		c.MeanError = append(c.MeanError, cell.MeanError)
		c.StdError = append(c.StdError, cell.StdError)
	}
	return c
}

// Tabulate groups rows into tables, one per (noise, n, K, method), sorted
// by noise, then n, then K, then method in the order of Methods.
func Tabulate(rows []Row) []*Table {
	type tk struct {
		k, n   int
		method Method
		noise  float64
	}
	byKey := map[tk]*Table{}
	sums := map[tk]map[[2]int]float64{}
	sums2 := map[tk]map[[2]int]float64{}
	for _, r := range rows {
		key := tk{r.K, r.N, r.Method, r.Noise}
		t := byKey[key]
		if t == nil {
			t = &Table{K: r.K, N: r.N, Method: r.Method, Noise: r.Noise, cells: map[[2]int]Cell{}}
			byKey[key] = t
			sums[key] = map[[2]int]float64{}
			sums2[key] = map[[2]int]float64{}
		}
		ck := [2]int{r.D, r.Nk}
		c := t.cells[ck]
		c.Runs++
		if r.Success {
			c.Successes++
		}
		sums[key][ck] += r.Error
		sums2[key][ck] += r.Error * r.Error
		t.cells[ck] = c
	}
	tables := make([]*Table, 0, len(byKey))
	for key, t := range byKey {
		for ck, c := range t.cells {
			c.MeanError = sums[key][ck] / float64(c.Runs)
			if c.Runs > 1 {
				v := (sums2[key][ck] - float64(c.Runs)*c.MeanError*c.MeanError) / float64(c.Runs-1)
				c.StdError = math.Sqrt(max(v, 0))
			}
			t.cells[ck] = c
			if !slices.Contains(t.Ds, ck[0]) {
				t.Ds = append(t.Ds, ck[0])
			}
			if !slices.Contains(t.Nks, ck[1]) {
				t.Nks = append(t.Nks, ck[1])
			}
		}
		slices.Sort(t.Ds)
		slices.Sort(t.Nks)
		tables = append(tables, t)
	}
	slices.SortFunc(tables, func(a, b *Table) int {
		return cmp.Or(cmp.Compare(a.Noise, b.Noise), cmp.Compare(a.N, b.N), cmp.Compare(a.K, b.K),
			cmp.Compare(slices.Index(Methods, a.Method), slices.Index(Methods, b.Method)))
	})
	return tables
}

// Select returns the tables with the given noise level.
func Select(tables []*Table, noise float64) []*Table {
	var out []*Table
	for _, t := range tables {
		if t.Noise == noise {
			out = append(out, t)
		}
	}
	return out
}

// WriteBoundary prints the success rate at N_k = d−1, d, d+1 (pooled over d)
// of every table, one line per (noise, n, K, method).
func WriteBoundary(w io.Writer, tables []*Table) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-6s %-5s %-3s %-8s %-14s %-14s %-14s\n", "noise", "n", "K", "method", "Nk = d-1", "Nk = d", "Nk = d+1")
	for _, t := range tables {
		fmt.Fprintf(&b, "%-6g %-5d %-3d %-8s", t.Noise, t.N, t.K, t.Method)
		for off := -1; off <= 1; off++ {
			r, n := t.Boundary(off)
			if n == 0 {
				fmt.Fprintf(&b, " %-14s", "-")
			} else {
				fmt.Fprintf(&b, " %-14s", fmt.Sprintf("%5.1f%% (%d)", 100*r, n))
			}
		}
		b.WriteString("\n")
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		out.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			out.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}
