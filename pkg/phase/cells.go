package phase

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/molrg/molrg/pkg/results"
)

// CellRow is one cell of a heat map as a line of a cells table
// (n,K,d,Nk,method,noise,runs,successes,mean_error,std_error): what Tabulate
// makes of the runs of one (n, K, d, N_k, method, noise). A cells table holds
// everything the figures, the boundary and the recovery curves need, in about
// a twentieth of the size of the runs table it summarizes (one line per cell
// instead of one per instance), which is what a notebook can ship.
type CellRow struct {
	N         int     `csv:"n"`
	K         int     `csv:"K"`
	D         int     `csv:"d"`
	Nk        int     `csv:"Nk"`
	Method    Method  `csv:"method"`
	Noise     float64 `csv:"noise"`
	Runs      int     `csv:"runs"`
	Successes int     `csv:"successes"`
	MeanError float64 `csv:"mean_error"`
	StdError  float64 `csv:"std_error"`
}

// TableFile and CellsFile are the names of a sweep's results table (one row
// per run) and of its cells table (one row per cell) in its output folder.
const (
	TableFile = "phase.csv"
	CellsFile = "cells.csv"
)

// cellsSettings are recorded beside a cells table: the runs table it
// summarizes and that table's own recorded settings, backend and command.
type cellsSettings struct {
	Source string       `json:"source"` // file name of the runs table, in the same folder
	Runs   int          `json:"runs"`   // rows summarized
	Table  results.Meta `json:"table"`  // the runs table's settings file
}

// WriteCells summarizes the runs table at source (a phase.csv written by
// Run) into the cells table at path, replacing any earlier one; the
// settings file beside it records source's settings, backend and command
// line. It returns the tables it wrote.
func WriteCells(path, source string) ([]*Table, error) {
	rows, meta, err := results.Read[Row](source)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("phase: %s row %d: %w", source, i+1, err)
		}
	}
	tables := Tabulate(rows)
	var cells []CellRow
	for _, t := range tables {
		for _, d := range t.Ds {
			for _, nk := range t.Nks {
				c, ok := t.Cell(d, nk)
				if !ok {
					continue
				}
				cells = append(cells, CellRow{N: t.N, K: t.K, D: d, Nk: nk, Method: t.Method, Noise: t.Noise,
					Runs: c.Runs, Successes: c.Successes, MeanError: c.MeanError, StdError: c.StdError})
			}
		}
	}
	for _, p := range []string{path, results.MetaPath(path)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("phase: replacing the cells table: %w", err)
		}
	}
	t, _, err := results.Open[CellRow](path, results.Options{
		Settings: cellsSettings{Source: filepath.Base(source), Runs: len(rows), Table: meta}, Backend: meta.Backend})
	if err != nil {
		return nil, err
	}
	if err := t.Append(cells...); err != nil {
		t.Close()
		return nil, err
	}
	return tables, t.Close()
}

// ReadCells reads a cells table written by WriteCells back into the tables
// of Tabulate.
func ReadCells(path string) ([]*Table, error) {
	cells, _, err := results.Read[CellRow](path)
	if err != nil {
		return nil, err
	}
	var rows []Row
	seen := map[[6]any]bool{}
	for i, c := range cells {
		key := [6]any{c.N, c.K, c.D, c.Nk, c.Method, c.Noise}
		switch {
		case seen[key]:
			return nil, fmt.Errorf("phase: %s row %d: the cell n=%d K=%d d=%d Nk=%d %s noise=%v is listed twice", path, i+1, c.N, c.K, c.D, c.Nk, c.Method, c.Noise)
		case c.Runs < 1 || c.Successes < 0 || c.Successes > c.Runs:
			return nil, fmt.Errorf("phase: %s row %d: %d successes of %d runs, want 0 ≤ successes ≤ runs, runs ≥ 1", path, i+1, c.Successes, c.Runs)
		}
		seen[key] = true
		r := Row{Key: Key{N: c.N, K: c.K, D: c.D, Nk: c.Nk, Method: c.Method, Noise: c.Noise}}
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("phase: %s row %d: %w", path, i+1, err)
		}
		rows = append(rows, r)
	}
	tables := Tabulate(rows) // the layout (Ds, Nks, order); the cells' values are set below
	byKey := map[[4]any]*Table{}
	for _, t := range tables {
		byKey[[4]any{t.N, t.K, t.Method, t.Noise}] = t
	}
	for _, c := range cells {
		t := byKey[[4]any{c.N, c.K, c.Method, c.Noise}]
		t.cells[[2]int{c.D, c.Nk}] = Cell{Runs: c.Runs, Successes: c.Successes, MeanError: c.MeanError, StdError: c.StdError}
	}
	return tables, nil
}

// Load returns the tables of the first folder in dirs that holds a sweep:
// its runs table (phase.csv, tabulated) or, failing that, its cells table
// (cells.csv), and the path it read. A notebook passes the folder a full
// run of `molrg phase` writes first and the results shipped with it after.
// The error wraps fs.ErrNotExist when no folder holds either.
func Load(dirs ...string) ([]*Table, string, error) {
	for _, dir := range dirs {
		path := filepath.Join(dir, TableFile)
		rows, err := Read(path)
		if err == nil {
			return Tabulate(rows), path, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, path, err
		}
		path = filepath.Join(dir, CellsFile)
		tables, err := ReadCells(path)
		if err == nil {
			return tables, path, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, path, err
		}
	}
	return nil, "", fmt.Errorf("phase: no %s or %s in %q: %w", TableFile, CellsFile, dirs, fs.ErrNotExist)
}

// Runs is the number of runs the tables hold.
func Runs(tables []*Table) int {
	n := 0
	for _, t := range tables {
		for _, c := range t.cells {
			n += c.Runs
		}
	}
	return n
}
