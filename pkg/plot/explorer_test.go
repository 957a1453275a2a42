package plot

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// lineFigure is a figure that depends on (a, b): a line of slope a, titled by b.
func lineFigure(a float64, b string) *Figure {
	p, _ := Lines(Axes{Title: "slope " + b, X: "x", Y: "y"}, Series{Name: "line", X: []float64{0, 1}, Y: []float64{0, a}})
	f := Single(p)
	f.Caption = fmt.Sprintf("a = %g, b = %s", a, b)
	return f
}

// embedded returns the JSON data of an explorer's HTML.
func embedded(t *testing.T, h string) explorerData {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/json" class="molrg-data">(.*?)</script>`).FindStringSubmatch(h)
	if m == nil {
		t.Fatal("no frame data in the explorer's HTML")
	}
	var d explorerData
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("frame data is not JSON: %v", err)
	}
	return d
}

// Every combination maps to the frame its own parameters render (checked by
// rendering each combination again, independently of the explorer), frames
// that come out identical are stored once, and the default frame is the
// image shown before any script runs.
func TestExplorerFrames(t *testing.T) {
	slopes := []float64{0.5, 1, 2}
	names := []string{"p", "q"}
	calls := 0
	e := &Explorer{
		Params: []Param{Values("slope", slopes, "%.1f", 1.1), Choices("title", names, 1)},
		Render: func(at []int) (*Figure, error) {
			calls++
			return lineFigure(slopes[at[0]], names[at[1]]), nil
		},
	}
	h, err := e.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if calls != 6 || e.Combinations() != 6 {
		t.Fatalf("render called %d times for %d combinations, want 6", calls, e.Combinations())
	}
	d := embedded(t, h)
	if len(d.Index) != 6 || len(d.Frames) != 6 || len(d.Captions) != 6 {
		t.Fatalf("%d combinations, %d frames, %d captions, want 6 each", len(d.Index), len(d.Frames), len(d.Captions))
	}
	for k := range 6 {
		i, j := k/2, k%2 // row-major: the last parameter varies fastest
		svg, err := lineFigure(slopes[i], names[j]).SVG()
		if err != nil {
			t.Fatal(err)
		}
		if d.Frames[d.Index[k]] != string(svg) {
			t.Errorf("combination %d (slope %v, title %s) shows another frame", k, slopes[i], names[j])
		}
		if want := fmt.Sprintf("a = %g, b = %s", slopes[i], names[j]); d.Captions[d.Index[k]] != want {
			t.Errorf("combination %d caption %q, want %q", k, d.Captions[d.Index[k]], want)
		}
	}
	if d.Params[0].Default != 1 || d.Params[1].Default != 1 {
		t.Errorf("defaults %d, %d, want 1 (slope nearest 1.1) and 1", d.Params[0].Default, d.Params[1].Default)
	}
	def, _ := lineFigure(1, "q").dataURI(false)
	if !strings.Contains(h, `src="`+def+`"`) {
		t.Error("the image shown first is not the default frame")
	}
	for _, want := range []string{`type="range"`, `type="radio"`, "slope = 1.0 · title = q", LiveBegin, LiveEnd} {
		if !strings.Contains(h, want) {
			t.Errorf("explorer HTML lacks %q", want)
		}
	}
	// Controls are disabled until the page script enables them (a static copy
	// must not offer a slider that does nothing).
	for _, in := range regexp.MustCompile(`<input [^>]*>`).FindAllString(h, -1) {
		if !strings.Contains(in, " disabled") {
			t.Errorf("control not disabled in the static HTML: %s", in)
		}
	}
	// The script cannot end early: no "</script" inside the JSON.
	m := regexp.MustCompile(`(?s)class="molrg-data">(.*?)</script>`).FindStringSubmatch(h)
	if strings.Count(h, "</script>") != 2 || strings.Contains(m[1], "</") {
		t.Error("frame data contains an unescaped \"</\"")
	}
}

func TestExplorerDeduplicatesFrames(t *testing.T) {
	e := &Explorer{
		Params: []Param{Ints("n", []int{1, 2, 3, 4}, 2)},
		Render: func(at []int) (*Figure, error) { return lineFigure(float64(at[0]%2), "same"), nil },
	}
	h, err := e.HTML()
	if err != nil {
		t.Fatal(err)
	}
	d := embedded(t, h)
	if len(d.Frames) != 2 || fmt.Sprint(d.Index) != "[0 1 0 1]" {
		t.Errorf("frames %d, index %v, want 2 distinct frames and index [0 1 0 1]", len(d.Frames), d.Index)
	}
}

func TestExplorerPNGFrames(t *testing.T) {
	e := &Explorer{Params: []Param{Choices("c", []string{"a", "b"}, 0)}, PNG: true,
		Render: func(at []int) (*Figure, error) { return lineFigure(float64(at[0]), "x"), nil }}
	h, err := e.HTML()
	if err != nil {
		t.Fatal(err)
	}
	d := embedded(t, h)
	if !d.PNG || len(d.Frames) != 2 || !strings.HasPrefix(d.Frames[0], "iVBORw0KGgo") {
		t.Errorf("PNG frames: png=%v, %d frames, first starts %.12q", d.PNG, len(d.Frames), d.Frames[0])
	}
	if !strings.Contains(h, `src="data:image/png;base64,`) {
		t.Error("PNG explorer does not show a PNG first")
	}
}

func TestExplorerErrors(t *testing.T) {
	fig := func([]int) (*Figure, error) { return lineFigure(1, "x"), nil }
	many := make([]string, 30)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	boom := errors.New("boom")
	for _, c := range []struct {
		e    Explorer
		want string
	}{
		{Explorer{Render: fig}, "no parameters"},
		{Explorer{Params: []Param{{Name: "p"}}, Render: fig}, `parameter 0 ("p") has no values`},
		{Explorer{Params: []Param{{Name: "p", Labels: []string{"a"}, Default: 1}}, Render: fig}, "default index 1"},
		{Explorer{Params: []Param{{Name: "p", Labels: many}, {Name: "q", Labels: many}}, Render: fig}, "900 combinations"},
		{Explorer{Params: []Param{{Name: "p", Labels: many}}, Render: fig, MaxFrames: 10}, "MaxFrames = 10"},
		{Explorer{Params: []Param{{Name: "p", Labels: []string{"a"}}}}, "no Render"},
		{Explorer{Params: []Param{{Name: "σ", Labels: []string{"0.1", "0.2"}}}, Render: func(at []int) (*Figure, error) {
			if at[0] == 1 {
				return nil, boom
			}
			return lineFigure(1, "x"), nil
		}}, "frame σ = 0.2: boom"},
	} {
		_, err := c.e.HTML()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want it to contain %q", err, c.want)
		}
	}
}

func TestValuesLabelsAndDefault(t *testing.T) {
	p := Values("σ_t", []float64{0.01, 0.1, 1, 10}, "%g", 0.8)
	if fmt.Sprint(p.Labels) != "[0.01 0.1 1 10]" || p.Default != 2 || p.Choice {
		t.Errorf("Values = %+v, want labels [0.01 0.1 1 10], default 2 (nearest to 0.8), a slider", p)
	}
	if q := Ints("N", []int{3, 6, 12}, 7); q.Default != 1 || q.Labels[2] != "12" {
		t.Errorf("Ints = %+v", q)
	}
	if c := Choices("DAE", []string{"soft", "hard"}, 1); !c.Choice || c.Default != 1 {
		t.Errorf("Choices = %+v", c)
	}
}
