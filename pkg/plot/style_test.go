package plot

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// sample returns a panel with two named curves and a figure of it.
func sample(t *testing.T) (*gplot.Plot, *Figure) {
	t.Helper()
	p, err := Lines(Axes{Title: "title", X: "x", Y: "y"},
		Series{Name: "first curve", X: []float64{0, 1, 2}, Y: []float64{0, 1, 4}},
		Series{Name: "second", X: []float64{0, 1, 2}, Y: []float64{4, 1, 0}, Points: true})
	if err != nil {
		t.Fatal(err)
	}
	return p, Single(p)
}

var fontSize = regexp.MustCompile(`font-size:([0-9.]+)px`)

// The SVG names a sans-serif font stack (ending in the generic family, so a
// browser without Liberation Sans does not fall back to its serif default),
// and no text is smaller than 11 pt of the figure (14.7 CSS px at natural
// size, ≥ 11 px down to 75 % scaling).
func TestSVGFontIsSansSerifAndReadable(t *testing.T) {
	_, f := sample(t)
	svg, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(svg, []byte("Serif")) {
		t.Error("SVG uses a serif font")
	}
	if !bytes.Contains(svg, []byte("sans-serif;")) {
		t.Error("SVG font-family has no generic sans-serif fallback")
	}
	sizes := fontSize.FindAllSubmatch(svg, -1)
	if len(sizes) < 5 {
		t.Fatalf("found %d text elements with a font size, want the title, labels, ticks and legend", len(sizes))
	}
	for _, m := range sizes {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		if v < 11 {
			t.Errorf("text of %v pt, want ≥ 11 pt", v)
		}
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("SVG starts with %q, want <svg (it is embedded in HTML)", svg[:min(20, len(svg))])
	}
}

