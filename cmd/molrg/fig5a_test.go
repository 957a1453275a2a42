package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestFig5aFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runFig5a([]string{"-help"}, &out, &errb); err != nil {
		t.Fatalf("-help: %v", err)
	}
	if !strings.Contains(errb.String(), "-authors") {
		t.Errorf("usage does not mention -authors:\n%s", errb.String())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-dims", "2,x"}, "-dims"},
		{[]string{"-dims", "30"}, "-dims = 30"},
		{[]string{"-ratios", "0"}, "-ratios = 0"},
		{[]string{"-ratios", "1e11"}, "-ratios = 1e+11"},
		{[]string{"-ratios", "1e300"}, "-ratios = 1e+300"},
		{[]string{"-m", "-3"}, "-m = -3"},
		{[]string{"-m", "100000000"}, "-m = 100000000"},
		{[]string{"-steps", "0"}, "-steps = 0"},
		{[]string{"-channels", "6"}, "-channels = 6"},
		{[]string{"-out", ""}, "-out"},
	} {
		err := runFig5a(append([]string{"-out", t.TempDir()}, c.args...), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error containing %q", c.args, err, c.want)
		}
	}
}
