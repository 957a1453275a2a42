package plot

import (
	"fmt"
	"html"
	"os"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
)

// Headless reports whether no browser is there to answer widgets: outside a
// notebook, or in a notebook executed headless (the test runner sets
// MOLRG_HEADLESS=1 for the kernel it starts). GoNB widgets wait for their
// front end, so headless code must use default values instead.
func Headless() bool { return !gonbui.IsNotebook || os.Getenv("MOLRG_HEADLESS") != "" }

// Slider is one integer parameter of an interactive figure; Scale maps the
// slider position to the value shown and passed on (nil: the position itself).
// With Choices set the parameter is categorical: a drop-down of the choices,
// passing the index of the chosen one (Min, Max and Scale are not used).
type Slider struct {
	Label         string
	Min, Max, Pos int
	Scale         func(pos int) float64
	Choices       []string
}

func (s Slider) value(pos int) float64 {
	if s.Scale == nil || s.Choices != nil {
		return float64(pos)
	}
	return s.Scale(pos)
}

func (s Slider) text(v float64) string {
	if s.Choices != nil {
		return s.Choices[int(v)]
	}
	return fmt.Sprintf("%.4g", v)
}

// idle is how long Interact listens after the last change: $MOLRG_WIDGET_IDLE
// (a Go duration such as 30s), 3 minutes by default.
func idle() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("MOLRG_WIDGET_IDLE")); err == nil && d > 0 {
		return d
	}
	return 3 * time.Minute
}

// heartbeat is how often a running Interact tells the page that it is alive.
const heartbeat = time.Second

