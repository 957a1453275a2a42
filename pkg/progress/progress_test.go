package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCounterReportsEveryStep(t *testing.T) {
	var got []Update
	c := NewCounter(func(u Update) { got = append(got, u) }, 4, "runs", 2)
	c.Add(1, "a")
	c.Add(0.5, "")
	c.Add(10, "b") // clamped to the total
	c.Finish(true)
	c.Add(1, "after") // ignored once finished
	if len(got) != 5 {
		t.Fatalf("%d updates, want 5 (start, three adds, final): %+v", len(got), got)
	}
	want := []struct {
		done  float64
		stage string
	}{{0, ""}, {1, "a"}, {1.5, "a"}, {4, "b"}, {4, "done"}}
	for i, w := range want {
		if got[i].Done != w.done || got[i].Stage != w.stage || got[i].Total != 4 || got[i].Skipped != 2 {
			t.Errorf("update %d = %+v, want done %v stage %q", i, got[i], w.done, w.stage)
		}
	}
	if !got[4].Final || got[3].Final {
		t.Error("only the last update is final")
	}
}

func TestUpdateString(t *testing.T) {
	u := Update{Done: 30, Total: 120, Unit: "runs", Skipped: 5, Stage: "K=2", Elapsed: 10 * time.Second}
	s := u.String()
	for _, want := range []string{"30/120 runs", "(25.0%)", " 3/s", "left 30s", "5 already done", "· K=2"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q does not contain %q", s, want)
		}
	}
	if f := (Update{}).Fraction(); f != 1 {
		t.Errorf("fraction of no work = %v, want 1", f)
	}
}

// TestTerminalOnPipeWritesLines: a bytes.Buffer is not a terminal, so the
// bar must not use carriage returns, and updates closer than the interval
// within one stage are dropped.
func TestTerminalOnPipeWritesLines(t *testing.T) {
	var b bytes.Buffer
	f := Terminal(&b)
	c := NewCounter(f, 100, "steps", 0)
	for range 50 {
		c.Add(1, "same stage")
	}
	c.Add(1, "new stage")
	c.Finish(true)
	out := b.String()
	if strings.Contains(out, "\r") {
		t.Errorf("carriage return written to a non-terminal: %q", out)
	}
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("%d lines, want 4 (start, first stage, new stage, final):\n%s", n, out)
	}
}

func TestRedrawEndsWithNewline(t *testing.T) {
	var b bytes.Buffer
	f := redraw(&b, time.Hour)
	c := NewCounter(f, 2, "runs", 0)
	c.Add(1, "x")
	c.Finish(true)
	out := b.String()
	if !strings.HasPrefix(out, "\r") || !strings.HasSuffix(out, "\n") || strings.Count(out, "\r") != 2 {
		t.Errorf("redraw output %q: want the first and the final update, each after a carriage return, ending in a newline", out)
	}
}

func TestCounterConcurrent(t *testing.T) {
	var mu sync.Mutex
	last := 0.0
	c := NewCounter(func(u Update) { mu.Lock(); last = u.Done; mu.Unlock() }, 1000, "", 0)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Add(1, "")
			}
		}()
	}
	wg.Wait()
	if last != 1000 {
		t.Errorf("done = %v after 1000 concurrent adds, want 1000", last)
	}
}

func TestPrefix(t *testing.T) {
	var got Update
	f := Prefix(func(u Update) { got = u }, "d=2")
	f(Update{Stage: "loss 0.1"})
	if got.Stage != "d=2 loss 0.1" {
		t.Errorf("stage %q", got.Stage)
	}
	if Prefix(nil, "x") != nil {
		t.Error("Prefix(nil) should report nothing")
	}
}

func TestPart(t *testing.T) {
	var got []Update
	c := NewCounter(func(u Update) { got = append(got, u) }, 30, "steps", 0)
	for p, prefix := range []string{"d=2", "d=4"} {
		part := c.Part(prefix)
		sub := NewCounter(part, 15, "steps", 0)
		sub.Add(10, "loss 0.5")
		sub.Add(5, "loss 0.2")
		sub.Finish(true)
		if last := got[len(got)-1]; last.Done != float64(15*(p+1)) || last.Stage != prefix+" done" {
			t.Errorf("after part %d: %+v", p, last)
		}
	}
	if got[2].Stage != "d=2 loss 0.5" || got[2].Done != 10 {
		t.Errorf("update %+v, want the part's stage after its prefix and 10 done", got[2])
	}
}
