package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRankFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-noises", "0"}, "-noises = 0"},
		{[]string{"-batch", "-1"}, "-batch = -1"},
		{[]string{"-nk", "-5"}, "-nk = -5"},
		{[]string{"-snapshots", "-2"}, "-snapshots = -2"},
		{[]string{"-d", "30"}, "-d = 30"},
		{[]string{"-frac", "1.5"}, "-frac = 1.5"},
		{[]string{"-snapshot-every", "-1"}, "-snapshot-every"},
	} {
		var out, errb bytes.Buffer
		err := runRank(append(c.args, "-out", t.TempDir()), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error containing %q", c.args, err, c.want)
		}
	}
}
