package plot

import (
	"fmt"
	"html"
	"os"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/widgets"
)

// Headless reports whether no browser is there to answer widgets: outside a
// notebook, or in a notebook executed headless (the test runner sets
// MOLRG_HEADLESS=1 for the kernel it starts). GoNB widgets wait for their
// front end, so headless code must use default values instead.
func Headless() bool { return !gonbui.IsNotebook || os.Getenv("MOLRG_HEADLESS") != "" }

// Slider is one integer parameter of an interactive figure; Scale maps the
// slider position to the value shown and passed on (nil: the position itself).
type Slider struct {
	Label         string
	Min, Max, Pos int
	Scale         func(pos int) float64
}

func (s Slider) value(pos int) float64 {
	if s.Scale == nil {
		return float64(pos)
	}
	return s.Scale(pos)
}

// idle is how long Interact listens after the last change: $MOLRG_WIDGET_IDLE
// (a Go duration such as 30s), 10 minutes by default.
func idle() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("MOLRG_WIDGET_IDLE")); err == nil && d > 0 {
		return d
	}
	return 10 * time.Minute
}

// Interact draws render(values) and, in a notebook with a browser, shows a
// slider per parameter and redraws on every change until no slider has moved
// for the idle time (or the cell is interrupted). Headless, it draws once with
// the sliders' default positions.
func Interact(sliders []Slider, render func(values []float64) (*Figure, error)) error {
	values := make([]float64, len(sliders))
	for i, s := range sliders {
		if s.Pos < s.Min || s.Pos > s.Max {
			return fmt.Errorf("plot: slider %q position %d, want %d ≤ position ≤ %d", s.Label, s.Pos, s.Min, s.Max)
		}
		values[i] = s.value(s.Pos)
	}
	if Headless() {
		f, err := render(values)
		if err != nil {
			return err
		}
		return f.Display()
	}
	displayID := "molrg_interact_" + gonbui.UniqueID()
	labelIDs := make([]string, len(sliders))
	draw := func() error {
		for i, s := range sliders {
			gonbui.UpdateHTML(labelIDs[i], fmt.Sprintf("<b>%s</b> = %.4g", html.EscapeString(s.Label), values[i]))
		}
		f, err := render(values)
		if err != nil {
			gonbui.UpdateHTML(displayID, "<pre>"+html.EscapeString(err.Error())+"</pre>")
			return nil // a bad value from a slider is shown, not fatal
		}
		svg, err := f.SVG()
		if err != nil {
			return err
		}
		gonbui.UpdateHTML(displayID, `<div class="molrg-figure">`+string(svg)+`</div>`)
		return nil
	}
	type change struct{ i, pos int }
	changes := make(chan change, 16)
	for i, s := range sliders {
		labelIDs[i] = fmt.Sprintf("molrg_label_%d_%s", i, gonbui.UniqueID())
		gonbui.UpdateHTML(labelIDs[i], "")
		w := widgets.Slider(s.Min, s.Max, s.Pos).Done()
		ch := w.Listen().LatestOnly()
		go func() {
			for pos := range ch.C {
				changes <- change{i, pos}
			}
		}()
	}
	if err := draw(); err != nil {
		return err
	}
	timer := time.NewTimer(idle())
	for {
		select {
		case c := <-changes:
			values[c.i] = sliders[c.i].value(c.pos)
			if err := draw(); err != nil {
				return err
			}
			timer.Reset(idle())
		case <-timer.C:
			return nil
		}
	}
}
