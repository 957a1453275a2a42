package plot

import (
	"bytes"
	"regexp"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// The figures' style, chosen for reading at notebook width: a sans-serif
// font (Liberation Sans, with Arial, Helvetica and DejaVu Sans as fallbacks in
// SVG), and font sizes in points of the figure. A figure of the default width
// (NotebookWidth, 9 in. = 864 CSS px) fits the output area of JupyterLab in a
// 1280-px window; shown at that size, 1 pt is 4/3 px, so tick labels (11 pt)
// are 14.7 px and stay above 11 px down to 75 % scaling.
const (
	TitleSize  = 13 * vg.Length(1) // panel titles, pt
	LabelSize  = 12 * vg.Length(1) // axis labels, pt
	TickSize   = 11 * vg.Length(1) // tick labels, pt
	LegendSize = 11 * vg.Length(1) // legend entries, pt
)

// NotebookWidth is the default width of a figure: the width of JupyterLab's
// output area next to an open file browser in a 1280-px window.
const NotebookWidth = 9 * vg.Inch

// Font is the typeface of every figure.
var Font = font.Font{Typeface: "Liberation", Variant: "Sans"}

func init() {
	// gonum/plot creates its text styles from DefaultFont: every plot and
	// plotter made after this package is loaded uses the sans-serif face.
	gplot.DefaultFont = Font
}

// Style applies the figures' fonts and sizes to a plot made with gonum's
// plot.New (the functions of this package call it on their plots).
func Style(p *gplot.Plot) {
	p.Title.TextStyle.Font = font.From(Font, TitleSize)
	p.Title.Padding = vg.Points(6)
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(Font, LabelSize)
		a.Tick.Label.Font = font.From(Font, TickSize)
	}
	p.Legend.TextStyle.Font = font.From(Font, LegendSize)
	p.Legend.ThumbnailWidth = vg.Points(22)
	p.Legend.Padding = vg.Points(2)
}

// fontFamily matches the font-family that vgsvg writes (the family name of
// the face, with no generic fallback).
var fontFamily = regexp.MustCompile(`font-family:Liberation (Sans|Serif|Mono);`)

// svgImage matches the images vgsvg embeds (colour bars): it labels PNG data
// as image/jpg and leaves preserveAspectRatio at its default (xMidYMid meet),
// so a browser draws a 1×181-pixel colour bar as a 1-pixel sliver.
var svgImage = regexp.MustCompile(`<image ([^>]*)xlink:href="data:image/jpg;base64,`)

// fixSVG makes vgsvg's output render as it does in PNG: a font stack ending in
// a generic family, and embedded images stretched to their boxes.
func fixSVG(svg []byte) []byte {
	svg = fontFamily.ReplaceAllFunc(svg, func(m []byte) []byte {
		switch {
		case bytes.Contains(m, []byte("Serif")):
			return []byte(`font-family:'Liberation Serif','Times New Roman',serif;`)
		case bytes.Contains(m, []byte("Mono")):
			return []byte(`font-family:'Liberation Mono','DejaVu Sans Mono',monospace;`)
		}
		return []byte(`font-family:'Liberation Sans',Arial,Helvetica,'DejaVu Sans',sans-serif;`)
	})
	svg = svgImage.ReplaceAll(svg, []byte(`<image ${1}preserveAspectRatio="none" style="image-rendering:pixelated" xlink:href="data:image/png;base64,`))
	svg = compactCircles(svg)
	// Drop the XML prolog and comment: the SVG is also embedded in HTML.
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return svg
}

// svgCircle matches the path vgsvg writes for a filled circle glyph: two
// half-circle arcs from (x, y) through (x − 2r, y) and back.
var svgCircle = regexp.MustCompile(`<path d="M([-0-9.e+]+),([-0-9.e+]+)A([0-9.e+]+),([0-9.e+]+) 0 1 1 ([-0-9.e+]+),([-0-9.e+]+)A[0-9.e+]+,[0-9.e+]+ 0 1 1 [-0-9.e+]+,[-0-9.e+]+Z" (style="[^"]*") />`)

// compactCircles rewrites filled circle glyphs (scatter markers) as <circle>
// elements, half the size: a scatter plot of a thousand points shrinks by
// about 50 kB. Anything that does not parse is left as it was.
func compactCircles(svg []byte) []byte {
	return svgCircle.ReplaceAllFunc(svg, func(m []byte) []byte {
		g := svgCircle.FindSubmatch(m)
		x, err1 := strconv.ParseFloat(string(g[1]), 64)
		r, err2 := strconv.ParseFloat(string(g[3]), 64)
		if err1 != nil || err2 != nil || !bytes.Equal(g[3], g[4]) || !bytes.Equal(g[2], g[6]) {
			return m
		}
		cx := strconv.FormatFloat(x-r, 'g', 5, 64)
		return []byte(`<circle cx="` + cx + `" cy="` + string(g[2]) + `" r="` + string(g[3]) + `" ` + string(g[7]) + ` />`)
	})
}