// A colour bar is a 1-pixel-wide image: in SVG it must be stretched to its
// box (preserveAspectRatio="none"), else browsers draw a 1-pixel sliver.
func TestSVGColorBarIsStretched(t *testing.T) {
	h, err := HeatMap(Axes{Title: "heat"}, []float64{1, 2}, []float64{1, 2}, [][]float64{{0, 1}, {1, 0}}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*Figure{
		"panel":       Grid([][]*gplot.Plot{{h, ColorBar("rate", 0, 1)}}),
		"figure-wide": {Panels: [][]*gplot.Plot{{h}}, Scale: &ColorScale{Label: "rate", Min: 0, Max: 1}},
	} {
		svg, err := f.SVG()
		if err != nil {
			t.Fatal(err)
		}
		images := regexp.MustCompile(`<image [^>]*>`).FindAll(svg, -1)
		if len(images) != 2 {
			t.Fatalf("%s: %d embedded images, want 2 (the heat map and the colour bar)", name, len(images))
		}
		for _, im := range images {
			for _, want := range []string{`preserveAspectRatio="none"`, `data:image/png;base64,`} {
				if !bytes.Contains(im, []byte(want)) {
					t.Errorf("%s: embedded image lacks %s: %.200s", name, want, im)
				}
			}
			w := regexp.MustCompile(`width="([0-9.]+)"`).FindSubmatch(im)
			if w == nil {
				t.Fatalf("%s: embedded image has no width", name)
			}
			if v, _ := strconv.ParseFloat(string(w[1]), 64); v < 12 {
				t.Errorf("%s: embedded image box is %v pt wide, want ≥ 12 pt", name, v)
			}
		}
	}
}

// record draws the figure on a recorder and returns its actions.
func record(f *Figure) []recorder.Action {
	w, h := f.Size()
	c := &recorder.Canvas{}
	f.draw(canvasSizer{c, w, h})
	return c.Actions
}

type canvasSizer struct {
	vg.Canvas
	w, h vg.Length
}

func (c canvasSizer) Size() (vg.Length, vg.Length) { return c.w, c.h }

// Legends are drawn outside the data: every legend entry's text starts to
// the right of every point of the curves (wide panel), or below them (a
// narrow panel, where the legend would take more than 45 % of the width).
func TestLegendOutsideData(t *testing.T) {
	for _, layout := range []string{"right", "below"} {
		p, f := sample(t)
		if layout == "below" {
			f.Width = 1.8 * vg.Inch
		}
		_ = p
		var legend []vg.Point
		dataMaxX, dataMinY := vg.Length(math.Inf(-1)), vg.Length(math.Inf(1))
		for _, a := range record(f) {
			switch a := a.(type) {
			case *recorder.FillString:
				if a.String == "first curve" || a.String == "second" {
					legend = append(legend, a.Point)
				}
			case *recorder.Stroke:
				// The curves are the paths through three points; axes,
				// ticks and grid lines have two.
				if len(a.Path) == 3 {
					for _, c := range a.Path {
						dataMaxX, dataMinY = max(dataMaxX, c.Pos.X), min(dataMinY, c.Pos.Y)
					}
				}
			}
		}
		if len(legend) == 0 {
			t.Fatalf("%s: no legend text drawn", layout)
		}
		for _, pt := range legend {
			if layout == "right" && pt.X <= dataMaxX {
				t.Errorf("right: legend text at x = %v, inside the data (curves reach x = %v)", pt.X, dataMaxX)
			}
			if layout == "below" && pt.Y >= dataMinY {
				t.Errorf("below: legend text at y = %v, inside the data (curves reach down to y = %v)", pt.Y, dataMinY)
			}
		}
	}
}

// With LegendInside the legend stays in its corner, inside the data area.
func TestLegendInside(t *testing.T) {
	_, f := sample(t)
	f.LegendInside = true
	var xs []vg.Length
	maxX := vg.Length(math.Inf(-1))
	for _, a := range record(f) {
		switch a := a.(type) {
		case *recorder.FillString:
			if a.String == "second" {
				xs = append(xs, a.Point.X)
			}
		case *recorder.Stroke:
			for _, c := range a.Path {
				maxX = max(maxX, c.Pos.X)
			}
		}
	}
	if len(xs) != 1 || xs[0] >= maxX {
		t.Errorf("inside legend text at %v, want one entry left of the right edge %v", xs, maxX)
	}
}

// Series colours: nil takes the palette, an explicit colour pairs a curve
// with its Monte-Carlo points.
func TestSeriesColor(t *testing.T) {
	p, err := Lines(Axes{}, Series{Name: "curve", X: []float64{0, 1}, Y: []float64{0, 1}, Color: OkabeIto[3]},
		Series{Name: "points", X: []float64{0, 1}, Y: []float64{0, 1}, NoLine: true, Color: OkabeIto[3]})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range record(Single(p)) {
		if c, ok := a.(*recorder.SetColor); ok && c.Color == OkabeIto[3] {
			n++
		}
	}
	if n < 2 {
		t.Errorf("the paired colour was set %d times, want the line and the points", n)
	}
	var _ draw.GlyphDrawer = draw.RingGlyph{}
	if !strings.Contains(string(Font.Variant), "Sans") {
		t.Errorf("Font = %+v, want a sans-serif variant", Font)
	}
}

// A shared legend is drawn once for the whole figure, right of every panel.
func TestSharedLegend(t *testing.T) {
	p, _ := sample(t)
	q, _ := sample(t)
	f := Grid([][]*gplot.Plot{{p, q}})
	f.SharedLegend = true
	var legend []vg.Point
	maxX := vg.Length(math.Inf(-1))
	for _, a := range record(f) {
		switch a := a.(type) {
		case *recorder.FillString:
			if a.String == "first curve" {
				legend = append(legend, a.Point)
			}
		case *recorder.Stroke:
			if len(a.Path) == 3 {
				for _, c := range a.Path {
					maxX = max(maxX, c.Pos.X)
				}
			}
		}
	}
	if len(legend) != 1 || legend[0].X <= maxX {
		t.Errorf("shared legend entries at %v, want one, right of the curves (x > %v)", legend, maxX)
	}
	if r := p.Legend.Rectangle(draw.New(canvasSizer{&recorder.Canvas{}, vg.Inch, vg.Inch})); r.Max.X-r.Min.X <= 0 {
		t.Error("the panels' own legends were not restored after drawing")
	}
}

// Error bars: one vertical segment per point, from Y−YErr to Y+YErr.
func TestSeriesErrorBars(t *testing.T) {
	vertical := func(yerr []float64) (n int, spans []vg.Length) {
		p, err := Lines(Axes{}, Series{Name: "mc", X: []float64{0, 1, 2}, Y: []float64{1, 2, 3}, YErr: yerr, NoLine: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range record(Single(p)) {
			if s, ok := a.(*recorder.Stroke); ok && len(s.Path) == 2 && s.Path[0].Pos.X == s.Path[1].Pos.X && s.Path[0].Pos.Y != s.Path[1].Pos.Y {
				n++
				spans = append(spans, s.Path[1].Pos.Y-s.Path[0].Pos.Y)
			}
		}
		return n, spans
	}
	without, _ := vertical(nil)
	with, spans := vertical([]float64{0.5, 0.5, 0.5})
	if with-without != 3 {
		t.Errorf("%d vertical segments with error bars, %d without, want 3 more", with, without)
	}
	_ = spans
	if _, err := Lines(Axes{}, Series{X: []float64{0}, Y: []float64{1}, YErr: []float64{1, 2}}); err == nil || !strings.Contains(err.Error(), "one per point") {
		t.Errorf("mismatched error bars: err = %v", err)
	}
}

// Scatter markers become <circle> elements at the same centres.
func TestCompactCircles(t *testing.T) {
	in := []byte(`<path d="M113.17,118.69A2.5,2.5 0 1 1 108.17,118.69A2.5,2.5 0 1 1 113.17,118.69Z" style="fill:#0072B2" />` + "\n" +
		`<path d="M10,20L30,40" style="stroke:#000" />`)
	out := string(compactCircles(in))
	want := `<circle cx="110.67" cy="118.69" r="2.5" style="fill:#0072B2" />` + "\n" + `<path d="M10,20L30,40" style="stroke:#000" />`
	if out != want {
		t.Errorf("compactCircles:\n%s\nwant\n%s", out, want)
	}
	p, err := Lines(Axes{Title: "t"}, Series{X: []float64{0, 1, 2}, Y: []float64{0, 1, 4}, NoLine: true})
	if err != nil {
		t.Fatal(err)
	}
	svg, err := Single(p).SVG()
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(svg, []byte("<circle ")); n != 3 {
		t.Errorf("%d circles in a scatter of 3 points, want 3", n)
	}
}
