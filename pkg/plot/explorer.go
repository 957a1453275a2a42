package plot

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// An Explorer is a figure with knobs that never needs the kernel: every
// combination of its parameters' values is rendered when the cell runs, and a
// small script in the page switches between the frames. It keeps working
// after the cell has finished, in a saved notebook and in exported HTML, and
// "Run All" never waits on it. Ordered parameters get a slider (arrow keys
// move the focused slider, Home/End jump to the ends), categorical ones radio
// buttons (a drop-down for more than five choices); the current values are
// shown as text above the figure.
//
// Run headless (plot.Headless) it emits the same HTML: the executed notebook
// holds a working explorer.

// Param is one knob of an Explorer: a list of values, shown by their labels.
type Param struct {
	Name    string   // shown before the control, e.g. "σ_t"
	Labels  []string // one label per value, in order
	Default int      // index of the value shown first
	Choice  bool     // categorical values: radio buttons or a drop-down instead of a slider
}

// Values is an ordered parameter taking the given numbers, labelled with
// format (e.g. "%.3g"); it starts at the value nearest to def.
func Values(name string, values []float64, format string, def float64) Param {
	p := Param{Name: name}
	best := math.Inf(1)
	for i, v := range values {
		p.Labels = append(p.Labels, fmt.Sprintf(format, v))
		if d := math.Abs(v - def); d < best {
			best, p.Default = d, i
		}
	}
	return p
}

// Ints is an ordered parameter taking the given integers; it starts at the
// value nearest to def.
func Ints(name string, values []int, def int) Param {
	f := make([]float64, len(values))
	for i, v := range values {
		f[i] = float64(v)
	}
	return Values(name, f, "%.0f", float64(def))
}

// Choices is a categorical parameter; it starts at labels[def].
func Choices(name string, labels []string, def int) Param {
	return Param{Name: name, Labels: labels, Default: def, Choice: true}
}

// DefaultMaxFrames caps the number of combinations an Explorer renders.
const DefaultMaxFrames = 400

// Explorer renders a figure for every combination of its parameters' values.
type Explorer struct {
	Params []Param
	// Render draws the figure at the value indices at[p] (one per parameter).
	// Its Figure.Caption is shown under the figure and switched with it.
	Render    func(at []int) (*Figure, error)
	PNG       bool // frames as PNG (for large images) instead of SVG
	MaxFrames int  // cap on the number of combinations; 0 means DefaultMaxFrames
}

// Explore renders every combination of the parameters and shows the explorer
// in the notebook (outside a notebook it renders them and shows nothing).
func Explore(params []Param, render func(at []int) (*Figure, error)) error {
	return (&Explorer{Params: params, Render: render}).Display()
}

// Combinations is the number of frames: the product of the numbers of values.
func (e *Explorer) Combinations() int {
	n := 1
	for _, p := range e.Params {
		n *= len(p.Labels)
	}
	return n
}

// validate checks the parameters and the cap.
func (e *Explorer) validate() error {
	if e.Render == nil {
		return fmt.Errorf("plot: explorer has no Render function")
	}
	if len(e.Params) == 0 {
		return fmt.Errorf("plot: explorer has no parameters, want at least one")
	}
	for i, p := range e.Params {
		if len(p.Labels) == 0 {
			return fmt.Errorf("plot: explorer parameter %d (%q) has no values, want at least one", i, p.Name)
		}
		if p.Default < 0 || p.Default >= len(p.Labels) {
			return fmt.Errorf("plot: explorer parameter %q default index %d, want 0 ≤ default < %d", p.Name, p.Default, len(p.Labels))
		}
	}
	limit := e.MaxFrames
	if limit <= 0 {
		limit = DefaultMaxFrames
	}
	if n := e.Combinations(); n > limit {
		return fmt.Errorf("plot: explorer has %d combinations of values, want at most MaxFrames = %d (use fewer values)", n, limit)
	}
	return nil
}

// decode returns the value indices of combination k (row-major: the last
// parameter varies fastest).
func (e *Explorer) decode(k int) []int {
	at := make([]int, len(e.Params))
	for p := len(e.Params) - 1; p >= 0; p-- {
		n := len(e.Params[p].Labels)
		at[p] = k % n
		k /= n
	}
	return at
}

// explorerData is the JSON the page script reads.
type explorerData struct {
	Params   []explorerParam `json:"params"`
	PNG      bool            `json:"png"`
	Frames   []string        `json:"frames"`   // distinct frames: SVG text, or base64 PNG
	Index    []int           `json:"index"`    // frame of every combination
	Captions []string        `json:"captions"` // caption of every frame
}

