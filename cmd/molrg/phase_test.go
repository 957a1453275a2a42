package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/phase"
)

func TestPhaseCommand(t *testing.T) {
	out := t.TempDir()
	args := []string{"-n", "12", "-d", "1-2", "-nk", "1,3", "-instances", "2", "-k", "1,2", "-steps", "200", "-out", out, "-quiet"}
	var stdout, stderr bytes.Buffer
	if err := runPhase(args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, f := range []string{"phase.csv", "phase.json", "phase.png", "phase.svg", "cells.csv", "cells.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	rows, err := phase.Read(filepath.Join(out, "phase.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * 2 * 2 * 2 * 2; len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	for _, want := range []string{"Nk = d-1", "classic", "sgd", "sweep finished"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output has no %q:\n%s", want, stdout.String())
		}
	}
	// The cells table holds the same boundary as the runs.
	cells, err := phase.ReadCells(filepath.Join(out, "cells.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var fromRows, fromCells bytes.Buffer
	phase.WriteBoundary(&fromRows, phase.Tabulate(rows))
	phase.WriteBoundary(&fromCells, cells)
	if fromRows.String() != fromCells.String() || phase.Runs(cells) != len(rows) {
		t.Errorf("boundary from the runs:\n%s\nfrom cells.csv (%d runs):\n%s", fromRows.String(), phase.Runs(cells), fromCells.String())
	}
	// Running again resumes: nothing to do, same file.
	before, _ := os.ReadFile(filepath.Join(out, "phase.csv"))
	stdout.Reset()
	if err := runPhase(args, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(out, "phase.csv"))
	if !bytes.Equal(before, after) {
		t.Fatal("a second run changed the results file")
	}
	// Other settings into the same folder are refused, naming the setting.
	if err := runPhase(append(args, "-seed", "9"), &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Errorf("another seed into the same folder: %v", err)
	}
	// Drawing only.
	stdout.Reset()
	if err := runPhase([]string{"-plot-only", "-n", "12", "-out", out}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
}

// TestPhaseCommandErrors: bad flags are errors naming the flag, before
// anything is written.
func TestPhaseCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-d", "0-3"}, "-d = 0"},
		{[]string{"-d", "12-1"}, "lo ≤ hi"},
		{[]string{"-nk", "x"}, "-nk"},
		{[]string{"-nk", "1-2000000000"}, "more than"},
		{[]string{"-nk", "1,1000000"}, "-nk = 1000000"},
		{[]string{"-instances", "2000000000"}, "-instances = 2000000000"},
		{[]string{"-k", "5", "-d", "12"}, "-d = 12"},
		{[]string{"-methods", "adam"}, "adam"},
		{[]string{"-instances", "0"}, "-instances = 0"},
		{[]string{"-init", "zero"}, "-init"},
		{[]string{"-noise", "-1"}, "-noise = -1"},
		{[]string{"-tau", "0"}, "-tau = 0"},
		{[]string{"-shard", "3/3"}, "-shard"},
		{[]string{"-out", ""}, "-out"},
	} {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		args := append([]string{"-out", dir}, c.args...)
		err := runPhase(args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("molrg phase %v: %v, want an error containing %q", c.args, err, c.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("molrg phase %v wrote %d files before failing", c.args, len(entries))
		}
	}
}
