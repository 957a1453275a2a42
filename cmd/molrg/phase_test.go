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
	for _, f := range []string{"phase.csv", "phase.json", "phase.png", "phase.svg"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	rows, err := phase.ReadCSV(filepath.Join(out, "phase.csv"))
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
	// Drawing only.
	stdout.Reset()
	if err := runPhase([]string{"-plot-only", "-out", out}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
}

func TestPhaseCommandErrors(t *testing.T) {
	cases := [][]string{
		{"-d", "0-3"},
		{"-d", "12-1"},
		{"-nk", "x"},
		{"-k", "5", "-d", "12"},
		{"-methods", "adam"},
		{"-instances", "0"},
		{"-init", "zero"},
		{"-noise", "-1"},
	}
	for _, args := range cases {
		var stdout, stderr bytes.Buffer
		if err := runPhase(append(args, "-out", t.TempDir()), &stdout, &stderr); err == nil {
			t.Errorf("molrg phase %v succeeded, want an error", args)
		}
	}
}
