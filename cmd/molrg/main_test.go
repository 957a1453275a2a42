package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestListFlags(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"4", "4"},
		{"1,2,5", "1,2,5"},
		{"1-4", "1,2,3,4"},
		{"2-12/4", "2,6,10"},
		{"16-128*2", "16,32,64,128"},
		{"1-3,8,16-64*4", "1,2,3,8,16,64"},
		{" 1 - 2 , 7 ", "1,2,7"},
	} {
		var v []int
		if err := (intList{&v}).Set(c.in); err != nil || formatInts(v) != c.want {
			t.Errorf("ints %q = %v, %v; want %s", c.in, v, err, c.want)
		}
	}
	for _, bad := range []string{"", "x", "3-1", "1-2000000000", "1.5", "-3", "1-4/0", "1-8*1", "0-8*2", "4/2", "1,,2"} {
		var v []int
		if err := (intList{&v}).Set(bad); err == nil {
			t.Errorf("ints %q accepted as %v", bad, v)
		}
	}
	var f []float64
	if err := (floatList{&f}).Set("0.5,1-8*2"); err != nil || (floatList{&f}).String() != "0.5,1,2,4,8" {
		t.Errorf("floats: %v %v", f, err)
	}
	for _, bad := range []string{"1e300-1e301*1.0001", "nan", "inf", "2-1"} {
		if err := (floatList{&f}).Set(bad); err == nil {
			t.Errorf("floats %q accepted", bad)
		}
	}
}

func TestHasFlag(t *testing.T) {
	if !hasFlag([]string{"-steps", "4", "--authors"}, "authors") || !hasFlag([]string{"-authors=true"}, "authors") {
		t.Error("-authors not seen")
	}
	if hasFlag([]string{"-authors=false", "--", "-authors"}, "authors") {
		t.Error("-authors=false or an argument after -- taken for -authors")
	}
}

// TestFlagErrorsOnce: a flag error is returned once, not also printed, and
// -h prints the usage and the flags and succeeds.
func TestFlagErrorsOnce(t *testing.T) {
	for name, run := range map[string]func([]string, *bytes.Buffer, *bytes.Buffer) error{
		"info":       func(a []string, o, e *bytes.Buffer) error { return runInfo(a, o, e) },
		"phase":      func(a []string, o, e *bytes.Buffer) error { return runPhase(a, o, e) },
		"unet-molrg": func(a []string, o, e *bytes.Buffer) error { return runFig5a(a, o, e) },
		"rank":       func(a []string, o, e *bytes.Buffer) error { return runRank(a, o, e) },
		"images":     func(a []string, o, e *bytes.Buffer) error { return runImages(a, o, e) },
	} {
		var out, errb bytes.Buffer
		if err := run([]string{"-h"}, &out, &errb); err != nil || !strings.Contains(errb.String(), "usage: molrg "+name) {
			t.Errorf("%s -h: %v, printed %q", name, err, errb.String())
		}
		if name == "rank" && strings.Contains(errb.String(), "%%") {
			t.Errorf("rank -h prints a doubled %%: %q", errb.String())
		}
		errb.Reset()
		err := run([]string{"-nope"}, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), "-nope") || errb.Len() != 0 {
			t.Errorf("%s -nope: error %v, and printed %q (want the error once, returned)", name, err, errb.String())
		}
		if err := run([]string{"stray"}, &out, &errb); err == nil || !strings.Contains(err.Error(), `"stray"`) {
			t.Errorf("%s stray: %v", name, err)
		}
	}
}
