package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/experiment/images"
	"github.com/molrg/molrg/pkg/results"
)

// Every bad setting is reported as the flag that sets it, before anything
// is loaded or trained.
func TestImagesFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runImages([]string{"-help"}, &out, &errb); err != nil {
		t.Fatalf("-help: %v", err)
	}
	for _, want := range []string{"-authors", "CPU defaults", "32×32", "batch 512", "N = 64 … 32768", "-data"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("usage does not mention %q", want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-data", "imagenet"}, "-data = imagenet"},
		{[]string{"-data=cifar"}, "-data = cifar"},
		{[]string{"-ns", "16,x"}, "-ns"},
		{[]string{"-ns", "2"}, "-ns = 2"},
		{[]string{"-ns", "4000000"}, "-ns = 4000000"},
		{[]string{"-held", "0"}, "-held = 0"},
		{[]string{"-m", "0"}, "-m = 0"},
		{[]string{"-sample-batch", "1000"}, "-sample-batch = 1000"},
		{[]string{"-grid", "-1"}, "-grid = -1"},
		{[]string{"-k", "1"}, "-k = 1"},
		{[]string{"-tau", "0"}, "-tau = 0"},
		{[]string{"-copy", "ssim"}, "-copy = ssim"},
		{[]string{"-copy", "cosine", "-tau", "2"}, "-tau = 2"},
		{[]string{"-size", "2"}, "-size = 2"},
		{[]string{"-size", "17"}, "multiple of"},
		{[]string{"-steps", "0"}, "-steps = 0"},
		{[]string{"-batch", "0"}, "-batch = 0"},
		{[]string{"-lr", "-1"}, "-lr = -1"},
		{[]string{"-model-channels", "6"}, "-model-channels = 6"},
		{[]string{"-noises", "0"}, "-noises = 0"},
		{[]string{"-rows", "-2"}, "-rows = -2"},
		{[]string{"-shard", "3/2"}, "-shard"},
		{[]string{"-out", ""}, "-out"},
	} {
		err := runImages(append([]string{"-out", t.TempDir()}, c.args...), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error containing %q", c.args, err, c.want)
		}
	}
	if err := runImages([]string{"-plot-only", "-out", t.TempDir()}, &out, &errb); err == nil {
		t.Error("-plot-only on an empty folder: no error")
	}
}

func TestFlagValue(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-data", "emoji"}, "emoji"},
		{[]string{"--data=fashion-mnist", "-m", "3"}, "fashion-mnist"},
		{[]string{"-m", "3"}, "def"},
		{[]string{"--", "-data", "x"}, "def"},
		{[]string{"-data"}, "def"},
	} {
		if got := flagValue(c.args, "data", "def"); got != c.want {
			t.Errorf("flagValue(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

// -plot-only draws a run's figures and the combined figure of the data
// sets beside it, and prints the ordering; merge joins two shards of a
// sweep and brings their samples along.
func TestImagesPlotOnlyAndMerge(t *testing.T) {
	root := t.TempDir()
	write := func(dir string, shard results.Shard, rows []images.Row) {
		c := images.DefaultConfig("mnist")
		c.Shard = shard
		tb, _, err := results.Open[images.Row](images.TablePath(dir), results.Options{Settings: c, Backend: "xla:cpu", Shard: shard})
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Append(rows...); err != nil {
			t.Fatal(err)
		}
		tb.Close()
	}
	rows := func(data string, shift float64, rank float64) []images.Row {
		var out []images.Row
		for k, n := range []int{16, 64, 256, 1024} {
			gl := min(1, max(0, float64(k)/3*1.2-shift))
			out = append(out, images.Row{Figure: images.Fig5b, Data: data, N: n, GL: gl, GLHeld: 1, Index: -1})
		}
		for i := range 18 {
			out = append(out, images.Row{Figure: images.Fig3a, Data: data, N: 1024, Index: i, SNR: float64(i + 1), Sigma: 1 / float64(i+1), Rank: rank, Ratio: rank / 256})
		}
		return out
	}
	write(filepath.Join(root, "mnist"), results.Shard{}, rows("mnist", 0, 10))
	write(filepath.Join(root, "fashion-mnist"), results.Shard{}, rows("fashion-mnist", 0.3, 20))
	var out, errb bytes.Buffer
	if err := runImages([]string{"-plot-only", "-out", filepath.Join(root, "mnist")}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"mnist/fig5b.png", "mnist/fig3a.svg", "fig5b_3a.png", "fig5b_3a.svg"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	for _, want := range []string{"GL crosses 0.5 at N", "calibration ok", "mnist < fashion-mnist", "matches"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Two shards of one sweep, with samples.
	all := rows("mnist", 0, 10)
	a, b := filepath.Join(root, "s0"), filepath.Join(root, "s1")
	write(a, results.Shard{I: 0, N: 2}, all[:2])
	write(b, results.Shard{I: 1, N: 2}, all[2:])
	os.MkdirAll(filepath.Join(b, "samples"), 0o755)
	os.WriteFile(filepath.Join(b, "samples", "n64.json"), []byte("{}"), 0o644)
	merged := filepath.Join(root, "merged")
	if err := runMerge([]string{"-out", merged, images.TablePath(a), images.TablePath(b)}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	got, err := images.Read(merged)
	if err != nil || len(got) != len(all) {
		t.Fatalf("merged %d rows (%v), want %d", len(got), err, len(all))
	}
	if _, err := os.Stat(filepath.Join(merged, "samples", "n64.json")); err != nil {
		t.Errorf("the samples did not come along: %v", err)
	}
}
