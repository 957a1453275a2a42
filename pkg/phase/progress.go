package phase

import (
	"fmt"
	"html"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Progress is the state of a running sweep, passed to Options.Progress.
type Progress struct {
	Done    float64       // runs finished by this sweep (fractional while Algorithm 1 trains)
	Total   int           // runs this sweep has to do (the grid less the rows already written)
	Skipped int           // runs of the grid found already written (resume)
	Stage   string        // what runs now, e.g. "K=2 d=5 sgd"
	Elapsed time.Duration // since the sweep started
}

// Rate is the number of runs per second so far.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return p.Done / p.Elapsed.Seconds()
}

// ETA is the time left at the rate so far (0 when unknown).
func (p Progress) ETA() time.Duration {
	r := p.Rate()
	if r <= 0 {
		return 0
	}
	return time.Duration((float64(p.Total) - p.Done) / r * float64(time.Second))
}

// Fraction is Done/Total in [0, 1] (1 when there is nothing to do).
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 1
	}
	return min(1, max(0, p.Done/float64(p.Total)))
}

// String formats the progress as one line: a bar, runs done out of total,
// rate, time left and the current stage.
func (p Progress) String() string {
	const width = 24
	filled := int(p.Fraction()*width + 0.5)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	eta := "?"
	if d := p.ETA(); d > 0 || p.Done >= float64(p.Total) {
		eta = d.Round(time.Second).String()
	}
	s := fmt.Sprintf("%s %d/%d runs (%.1f%%) %.1f runs/s, elapsed %s, left %s", bar, int(p.Done), p.Total,
		100*p.Fraction(), p.Rate(), p.Elapsed.Round(time.Second), eta)
	if p.Skipped > 0 {
		s += fmt.Sprintf(", %d already done", p.Skipped)
	}
	if p.Stage != "" {
		s += " · " + p.Stage
	}
	return s
}

// Bar returns a progress callback that redraws one line on w (a terminal's
// stderr) with a carriage return, at most every interval (0: 200 ms), and
// ends the line when the sweep is done.
func Bar(w io.Writer, interval time.Duration) func(Progress) {
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	var mu sync.Mutex
	var last time.Time
	width, ended := 0, false
	return func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		done := p.Done >= float64(p.Total)
		if ended || (!done && time.Since(last) < interval) {
			return
		}
		ended = done
		last = time.Now()
		s := p.String()
		n := len([]rune(s))
		pad := ""
		if n < width {
			pad = strings.Repeat(" ", width-n)
		}
		width = n
		fmt.Fprint(w, "\r"+s+pad)
		if done {
			fmt.Fprintln(w)
		}
	}
}

// NotebookBar returns a progress callback for a GoNB notebook: one output
// block, updated in place (gonbui.UpdateHTML) at most every interval (0:
// 500 ms). Outside a notebook the callback does nothing.
func NotebookBar(interval time.Duration) func(Progress) {
	if !gonbui.IsNotebook {
		return func(Progress) {}
	}
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	id := "phase-progress-" + gonbui.UniqueID()
	var mu sync.Mutex
	var last time.Time
	return func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Done < float64(p.Total) && time.Since(last) < interval {
			return
		}
		last = time.Now()
		gonbui.UpdateHTML(id, "<pre>"+html.EscapeString(p.String())+"</pre>")
	}
}
