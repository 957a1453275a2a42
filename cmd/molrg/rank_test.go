package main

import (
	"bytes"
	"testing"
)

func TestRankFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runRank([]string{"-help"}, &out, &errb); err != nil {
		t.Fatalf("-help: %v", err)
	}
	for _, args := range [][]string{{"-noises", "0"}, {"-batch", "-1"}, {"extra"}} {
		if err := runRank(args, &out, &errb); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