// Interact is a kernel-backed interactive figure, for parameters whose frames
// cannot all be computed in advance (prefer Explorer wherever they can: it
// never holds the kernel). It draws render(values) and, in a notebook with a
// browser, shows a control per parameter and redraws in place on every change,
// until "Done" is pressed, no control has moved for the idle time
// ($MOLRG_WIDGET_IDLE, 3 minutes by default) or the cell is interrupted.
// While it listens the kernel is busy: "Run All" waits for it. The program
// sends a heartbeat every second; when the heartbeats stop (the program
// ended, was interrupted, or the notebook was reopened) the page disables the
// controls and says "stopped — run the cell again". Headless, it draws once
// with the default positions.
func Interact(sliders []Slider, render func(values []float64) (*Figure, error)) error {
	values := make([]float64, len(sliders))
	for i, s := range sliders {
		lo, hi := s.Min, s.Max
		if s.Choices != nil {
			lo, hi = 0, len(s.Choices)-1
			if len(s.Choices) == 0 {
				return fmt.Errorf("plot: slider %q has an empty list of choices", s.Label)
			}
		}
		if s.Pos < lo || s.Pos > hi {
			return fmt.Errorf("plot: slider %q position %d, want %d ≤ position ≤ %d", s.Label, s.Pos, lo, hi)
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
	uid := newID()
	rootID, controlsID := "molrg-interact-"+uid, "molrg-controls-"+uid
	statusID, figureID, beatID := "molrg-status-"+uid, "molrg-figure-"+uid, "molrg-beat-"+uid
	gonbui.DisplayHTML(interactHTML(rootID, controlsID, uid))
	status := func(s string) {
		gonbui.UpdateHTML(statusID, fmt.Sprintf(`<div style="%s;color:#555">%s</div>`, fontStyle, s))
	}
	draw := func() error {
		parts := make([]string, len(sliders))
		for i, s := range sliders {
			parts[i] = s.Label + " = " + s.text(values[i])
		}
		status("computing " + html.EscapeString(strings.Join(parts, " · ")) + " …")
		f, err := render(values)
		if err != nil {
			gonbui.UpdateHTML(figureID, "<pre>"+html.EscapeString(err.Error())+"</pre>")
			status("listening: the kernel is busy until you press Done")
			return nil // a bad value from a control is shown, not fatal
		}
		h, err := f.HTML()
		if err != nil {
			return err
		}
		gonbui.UpdateHTML(figureID, h)
		status(fmt.Sprintf("listening (%s): the kernel is busy until you press Done or %s pass without a change",
			html.EscapeString(strings.Join(parts, " · ")), idle()))
		return nil
	}
	type change struct{ i, pos int }
	changes := make(chan change, 16)
	for i, s := range sliders {
		label := fmt.Sprintf(`<b style="margin-left:14px">%s</b>`, html.EscapeString(s.Label))
		dom.Append(controlsID, label)
		var ch <-chan int
		if s.Choices != nil {
			w := widgets.Select(s.Choices).SetDefault(s.Pos).AppendTo(controlsID).Done()
			ch = w.Listen().LatestOnly().C
		} else {
			w := widgets.Slider(s.Min, s.Max, s.Pos).AppendTo(controlsID).Done()
			ch = w.Listen().LatestOnly().C
		}
		go func() {
			for pos := range ch {
				changes <- change{i, pos}
			}
		}()
	}
	done := widgets.Button("Done").AppendTo(controlsID).Done()
	clicks := done.Listen().LatestOnly()
	beat := func(stopped bool) {
		v := "performance.now()"
		if stopped {
			v = "-1"
		}
		gonbui.UpdateHTML(beatID, fmt.Sprintf(`<script>(window.molrgBeat=window.molrgBeat||{})[%q]={t:%s,seq:%d}</script>`, uid, v, time.Now().UnixNano()))
	}
	defer func() {
		beat(true)
		status("stopped — run the cell again to use the controls")
		gonbui.Sync()
	}()
	beat(false)
	if err := draw(); err != nil {
		return err
	}
	timer := time.NewTimer(idle())
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		select {
		case c := <-changes:
			values[c.i] = sliders[c.i].value(c.pos)
			if err := draw(); err != nil {
				return err
			}
			timer.Reset(idle())
		case <-ticker.C:
			beat(false)
		case <-clicks.C:
			return nil
		case <-timer.C:
			return nil
		}
	}
}

// interactHTML is the container of an Interact's controls. Its script keeps
// the controls enabled while heartbeats arrive and shows the "stopped" banner
// (visible by default, for a saved copy) when they stop.
func interactHTML(rootID, controlsID, uid string) string {
	return fmt.Sprintf(`<div class="molrg-interact" id="%s" style="%s">`+
		`<div id="%s" style="display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:4px 0"></div>`+
		`<div class="molrg-stopped" style="color:#9a3412;font-weight:bold">■ stopped — this figure's program is not running: run the cell again to use the controls.</div>`+
		`<script>%s</script></div>`, rootID, fontStyle, controlsID, strings.ReplaceAll(interactJS, "BEAT_ID", uid))
}

// interactJS watches the heartbeats of one Interact. A beat seen when the
// script starts may be a saved one (a reopened notebook): only a beat with a
// new sequence number proves the program alive.
const interactJS = `(function () {
  var s = document.currentScript;
  var root = s && s.closest && s.closest(".molrg-interact");
  if (!root) return;
  var banner = root.querySelector(".molrg-stopped");
  var beats = window.molrgBeat = window.molrgBeat || {};
  var first = beats["BEAT_ID"] ? beats["BEAT_ID"].seq : null, lastSeq = first, lastT = -1e9;
  banner.textContent = "connecting …";
  // Keys that move a control stay in the widget: JupyterLab would take them
  // (in command mode the arrow keys move the notebook's cursor instead).
  root.addEventListener("keydown", function (e) {
    if (/^(Arrow|Page|Home|End)/.test(e.key) && /^(INPUT|SELECT)$/.test(e.target.tagName)) e.stopPropagation();
  });
  var started = performance.now();
  var timer = setInterval(function () {
    var b = beats["BEAT_ID"], now = performance.now();
    if (b && b.seq !== lastSeq) { lastSeq = b.seq; lastT = b.t < 0 ? -1e9 : now; }
    var alive = lastSeq !== first && now - lastT < 3500;
    root.setAttribute("data-alive", alive ? "1" : "0");
    root.querySelectorAll("input,select,button").forEach(function (el) { el.disabled = !alive; });
    if (alive) { banner.style.display = "none"; return; }
    if (now - started < 3000 && lastSeq === first) return;
    banner.style.display = "";
    banner.textContent = "\u25a0 stopped \u2014 this figure's program is not running: run the cell again to use the controls.";
    if (!document.body.contains(root)) clearInterval(timer);
  }, 500);
})();`
