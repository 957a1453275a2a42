// Package progress is how long work reports how far it has got: a runner
// calls a Func with Updates, and the caller chooses where they go — a
// redrawn bar on a terminal (Terminal), timestamped lines in a log (Lines),
// a line updated in place in a notebook (Notebook) — without the runner
// knowing. Counter turns increments of work into Updates.
package progress

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Update is the state of a running piece of work.
type Update struct {
	Done    float64       // units finished in this run (fractional while a unit is under way)
	Total   float64       // units this run has to do (without the ones done before)
	Unit    string        // what a unit is: "runs", "steps", "points"
	Skipped int           // units found already done (a resumed run)
	Stage   string        // what runs now, e.g. "K=2 d=5 sgd" or "d=4 N_k=16 loss 0.21"
	Elapsed time.Duration // since the work started
	Final   bool          // the last update of the work
}

// Func receives Updates; nil means "report nothing".
type Func func(Update)

// Fraction is Done/Total in [0, 1] (1 when there is nothing to do).
func (u Update) Fraction() float64 {
	if u.Total <= 0 {
		return 1
	}
	return min(1, max(0, u.Done/u.Total))
}

// Rate is the number of units per second so far.
func (u Update) Rate() float64 {
	if u.Elapsed <= 0 {
		return 0
	}
	return u.Done / u.Elapsed.Seconds()
}

// Left is the time left at the rate so far (0 when unknown).
func (u Update) Left() time.Duration {
	r := u.Rate()
	if r <= 0 {
		return 0
	}
	return time.Duration((u.Total - u.Done) / r * float64(time.Second))
}

// String formats the update as one line: a bar, units done out of total,
// rate, elapsed and remaining time, and the stage.
func (u Update) String() string {
	const width = 24
	filled := int(u.Fraction()*width + 0.5)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	left := "?"
	if d := u.Left(); d > 0 || u.Done >= u.Total {
		left = d.Round(time.Second).String()
	}
	unit := u.Unit
	if unit == "" {
		unit = "units"
	}
	s := fmt.Sprintf("%s %s/%s %s (%.1f%%) %s/s, elapsed %s, left %s", bar, count(u.Done), count(u.Total), unit,
		100*u.Fraction(), count(u.Rate()), u.Elapsed.Round(time.Second), left)
	if u.Skipped > 0 {
		s += fmt.Sprintf(", %d already done", u.Skipped)
	}
	if u.Stage != "" {
		s += " · " + u.Stage
	}
	return s
}

// count prints whole numbers without decimals and small fractions with one.
func count(v float64) string {
	if v == float64(int64(v)) || v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// Counter accumulates finished work and reports it to a Func. It is safe
// for concurrent use; the Func is called from one goroutine at a time.
type Counter struct {
	mu      sync.Mutex
	f       Func
	u       Update
	start   time.Time
	stopped bool
}

// NewCounter starts counting total units (skipped were done before) and
// reports the start.
func NewCounter(f Func, total float64, unit string, skipped int) *Counter {
	c := &Counter{f: f, u: Update{Total: total, Unit: unit, Skipped: skipped}, start: time.Now()}
	c.report()
	return c
}

// Add records delta more units done and the current stage ("" keeps the
// previous one).
func (c *Counter) Add(delta float64, stage string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.u.Done = min(c.u.Done+delta, c.u.Total)
	if stage != "" {
		c.u.Stage = stage
	}
	c.report()
}

// Stage changes the stage without counting work.
func (c *Counter) Stage(stage string) { c.Add(0, stage) }

// Finish reports the final update (all units done when complete is set,
// else as far as the work got).
func (c *Counter) Finish(complete bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped = true
	if complete {
		c.u.Done = c.u.Total
		c.u.Stage = "done"
	}
	c.u.Final = true
	c.report()
}

func (c *Counter) report() {
	if c.f == nil {
		return
	}
	c.u.Elapsed = time.Since(c.start)
	c.f(c.u)
}

// Part returns a Func for a piece of the counter's work that reports its
// own progress in the same unit (e.g. the training steps of one point of a
// sweep): the growth of each update's Done is added to the counter, and its
// stage, after prefix, becomes the counter's stage.
func (c *Counter) Part(prefix string) Func {
	var mu sync.Mutex
	last := 0.0
	return func(u Update) {
		mu.Lock()
		delta := u.Done - last
		last = u.Done
		mu.Unlock()
		c.Add(max(delta, 0), strings.TrimSpace(prefix+" "+u.Stage))
	}
}