type explorerParam struct {
	Name    string   `json:"name"`
	Labels  []string `json:"labels"`
	Default int      `json:"default"`
}

// frames renders every combination; progress(done, total) is called after each.
func (e *Explorer) frames(progress func(done, total int)) (*explorerData, *Figure, error) {
	if err := e.validate(); err != nil {
		return nil, nil, err
	}
	d := &explorerData{PNG: e.PNG}
	for _, p := range e.Params {
		d.Params = append(d.Params, explorerParam{Name: p.Name, Labels: p.Labels, Default: p.Default})
	}
	def := 0
	for _, p := range e.Params {
		def = def*len(p.Labels) + p.Default
	}
	seen := map[[32]byte]int{}
	var first *Figure
	total := e.Combinations()
	for k := range total {
		at := e.decode(k)
		f, err := e.Render(at)
		if err != nil {
			return nil, nil, fmt.Errorf("plot: explorer frame %s: %w", e.describe(at), err)
		}
		if f == nil {
			return nil, nil, fmt.Errorf("plot: explorer frame %s: Render returned no figure", e.describe(at))
		}
		var frame string
		if e.PNG {
			b, err := f.PNG(pngDPI)
			if err != nil {
				return nil, nil, err
			}
			frame = base64.StdEncoding.EncodeToString(b)
		} else {
			b, err := f.SVG()
			if err != nil {
				return nil, nil, err
			}
			frame = string(b)
		}
		key := sha256.Sum256([]byte(frame + "\x00" + f.Caption))
		i, ok := seen[key]
		if !ok {
			i = len(d.Frames)
			seen[key] = i
			d.Frames = append(d.Frames, frame)
			d.Captions = append(d.Captions, f.Caption)
		}
		d.Index = append(d.Index, i)
		if k == def {
			first = f
		}
		if progress != nil {
			progress(k+1, total)
		}
	}
	return d, first, nil
}

// describe writes the values at the indices at, e.g. "σ_t = 0.1, DAE = hard".
func (e *Explorer) describe(at []int) string {
	parts := make([]string, len(at))
	for p, i := range at {
		parts[p] = e.Params[p].Name + " = " + e.Params[p].Labels[i]
	}
	return strings.Join(parts, ", ")
}

// HTML renders every frame and returns the explorer's HTML.
func (e *Explorer) HTML() (string, error) { return e.html(nil) }

// Markers around the parts of an explorer that only work with JavaScript (the
// controls, the frames and the script): a copy of a notebook meant to be read
// on a code host drops them and keeps the default frame (see
// kernels/refresh_notebooks.py).
const (
	LiveBegin = "<!--molrg-live-begin-->"
	LiveEnd   = "<!--molrg-live-end-->"
)

