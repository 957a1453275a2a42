package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

// TestParseFlags checks the three outcomes of parseFlags: -h prints the
// usage and the flags and asks the command to stop without error; a
// positional argument is an error naming it with the hint; a good flag
// parses.
func TestParseFlags(t *testing.T) {
	newFS := func() (*flag.FlagSet, *int) {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		return fs, fs.Int("k", 1, "the k")
	}
	var out bytes.Buffer
	fs, _ := newFS()
	help, err := parseFlags(fs, []string{"-h"}, &out, "usage: molrg x\n", "")
	if !help || err != nil || !strings.Contains(out.String(), "usage: molrg x") || !strings.Contains(out.String(), "the k") {
		t.Errorf("-h: help %v, err %v, printed %q", help, err, out.String())
	}
	fs, _ = newFS()
	help, err = parseFlags(fs, []string{"stray"}, &out, "", ": use -k")
	if help || err == nil || !strings.Contains(err.Error(), `"stray"`) || !strings.HasSuffix(err.Error(), ": use -k") {
		t.Errorf("positional argument: help %v, err %v", help, err)
	}
	fs, k := newFS()
	if help, err = parseFlags(fs, []string{"-k", "7"}, &out, "", ""); help || err != nil || *k != 7 {
		t.Errorf("-k 7: help %v, err %v, k = %d", help, err, *k)
	}
	fs, _ = newFS()
	if _, err = parseFlags(fs, []string{"-nope"}, &out, "", ""); err == nil {
		t.Error("-nope: no error")
	}
}
