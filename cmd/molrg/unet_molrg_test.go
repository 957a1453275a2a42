package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUNetMoLRGFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runUNetMoLRG([]string{"-help"}, &out, &errb); err != nil {
		t.Fatalf("-help: %v", err)
	}
	if !strings.Contains(errb.String(), "-authors") {
		t.Errorf("usage does not mention -authors:\n%s", errb.String())
	}
	for _, args := range [][]string{
		{"-dims", "2,x"},
		{"-dims", "30"}, // K·d > 48
		{"-ratios", "0"},
		{"-m", "-3"},
		{"extra"},
	} {
		if err := runUNetMoLRG(args, &out, &errb); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