func (e *Explorer) html(progress func(done, total int)) (string, error) {
	d, first, err := e.frames(progress)
	if err != nil {
		return "", err
	}
	src, err := first.dataURI(e.PNG)
	if err != nil {
		return "", err
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return "", fmt.Errorf("plot: encoding explorer frames: %w", err)
	}
	// The element id derives from the content, so that the same explorer gives
	// the same HTML (a notebook's committed outputs change only with them).
	sum := sha256.Sum256(js.Bytes())
	id := fmt.Sprintf("molrg-explorer-%x", sum[:6])
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="molrg-explorer" id="%s" data-combinations="%d" data-frames="%d" style="max-width:100%%;%s">`,
		id, len(d.Index), len(d.Frames), fontStyle)
	b.WriteString(LiveBegin)
	b.WriteString(`<div class="molrg-controls" style="display:flex;flex-wrap:wrap;gap:6px 28px;align-items:center;margin:4px 0 2px 0">`)
	for p, prm := range e.Params {
		name := html.EscapeString(prm.Name)
		switch {
		case !prm.Choice:
			fmt.Fprintf(&b, `<label style="display:flex;align-items:center;gap:8px"><b>%s</b><span style="color:#555">%s</span>`+
				`<input type="range" data-param="%d" min="0" max="%d" step="1" value="%d" disabled aria-label="%s" style="width:%dpx">`+
				`<span style="color:#555">%s</span><output data-value-of="%d" style="min-width:3.5em;font-weight:bold">%s</output></label>`,
				name, html.EscapeString(prm.Labels[0]), p, len(prm.Labels)-1, prm.Default, name, sliderWidth(len(prm.Labels)),
				html.EscapeString(prm.Labels[len(prm.Labels)-1]), p, html.EscapeString(prm.Labels[prm.Default]))
		case len(prm.Labels) <= 5:
			fmt.Fprintf(&b, `<span role="radiogroup" aria-label="%s" style="display:flex;align-items:center;gap:10px"><b>%s</b>`, name, name)
			for i, l := range prm.Labels {
				checked := ""
				if i == prm.Default {
					checked = " checked"
				}
				fmt.Fprintf(&b, `<label style="display:flex;align-items:center;gap:3px"><input type="radio" name="%s-%d" value="%d" data-param="%d"%s disabled>%s</label>`,
					id, p, i, p, checked, html.EscapeString(l))
			}
			b.WriteString(`</span>`)
		default:
			fmt.Fprintf(&b, `<label style="display:flex;align-items:center;gap:8px"><b>%s</b><select data-param="%d" disabled aria-label="%s">`, name, p, name)
			for i, l := range prm.Labels {
				sel := ""
				if i == prm.Default {
					sel = " selected"
				}
				fmt.Fprintf(&b, `<option value="%d"%s>%s</option>`, i, sel, html.EscapeString(l))
			}
			b.WriteString(`</select></label>`)
		}
	}
	b.WriteString(`</div>`)
	b.WriteString(LiveEnd)
	defAt := make([]int, len(e.Params))
	for p, prm := range e.Params {
		defAt[p] = prm.Default
	}
	fmt.Fprintf(&b, `<div class="molrg-state" style="font-size:14px;margin:2px 0;color:#222">%s</div>`, html.EscapeString(e.stateText(defAt)))
	b.WriteString(first.imgTag(src))
	fmt.Fprintf(&b, `<div class="molrg-caption" style="%s">%s</div>`, captionStyle, html.EscapeString(first.Caption))
	fmt.Fprintf(&b, `<div class="molrg-note" style="font-size:13px;color:#9a3412;margin:2px 0">%s</div>`, html.EscapeString(
		fmt.Sprintf("Static view of an explorer with %d frames. Its controls run in the page: run this cell in JupyterLab (or trust the notebook) to use them.", len(d.Index))))
	b.WriteString(LiveBegin)
	b.WriteString(`<script type="application/json" class="molrg-data">`)
	// "</" would end the <script> element early; "<\/" is the same JSON string.
	b.WriteString(strings.ReplaceAll(strings.TrimSpace(js.String()), "</", `<\/`))
	b.WriteString(`</script><script>`)
	b.WriteString(strings.ReplaceAll(explorerJS, "ROOT_ID", id))
	b.WriteString(`</script>`)
	b.WriteString(LiveEnd)
	b.WriteString(`</div>`)
	return b.String(), nil
}

// stateText is the line above the figure: "σ_t = 0.3 · DAE: hard-max".
func (e *Explorer) stateText(at []int) string {
	parts := make([]string, len(at))
	for p, i := range at {
		parts[p] = e.Params[p].Name + " = " + e.Params[p].Labels[i]
	}
	return strings.Join(parts, " · ")
}

// sliderWidth gives a slider about 14 px per value, between 160 and 320 px.
func sliderWidth(n int) int { return min(320, max(160, 14*n)) }

// fontStyle is the font of the explorer's text.
const fontStyle = `font-family:'Liberation Sans',Arial,Helvetica,'DejaVu Sans',sans-serif;font-size:14px`

// Display renders every frame and shows the explorer in the notebook; while
// the frames are computed an updating line says how far it is (replaced by the
// explorer, not left behind). Outside a notebook it renders the frames (so
// errors surface) and shows nothing.
func (e *Explorer) Display() error {
	if !gonbui.IsNotebook {
		_, err := e.html(nil)
		return err
	}
	slot := "molrg-slot-" + newID()
	last := time.Now()
	progress := func(done, total int) {
		if done < total && time.Since(last) > 500*time.Millisecond {
			last = time.Now()
			gonbui.UpdateHTML(slot, fmt.Sprintf(`<div style="%s;color:#555">rendering frames: %d of %d …</div>`, fontStyle, done, total))
		}
	}
	gonbui.UpdateHTML(slot, fmt.Sprintf(`<div style="%s;color:#555">rendering %d frames …</div>`, fontStyle, e.Combinations()))
	h, err := e.html(progress)
	if err != nil {
		gonbui.UpdateHTML(slot, `<pre>`+html.EscapeString(err.Error())+`</pre>`)
		gonbui.Sync()
		return err
	}
	gonbui.UpdateHTML(slot, h)
	gonbui.Sync()
	return nil
}
