package plot

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a grid of panels (one or more gonum plots) with an optional title.
type Figure struct {
	Panels        [][]*gplot.Plot // rows of panels; a nil panel is left blank
	Width, Height vg.Length       // total size; zero means 4 in. per column, 3.2 in. per row
}

// Single wraps one plot in a Figure.
func Single(p *gplot.Plot) *Figure { return &Figure{Panels: [][]*gplot.Plot{{p}}} }

// Grid lays out panels row by row.
func Grid(rows [][]*gplot.Plot) *Figure { return &Figure{Panels: rows} }

func (f *Figure) size() (vg.Length, vg.Length) {
	w, h := f.Width, f.Height
	cols := 0
	for _, r := range f.Panels {
		cols = max(cols, len(r))
	}
	if w == 0 {
		w = vg.Length(cols) * 4 * vg.Inch
	}
	if h == 0 {
		h = vg.Length(len(f.Panels)) * 3.2 * vg.Inch
	}
	return w, h
}

func (f *Figure) draw(c vg.CanvasSizer) {
	dc := draw.New(c)
	if len(f.Panels) == 1 && len(f.Panels[0]) == 1 {
		f.Panels[0][0].Draw(dc)
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
	tiles := draw.Tiles{Rows: len(full), Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := gplot.Align(full, tiles, dc)
	for i, r := range full {
		for j, p := range r {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// SVG renders the figure as an SVG document.
func (f *Figure) SVG() ([]byte, error) {
	w, h := f.size()
	c := vgsvg.New(w, h)
	f.draw(c)
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: rendering SVG: %w", err)
	}
	return b.Bytes(), nil
}

// PNG renders the figure as a PNG image at the given dots per inch (96 if ≤ 0).
func (f *Figure) PNG(dpi int) ([]byte, error) {
	if dpi <= 0 {
		dpi = 96
	}
	w, h := f.size()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	f.draw(c)
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: rendering PNG: %w", err)
	}
	return b.Bytes(), nil
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
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Display shows the figure inline (SVG) when running in a GoNB notebook; in
// any other program it does nothing and returns nil.
func (f *Figure) Display() error {
	if !gonbui.IsNotebook {
		return nil
	}
	svg, err := f.SVG()
	if err != nil {
		return err
	}
	gonbui.DisplaySVG(string(svg))
	gonbui.Sync() // the cell's program may end right after: wait until the figure is sent
	return nil
}

// DisplayPNG shows the figure inline as a PNG (better for large images).
func (f *Figure) DisplayPNG() error {
	if !gonbui.IsNotebook {
		return nil
	}
	png, err := f.PNG(110)
	if err != nil {
		return err
	}
	gonbui.DisplayPNG(png)
	gonbui.Sync()
	return nil
}
