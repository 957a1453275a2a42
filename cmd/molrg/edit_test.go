package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-r", "0"}, "-r = 0"},
		{[]string{"-r", "1000"}, "-r = 1000"},
		{[]string{"-t", "1.5"}, "-t = 1.5"},
		{[]string{"-xi", "0"}, "-xi"},
		{[]string{"-index", "-1"}, "-index = -1"},
		{[]string{"-index", "5000"}, "-index = 5000"},
		{[]string{"-source", "web"}, "-source = web"},
		{[]string{"-mask", "1,2"}, "-mask = 1,2"},
		{[]string{"-mask", "0,0,99,4"}, "-mask = 0,0,99,4"},
		{[]string{"-mask", "alpha"}, "-mask = alpha"},
		{[]string{"-null-rank", "-1"}, "-null-rank = -1"},
		{[]string{"-method", "lanczos"}, "-method = lanczos"},
		{[]string{"-tol", "0"}, "-tol = 0"},
		{[]string{"-tol", "2"}, "-tol = 2"},
		{[]string{"-max-iter", "0"}, "-max-iter = 0"},
		{[]string{"-inv-steps", "0"}, "-inv-steps = 0"},
		{[]string{"-steps", "0"}, "-steps = 0"},
		{[]string{"-batch", "0"}, "-batch = 0"},
		{[]string{"-size", "2"}, "-size = 2"},
		{[]string{"-data", "imagenet"}, "-data = imagenet"},
		{[]string{"-data", "mnist", "-truth"}, "-truth"},
		{[]string{"-d", "30", "-truth"}, "-d = 30"},
		{[]string{"-png", "/nonexistent/x.png"}, "/nonexistent/x.png"},
		{[]string{"-n", "0"}, "-n = 0"},
		{[]string{"stray"}, "stray"},
	} {
		var out, errb bytes.Buffer
		err := runEdit(append(c.args, "-out", t.TempDir(), "-quiet"), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error containing %q", c.args, err, c.want)
		}
	}
}

// molrg edit -truth writes the table, a grid per edit time and the singular
// values, and a second run resumes without computing (and prints the same).
func TestEditTruth(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"-truth", "-t", "0.2", "-r", "3", "-xi", "1", "-out", dir, "-quiet"}
	if err := runEdit(args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"edit.csv", "edit.json", "edit_t0.2.png", "edit_t0.2.svg", "singular_values.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	sv, _ := os.ReadFile(filepath.Join(dir, "singular_values.csv"))
	if n := strings.Count(string(sv), "\n"); n != 4 {
		t.Errorf("singular_values.csv has %d lines, want a header and 3 values:\n%s", n, sv)
	}
	var again bytes.Buffer
	if err := runEdit(args, &again, &errb); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Errorf("the resumed run printed\n%s\nthe first\n%s", again.String(), out.String())
	}
	var plot bytes.Buffer
	if err := runEdit([]string{"-plot-only", "-out", dir}, &plot, &errb); err != nil {
		t.Fatal(err)
	}
}
