package phase

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/seed"
	"github.com/molrg/molrg/pkg/subspace"
	"gonum.org/v1/gonum/mat"
)

// quickTrain is Algorithm 1 with fewer steps than the defaults, enough for
// n = 12.
func quickTrain(p dae.Parameterization, dims ...int) dae.Config {
	c := dae.DefaultConfig(p, dims...)
	c.Steps = 300
	return c
}

// collect runs a sweep without a file and returns its rows in order.
func collectRows(t *testing.T, g Grid, opts Options) []Row {
	t.Helper()
	var rows []Row
	if err := Sweep(context.Background(), g, opts, nil, func(b []Row) error { rows = append(rows, b...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != g.Size() {
		t.Fatalf("sweep returned %d rows, want %d", len(rows), g.Size())
	}
	for i, k := range g.Keys() {
		if rows[i].Key != k {
			t.Fatalf("row %d is %s, want %s", i, rows[i].Key, k)
		}
	}
	return rows
}

// TestClassicMatchesSubspace checks every classical row against direct
// calls to subspace.PCA / subspace.KSubspaces and subspace.Errors on the
// same data.
func TestClassicMatchesSubspace(t *testing.T) {
	g := Grid{Ns: []int{12}, Ks: []int{1, 2}, Ds: []int{1, 3}, Nks: []int{1, 3, 6}, Instances: 3, Methods: []Method{Classic}, Noise: 0.01, Seed: 5}
	for _, r := range collectRows(t, g, Options{Tau: 0.5, Workers: 2}) {
		p, err := NewProblem(r.N, r.K, r.D, r.Nk, r.Instance, g.Noise, g.Seed)
		if err != nil {
			t.Fatal(err)
		}
		var bases []*mat.Dense
		if r.K == 1 {
			u, err := subspace.PCA(p.X, r.D)
			if err != nil {
				t.Fatal(err)
			}
			bases = []*mat.Dense{u}
		} else {
			res, err := subspace.KSubspaces(p.X, []int{r.D, r.D}, subspace.KSubspacesOptions{Init: subspace.InitSpectral, Seed: seed.Derive(p.Seed, "classic")})
			if err != nil {
				t.Fatal(err)
			}
			bases = res.Bases
		}
		errs, err := subspace.Errors(bases, p.Truth)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for _, e := range errs {
			worst = max(worst, e)
		}
		ok, err := subspace.Success(bases, p.Truth, subspace.DefaultTau)
		if err != nil {
			t.Fatal(err)
		}
		if r.Error != worst || r.Success != ok {
			t.Errorf("%s: row error %v success %v, direct %v %v", r.Key, r.Error, r.Success, worst, ok)
		}
		// Theorems 2 and 4 (small noise δ = 0.01): N_k < d cannot recover;
		// PCA recovers from N_k ≥ 2d samples (at N_k = d a sample with a tiny
		// coefficient may be dominated by the noise).
		if r.Nk >= 2*r.D && r.K == 1 && !r.Success {
			t.Errorf("%s: PCA failed with N_k ≥ 2d (error %v)", r.Key, r.Error)
		}
		if r.Nk < r.D && r.Success {
			t.Errorf("%s: success with N_k < d (error %v)", r.Key, r.Error)
		}
	}
}

// TestSGDPhaseTransition runs Algorithm 1 (eq. 11, K = 1) on both sides of
// N_k = d: with N_k < d the data span fewer than d directions and the error
// stays ≥ √(2(d−N_k))/… (failure); with N_k ≥ d it recovers U⋆.
func TestSGDPhaseTransition(t *testing.T) {
	g := Grid{Ns: []int{12}, Ks: []int{1}, Ds: []int{2}, Nks: []int{1, 4}, Instances: 3, Methods: []Method{SGD}, Seed: 3}
	for _, r := range collectRows(t, g, Options{Tau: 0.5, Train: quickTrain}) {
		if r.Nk >= r.D && !r.Success {
			t.Errorf("%s: Algorithm 1 failed with N_k ≥ d: error %v", r.Key, r.Error)
		}
		if r.Nk < r.D && r.Success {
			t.Errorf("%s: Algorithm 1 succeeded with N_k < d: error %v", r.Key, r.Error)
		}
	}
}

// TestSGDRowsRecordStopping runs the default Algorithm 1 (stopping on
// convergence) and checks each row's steps and converged columns against
// dae.Train on the same instance, and that N_k ≫ d settles well before the
// maximum; the classical rows record no steps.
func TestSGDRowsRecordStopping(t *testing.T) {
	g := Grid{Ns: []int{12}, Ks: []int{1}, Ds: []int{2}, Nks: []int{1, 30}, Instances: 2, Methods: []Method{SGD, Classic}, Seed: 4}
	opts := Options{Tau: 0.5}
	for _, r := range collectRows(t, g, opts) {
		if r.Method == Classic {
			if r.Steps != 0 || r.Converged {
				t.Errorf("%s: classical row has steps %d, converged %v", r.Key, r.Steps, r.Converged)
			}
			continue
		}
		p, err := r.Key.Problem(g.Seed)
		if err != nil {
			t.Fatal(err)
		}
		cfg := opts.TrainConfig(r.K, r.D, g.Seed)
		res, err := dae.Train(cfg, []dae.Instance{p.Instance()})
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps != res.Steps[0] || r.Converged != res.Converged[0] {
			t.Errorf("%s: row steps %d converged %v, dae alone %d %v", r.Key, r.Steps, r.Converged, res.Steps[0], res.Converged[0])
		}
		if r.Nk > 10*r.D && (!r.Converged || r.Steps >= cfg.Steps) {
			t.Errorf("%s: N_k ≫ d did not stop early: %d of %d steps, converged %v", r.Key, r.Steps, cfg.Steps, r.Converged)
		}
	}
}

// TestResume writes part of an uninterrupted sweep's file, with a torn last
// line, resumes it, and checks the file then holds exactly the rows of the
// uninterrupted sweep (the seconds column aside).
func TestResume(t *testing.T) {
	g := Grid{Ns: []int{12}, Ks: []int{1, 2}, Ds: []int{2}, Nks: []int{1, 4}, Instances: 2, Methods: []Method{SGD, Classic}, Seed: 9}
	opts := DefaultOptions()
	opts.Train = quickTrain
	dir := t.TempDir()
	full := filepath.Join(dir, "full.csv")
	want, err := Run(context.Background(), g, full, opts)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(full)
	lines := strings.SplitAfter(string(content), "\n")
	// Keep the header, the first 5 rows and half of the 6th (an SGD group
	// cut in the middle), and a row of the K = 2 classical group.
	partial := strings.Join(lines[:6], "") + lines[len(lines)-4] + lines[6][:len(lines[6])/2]
	part := filepath.Join(dir, "part.csv")
	if err := os.WriteFile(part, []byte(partial), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(results.MetaPath(part), mustRead(t, results.MetaPath(full)), 0o644); err != nil {
		t.Fatal(err)
	}
	var updates []progress.Update
	opts.Progress = func(u progress.Update) { updates = append(updates, u) }
	got, err := Run(context.Background(), g, part, opts)
	if err != nil {
		t.Fatal(err)
	}
	if last := updates[len(updates)-1]; last.Skipped != 6 || last.Total != float64(g.Size()-6) || last.Done != last.Total || !last.Final {
		t.Errorf("last progress %+v, want 6 skipped and %d done", last, g.Size()-6)
	}
	if len(got) != len(want) {
		t.Fatalf("resumed sweep has %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameRow(got[i], want[i], false) {
			t.Errorf("row %d: resumed %+v, uninterrupted %+v", i, got[i], want[i])
		}
	}
	onDisk, err := Read(part)
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk) != len(want) {
		t.Fatalf("resumed file has %d rows, want %d", len(onDisk), len(want))
	}
	byKey := map[Key]Row{}
	for _, r := range onDisk {
		byKey[r.Key] = r
	}
	for _, r := range want {
		if !sameRow(byKey[r.Key], r, false) {
			t.Errorf("%s: file has %+v, want %+v", r.Key, byKey[r.Key], r)
		}
	}
	// A second resume does nothing.
	before := mustRead(t, part)
	if _, err := Run(context.Background(), g, part, opts); err != nil {
		t.Fatal(err)
	}
	if string(mustRead(t, part)) != string(before) {
		t.Fatal("resuming a finished sweep changed the file")
	}
	// Another seed into the same file is refused.
	g.Seed++
	if _, err := Run(context.Background(), g, part, opts); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Fatalf("resuming with another seed: %v, want an error naming the seed", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSweepCancel(t *testing.T) {
	g := Grid{Ns: []int{12}, Ks: []int{2}, Ds: []int{1, 2}, Nks: []int{1, 2, 3}, Instances: 4, Methods: []Method{Classic}}
	ctx, cancel := context.WithCancel(context.Background())
	batches := 0
	err := Sweep(ctx, g, DefaultOptions(), nil, func([]Row) error { batches++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || batches != 1 {
		t.Fatalf("Sweep after cancel: %v after %d batches, want context.Canceled after 1", err, batches)
	}
}

func sameRow(a, b Row, seconds bool) bool {
	errEq := a.Error == b.Error || (math.IsNaN(a.Error) && math.IsNaN(b.Error))
	return a.Key == b.Key && errEq && a.Success == b.Success && (!seconds || a.Seconds == b.Seconds)
}

// TestShardsMergeToTheWholeSweep runs a grid as 3 shards into 3 tables,
// merges them, and checks the merged table holds exactly the rows of the
// unsharded sweep (the seconds column aside).
func TestShardsMergeToTheWholeSweep(t *testing.T) {
	g := Grid{Ns: []int{12}, Ks: []int{1, 2}, Ds: []int{1, 2}, Nks: []int{1, 3}, Instances: 2, Methods: []Method{SGD, Classic}, Seed: 4}
	opts := DefaultOptions()
	opts.Train = quickTrain
	dir := t.TempDir()
	whole, err := Run(context.Background(), g, filepath.Join(dir, "whole", "phase.csv"), opts)
	if err != nil {
		t.Fatal(err)
	}
	var shards []string
	total := 0
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("shard%d", i), "phase.csv")
		o := opts
		o.Shard = results.Shard{I: i, N: 3}
		rows, err := Run(context.Background(), g, p, o)
		if err != nil {
			t.Fatal(err)
		}
		total += len(rows)
		shards = append(shards, p)
	}
	if total != g.Size() {
		t.Fatalf("the shards hold %d rows, want %d", total, g.Size())
	}
	out := filepath.Join(dir, "merged", "phase.csv")
	if n, err := Merge(out, shards); err != nil || n != g.Size() {
		t.Fatalf("Merge = %d, %v; want %d rows", n, err, g.Size())
	}
	merged, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[Key]Row{}
	for _, r := range merged {
		byKey[r.Key] = r
	}
	// Algorithm 1 trains the instances of a shard in other batches than the
	// whole sweep: XLA may then sum in another order, so errors agree to
	// float32 rounding (relative 1e-5), successes exactly.
	for _, r := range whole {
		m, ok := byKey[r.Key]
		if !ok || m.Success != r.Success || math.Abs(m.Error-r.Error) > 1e-5*(1+r.Error) {
			t.Errorf("%s: merged error %v success %v, unsharded %v %v", r.Key, m.Error, m.Success, r.Error, r.Success)
		}
	}
	// A shard of another sweep (another seed) is refused.
	g.Seed++
	o := opts
	o.Shard = results.Shard{I: 2, N: 3}
	odd := filepath.Join(dir, "odd", "phase.csv")
	if _, err := Run(context.Background(), g, odd, o); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(filepath.Join(dir, "m2", "phase.csv"), []string{shards[0], shards[1], odd}); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Errorf("merging a shard with another seed: %v", err)
	}
}

// TestRecoveryCurve: the recovery curve of Theorem 2 (K = 1, d = 6, n = 24):
// PCA fails for N < d and is exact from N = d on; Algorithm 1 follows.
func TestRecoveryCurve(t *testing.T) {
	g := Grid{Ns: []int{24}, Ks: []int{1}, Ds: []int{6}, Nks: []int{1, 2, 16}, Instances: 2, Methods: []Method{SGD, Classic}, Seed: 3}
	tables := Tabulate(collectRows(t, g, Options{Tau: 0.5, Train: quickTrain}))
	for _, tb := range tables {
		c := tb.Curve(6)
		if len(c.Nk) != 3 || c.Nk[2] != 16 {
			t.Fatalf("%s curve over N_k %v", tb.Method, c.Nk)
		}
		if c.Rate[0] != 0 || c.Rate[2] != 1 {
			t.Errorf("%s: success %v, want 0 at N = 1 and 1 at N = 16", tb.Method, c.Rate)
		}
		if c.MeanError[0] < 1 {
			t.Errorf("%s: mean error %v at N = 1, want far from U⋆", tb.Method, c.MeanError[0])
		}
		if tb.Method == Classic && c.MeanError[2] > 1e-9 {
			t.Errorf("PCA error %v at N = 16, want exact recovery", c.MeanError[2])
		}
	}
	if c := tables[0].Curve(7); len(c.Nk) != 0 {
		t.Errorf("curve of an absent d: %+v", c)
	}
}
