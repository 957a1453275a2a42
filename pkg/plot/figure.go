package plot

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a grid of panels (one or more gonum plots).
//
// Legends are drawn outside the data: in a strip at the right of each panel
// that has one, or below it when the legend is too wide (or LegendBelow is
// set); SharedLegend draws one legend for the whole figure instead, and
// LegendInside keeps gonum's placement in a corner.
type Figure struct {
	Panels        [][]*gplot.Plot // rows of panels; a nil panel is left blank
	Width, Height vg.Length       // total size; zero means NotebookWidth and 4.5 in. for one row (3.6 in. per row for more)
	LegendInside  bool            // draw legends inside the panels (gonum's corners) instead of outside
	LegendBelow   bool            // draw each panel's legend below it (default: at its right when it fits)
	Caption       string          // text shown under the figure in a notebook (not drawn in SVG or PNG files)
	Scale         *ColorScale     // a colour bar at the right edge of the figure (nil: none)
	// SharedLegend draws one legend for the whole figure, the first panel's
	// (the other panels' legends are not drawn): at the right edge when it
	// takes at most 30 % of the width, else along the bottom edge.
	SharedLegend bool
}

// Single wraps one plot in a Figure.
func Single(p *gplot.Plot) *Figure { return &Figure{Panels: [][]*gplot.Plot{{p}}} }

// Grid lays out panels row by row.
func Grid(rows [][]*gplot.Plot) *Figure { return &Figure{Panels: rows} }

// Size returns the figure's width and height, with the defaults filled in.
func (f *Figure) Size() (vg.Length, vg.Length) {
	w, h := f.Width, f.Height
	if w == 0 {
		w = NotebookWidth
	}
	if h == 0 {
		if len(f.Panels) <= 1 {
			h = 4.5 * vg.Inch
		} else {
			h = vg.Length(len(f.Panels)) * 3.6 * vg.Inch
		}
	}
	return w, h
}

// legendGap separates a panel from its legend strip.
const legendGap = 6 * vg.Length(1)

// drawPanel draws p in c with its legend (if any) outside the data: in a
// strip at the right when the legend takes at most 45 % of the width, else in
// a strip below when it takes at most 35 % of the height, else inside.
func (f *Figure) drawPanel(p *gplot.Plot, c draw.Canvas) {
	leg := p.Legend
	r := leg.Rectangle(c)
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	cw, ch := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	if f.LegendInside || w <= 0 {
		p.Draw(c)
		return
	}
	strip := c
	switch {
	case w <= 0.45*cw && !f.LegendBelow:
		c.Max.X -= w + 2*legendGap
		strip.Min.X = c.Max.X + legendGap
		// The strip starts level with the top of the data area (below the title).
		if p.Title.Text != "" {
			strip.Max.Y -= p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding
		}
	case h <= 0.35*ch:
		// Legend.Draw puts the first entry's baseline one font descent lower
		// than Legend.Rectangle counts: reserve it, or the last entry's text
		// hangs over the figure's bottom edge (1 pt more: its centring).
		h += leg.TextStyle.FontExtents().Descent + vg.Points(1)
		c.Min.Y += h + legendGap
		strip.Max.Y = c.Min.Y - legendGap
		strip.Min.X += min(cw/8, vg.Inch/2)
	default:
		p.Draw(c)
		return
	}
	p.Legend = gplot.NewLegend()
	p.Draw(c)
	p.Legend = leg
	leg.Top, leg.Left = true, true
	leg.XOffs, leg.YOffs = 0, 0
	leg.Draw(strip)
}

// drawSharedLegend draws the first panel legend in a strip at the right (or
// bottom) edge of c and takes the strip out of c.
func (f *Figure) drawSharedLegend(c *draw.Canvas) {
	for _, r := range f.Panels {
		for _, p := range r {
			if p == nil {
				continue
			}
			leg := p.Legend
			rect := leg.Rectangle(*c)
			w, h := rect.Max.X-rect.Min.X, rect.Max.Y-rect.Min.Y
			if w <= 0 {
				continue
			}
			strip := *c
			leg.Top, leg.Left = true, true
			leg.XOffs, leg.YOffs = 0, 0
			if w <= 0.3*(c.Max.X-c.Min.X) {
				c.Max.X -= w + 2*legendGap
				strip.Min.X = c.Max.X + legendGap
				strip.Max.Y -= 0.45 * vg.Inch // level with the data areas, below the titles
			} else {
				h += leg.TextStyle.FontExtents().Descent + vg.Points(1) // as in drawPanel
				c.Min.Y += h + 2*legendGap
				strip.Max.Y = c.Min.Y - legendGap
				strip.Min.X += 0.6 * vg.Inch
			}
			leg.Draw(strip)
			return
		}
	}
}

