package plot

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot/vg"
)

// How a figure appears in a notebook: an <img> whose source is the SVG (or
// PNG) as a data URI, inside <div class="molrg-figure">. An image rather than
// inline SVG because code hosts (GitHub) show data-URI images in notebook
// outputs but strip inline SVG, and because an explorer switches frames by
// swapping the image source. The image keeps its natural size (1 pt of the
// figure = 4/3 CSS px) and shrinks with the output area (max-width: 100 %).

// pixels converts a length of the figure to CSS pixels (96 per inch).
func pixels(l vg.Length) int { return int(l.Points()*4/3 + 0.5) }

// alt is the text alternative of a figure: its panel titles.
func (f *Figure) alt() string {
	var titles []string
	for _, r := range f.Panels {
		for _, p := range r {
			if p != nil && p.Title.Text != "" {
				titles = append(titles, p.Title.Text)
			}
		}
	}
	return strings.Join(titles, " | ")
}

// dataURI renders the figure as a data URI: SVG, or PNG at 110 dpi.
func (f *Figure) dataURI(png bool) (string, error) {
	if png {
		b, err := f.PNG(pngDPI)
		if err != nil {
			return "", err
		}
		return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b), nil
	}
	b, err := f.SVG()
	if err != nil {
		return "", err
	}
	return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(b), nil
}

// pngDPI is the resolution of PNG figures in notebooks: a little above the
// 96 dpi at which they are shown, so they stay sharp on a zoomed page.
const pngDPI = 110

// imgTag returns the <img> of a figure with the given source.
func (f *Figure) imgTag(src string) string {
	w, h := f.Size()
	return fmt.Sprintf(`<img class="molrg-frame" alt="%s" width="%d" height="%d" style="max-width:100%%;height:auto;display:block" src="%s">`,
		html.EscapeString(f.alt()), pixels(w), pixels(h), src)
}

// captionStyle is the style of the text under a figure.
const captionStyle = `font-family:'Liberation Sans',Arial,Helvetica,'DejaVu Sans',sans-serif;font-size:14px;margin:2px 0 6px 0;white-space:pre-wrap`

// HTML returns the figure as notebook HTML: an SVG image sized for the output
// area, and the caption under it.
func (f *Figure) HTML() (string, error) { return f.html(false) }

func (f *Figure) html(png bool) (string, error) {
	src, err := f.dataURI(png)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<div class="molrg-figure" style="max-width:100%">`)
	b.WriteString(f.imgTag(src))
	if f.Caption != "" {
		fmt.Fprintf(&b, `<div class="molrg-caption" style="%s">%s</div>`, captionStyle, html.EscapeString(f.Caption))
	}
	b.WriteString(`</div>`)
	return b.String(), nil
}

// Display shows the figure inline (SVG) when running in a GoNB notebook; in
// any other program it does nothing and returns nil.
func (f *Figure) Display() error {
	if !gonbui.IsNotebook {
		return nil
	}
	h, err := f.html(false)
	if err != nil {
		return err
	}
	gonbui.DisplayHTML(h)
	gonbui.Sync() // the cell's program may end right after: wait until the figure is sent
	return nil
}

// DisplayPNG shows the figure inline as a PNG (better for large images).
func (f *Figure) DisplayPNG() error {
	if !gonbui.IsNotebook {
		return nil
	}
	h, err := f.html(true)
	if err != nil {
		return err
	}
	gonbui.DisplayHTML(h)
	gonbui.Sync()
	return nil
}

// newID returns a random identifier for a display slot: GoNB updates an
// existing output when a display id comes again, so a rerun cell needs new ones.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
