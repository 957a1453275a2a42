package progress

import (
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Terminal returns a Func for w: on a terminal it redraws one line with a
// carriage return at most every 200 ms; on anything else (a file, a pipe,
// CI's log) it writes a new line at most every 30 s, so that a log does not
// fill with redraws. The final update always ends its line.
func Terminal(w io.Writer) Func {
	if isTerminal(w) {
		return redraw(w, 200*time.Millisecond)
	}
	return Lines(w, 30*time.Second)
}

// isTerminal reports whether w is a character device (a TTY).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// redraw rewrites one terminal line in place.
func redraw(w io.Writer, every time.Duration) Func {
	var mu sync.Mutex
	var last time.Time
	width := 0
	return func(u Update) {
		mu.Lock()
		defer mu.Unlock()
		if !u.Final && time.Since(last) < every {
			return
		}
		last = time.Now()
		s := u.String()
		n := len([]rune(s))
		pad := ""
		if n < width {
			pad = strings.Repeat(" ", width-n)
		}
		width = n
		fmt.Fprint(w, "\r"+s+pad)
		if u.Final {
			fmt.Fprintln(w)
			width = 0
		}
	}
}

// Lines returns a Func that writes one line per update to w, at most every
// interval (the first, every stage change and the final one always).
func Lines(w io.Writer, every time.Duration) Func {
	var mu sync.Mutex
	var last time.Time
	stage := "\x00"
	return func(u Update) {
		mu.Lock()
		defer mu.Unlock()
		if !u.Final && u.Stage == stage && time.Since(last) < every {
			return
		}
		last, stage = time.Now(), u.Stage
		fmt.Fprintln(w, u.String())
	}
}

// Notebook returns a Func that shows the update in one block of a GoNB
// notebook's output, replaced in place at most every 500 ms. Outside a
// notebook it reports nothing.
func Notebook() Func {
	if !gonbui.IsNotebook {
		return nil
	}
	id := "progress-" + gonbui.UniqueID()
	var mu sync.Mutex
	var last time.Time
	return func(u Update) {
		mu.Lock()
		defer mu.Unlock()
		if !u.Final && time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		gonbui.UpdateHTML(id, "<pre style=\"margin:0\">"+html.EscapeString(u.String())+"</pre>")
	}
}

// Prefix returns a Func that puts prefix before every stage and passes the
// update on to f.
func Prefix(f Func, prefix string) Func {
	if f == nil {
		return nil
	}
	return func(u Update) {
		u.Stage = strings.TrimSpace(prefix + " " + u.Stage)
		f(u)
	}
}