// ColorScale is a colour bar drawn at the right edge of a figure, for its
// heat maps or colour-coded arrows (viridis from Min to Max).
type ColorScale struct {
	Label    string
	Min, Max float64
}

// scaleWidth is the width of the strip that holds a figure's ColorScale:
// tick labels, the axis label and a bar of about a third of an inch.
const scaleWidth = 1.1 * vg.Inch

// drawScale draws the colour bar in the strip c.
func (f *Figure) drawScale(c draw.Canvas) {
	cb := ColorBar(f.Scale.Label, f.Scale.Min, f.Scale.Max)
	c.Max.Y -= 0.45 * vg.Inch // level with the data areas: below the titles,
	c.Min.Y += 0.65 * vg.Inch // above the x axes
	cb.Draw(c)
}

func (f *Figure) draw(c vg.CanvasSizer) {
	dc := draw.New(c)
	if f.SharedLegend {
		f.drawSharedLegend(&dc)
		saved := make(map[*gplot.Plot]gplot.Legend)
		for _, r := range f.Panels {
			for _, p := range r {
				if p != nil {
					saved[p] = p.Legend
					p.Legend = gplot.NewLegend()
				}
			}
		}
		defer func() {
			for p, l := range saved {
				p.Legend = l
			}
		}()
	}
	if f.Scale != nil {
		strip := dc
		dc.Max.X -= scaleWidth
		strip.Min.X = dc.Max.X
		f.drawScale(strip)
	}
	if len(f.Panels) == 1 && len(f.Panels[0]) == 1 {
		if p := f.Panels[0][0]; p != nil {
			f.drawPanel(p, dc)
		}
		return
	}
	cols := 0
	for _, r := range f.Panels {
		cols = max(cols, len(r))
	}
	full := make([][]*gplot.Plot, len(f.Panels))
	for i, r := range f.Panels {
		full[i] = make([]*gplot.Plot, cols)
		copy(full[i], r)
	}
	tiles := draw.Tiles{Rows: len(full), Cols: cols, PadX: vg.Millimeter * 5, PadY: vg.Millimeter * 5,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := gplot.Align(full, tiles, dc)
	for i, r := range full {
		for j, p := range r {
			if p != nil {
				f.drawPanel(p, canvases[i][j])
			}
		}
	}
}

// SVG renders the figure as an SVG document (sans-serif font stack, colour
// bars stretched to their boxes; see fixSVG).
func (f *Figure) SVG() ([]byte, error) {
	w, h := f.Size()
	c := vgsvg.New(w, h)
	if err := catch(func() { f.draw(c) }); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: rendering SVG: %w", err)
	}
	return fixSVG(b.Bytes()), nil
}

// PNG renders the figure as a PNG image at the given dots per inch (96 if ≤ 0).
func (f *Figure) PNG(dpi int) ([]byte, error) {
	if dpi <= 0 {
		dpi = 96
	}
	w, h := f.Size()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	if err := catch(func() { f.draw(c) }); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: rendering PNG: %w", err)
	}
	return b.Bytes(), nil
}

// catch turns a panic of gonum/plot (bad ranges, a log axis with values ≤ 0)
// into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: drawing the figure: %v", r)
		}
	}()
	f()
	return nil
}

// Save writes the figure to path; the extension (.svg or .png) picks the
// format. The file is written to a temporary name and renamed, so an
// existing figure is never left half-written.
func (f *Figure) Save(path string) error {
	var data []byte
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		data, err = f.SVG()
	case ".png":
		data, err = f.PNG(150)
	default:
		return fmt.Errorf("plot: figure path %q: want a .svg or .png extension", path)
	}
	if err != nil {
		return err
	}
	return writeFile(path, data)
}

// writeFile writes data to path (creating its folder) through a temporary
// name and a rename, so an existing file is never left half-written.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
