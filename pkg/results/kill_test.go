//go:build unix

package results

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The child side of the kill tests: with RESULTS_CHILD_TABLE set, the test
// binary appends rows K = n, n+1, … (n = rows already there) to that table,
// one Append per row, until killed (or 100000 rows).
func init() {
	path := os.Getenv("RESULTS_CHILD_TABLE")
	if path == "" {
		return
	}
	steps, _ := strconv.Atoi(os.Getenv("RESULTS_CHILD_STEPS"))
	tb, old, err := Open[row](path, Options{Settings: settings{Steps: steps}, Backend: "go"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("locked")
	for i := len(old); i < 100000; i++ {
		if err := tb.Append(row{inner: inner{i, "m"}, Err: float64(i) / 7, Note: strings.Repeat("x", i%50)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
	os.Exit(0)
}

func child(path string, steps int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "RESULTS_CHILD_TABLE="+path, fmt.Sprintf("RESULTS_CHILD_STEPS=%d", steps))
	return cmd
}

// TestKillDuringAppend kills a writing process with SIGKILL at random
// moments, 12 times, and checks after each that the table reopens with rows
// 0 … m−1 exactly (no gap, no duplicate, no bad line) and that m never
// decreases: every fsynced row survives and a torn line is redone.
func TestKillDuringAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "t.csv")
	rng := rand.New(rand.NewPCG(1, 2))
	prev := 0
	for round := range 12 {
		cmd := child(path, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.IntN(80)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		tb, rows, err := Open[row](path, Options{Settings: settings{Steps: 1}, Backend: "go"})
		if err != nil {
			t.Fatalf("round %d: reopening after kill -9: %v", round, err)
		}
		tb.Close()
		for i, r := range rows {
			if r.K != i || r.Err != float64(i)/7 || r.Note != strings.Repeat("x", i%50) {
				t.Fatalf("round %d: row %d = %+v, want K = %d", round, i, r, i)
			}
		}
		if len(rows) < prev {
			t.Fatalf("round %d: %d rows after the kill, %d before: rows were lost", round, len(rows), prev)
		}
		prev = len(rows)
	}
	if prev == 0 {
		t.Fatal("no row was ever written")
	}
	t.Logf("%d rows after 12 kills", prev)
}

// TestConcurrentRunsOnOneTable starts two writers with different settings on
// a fresh table at once, 10 times: exactly one may write, the other must be
// refused, and the settings file must name the writer's settings.
func TestConcurrentRunsOnOneTable(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for round := range 10 {
		path := filepath.Join(t.TempDir(), "t.csv")
		a, b := child(path, 1), child(path, 2)
		var outA, outB strings.Builder
		a.Stdout, b.Stdout = &outA, &outB
		a.Start()
		b.Start()
		time.Sleep(150 * time.Millisecond)
		a.Process.Signal(syscall.SIGKILL)
		b.Process.Signal(syscall.SIGKILL)
		errA, errB := a.Wait(), b.Wait()
		refused := func(err error) bool {
			ee, ok := err.(*exec.ExitError)
			return ok && ee.ExitCode() == 3
		}
		winner := 0
		switch {
		case strings.Contains(outA.String(), "locked") && refused(errB):
			winner = 1
		case strings.Contains(outB.String(), "locked") && refused(errA):
			winner = 2
		default:
			t.Fatalf("round %d: want exactly one writer; A: %q %v, B: %q %v", round, outA.String(), errA, outB.String(), errB)
		}
		if _, _, err := Open[row](path, Options{Settings: settings{Steps: winner}, Backend: "go"}); err != nil {
			t.Fatalf("round %d: the table does not carry its writer's settings (steps = %d): %v", round, winner, err)
		}
	}
}
