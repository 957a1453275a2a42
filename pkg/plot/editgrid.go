package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// EditGrid is a labelled grid of small images, e.g. an image edited along
// several directions (rows) with several strengths (columns), as in the
// paper's Figures 2, 6 and 9. Pixels are drawn as crisp squares.
type EditGrid struct {
	Title     string
	RowLabels []string      // one per row, drawn left of it
	ColLabels []string      // one per column, drawn above it
	Images    [][][]float64 // [row][column]: H·W·C values, channels last (C = 1 or 3); nil leaves the cell blank
	H, W, C   int           // image shape
	Lo, Hi    float64       // values mapped to black and to white (full colour)
	Tile      int           // side of a tile in pixels (0: 72)
}

func (g *EditGrid) check() error {
	if g.H < 1 || g.W < 1 || (g.C != 1 && g.C != 3) {
		return fmt.Errorf("plot: edit grid images %d×%d×%d, want H, W ≥ 1 and C = 1 or 3", g.H, g.W, g.C)
	}
	if !(g.Hi > g.Lo) {
		return fmt.Errorf("plot: edit grid value range [%v, %v], want Lo < Hi", g.Lo, g.Hi)
	}
	if len(g.Images) == 0 {
		return errors.New("plot: edit grid has no images")
	}
	for i, row := range g.Images {
		for j, im := range row {
			if im != nil && len(im) != g.H*g.W*g.C {
				return fmt.Errorf("plot: edit grid image [%d][%d] has %d values, want %d", i, j, len(im), g.H*g.W*g.C)
			}
		}
	}
	return nil
}

// tile returns image im upscaled (nearest neighbour) to side×side pixels.
func (g *EditGrid) tile(im []float64, side int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, side, side))
	level := func(v float64) uint8 {
		u := (v - g.Lo) / (g.Hi - g.Lo)
		if math.IsNaN(u) {
			return 0
		}
		return uint8(math.Round(255 * math.Min(1, math.Max(0, u))))
	}
	for y := range side {
		sy := y * g.H / side
		for x := range side {
			sx := x * g.W / side
			p := (sy*g.W + sx) * g.C
			if g.C == 1 {
				l := level(im[p])
				out.SetRGBA(x, y, color.RGBA{l, l, l, 255})
			} else {
				out.SetRGBA(x, y, color.RGBA{level(im[p]), level(im[p+1]), level(im[p+2]), 255})
			}
		}
	}
	return out
}

// layout sizes in points (drawn at 72 dpi, so 1 point = 1 pixel).
func (g *EditGrid) layout() (side, left, top, gap, w, h int) {
	side = g.Tile
	if side <= 0 {
		side = 72
	}
	left, gap = 10, 4
	face := font.DefaultCache.Lookup(gplot.DefaultFont, 10)
	for _, l := range g.RowLabels {
		left = max(left, int(math.Ceil(face.Width(l).Points()))+12)
	}
	top = 22
	if g.Title != "" {
		top += 20
	}
	cols := 0
	for _, r := range g.Images {
		cols = max(cols, len(r))
	}
	w = left + cols*(side+gap) + gap
	h = top + len(g.Images)*(side+gap) + gap
	return
}

func (g *EditGrid) draw(c vg.CanvasSizer) {
	side, left, top, gap, w, h := g.layout()
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	style := func(size vg.Length, xa draw.XAlignment, ya draw.YAlignment) text.Style {
		return text.Style{Color: color.Black, Font: font.From(gplot.DefaultFont, size), XAlign: xa, YAlign: ya, Handler: gplot.DefaultTextHandler}
	}
	pt := func(x, y int) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(h - y)} } // y from the top
	if g.Title != "" {
		dc.FillText(style(12, draw.XCenter, draw.YTop), pt(w/2, 4), g.Title)
	}
	for j, l := range g.ColLabels {
		dc.FillText(style(10, draw.XCenter, draw.YBottom), pt(left+gap+j*(side+gap)+side/2, top-4), l)
	}
	for i, row := range g.Images {
		y := top + gap + i*(side+gap)
		if i < len(g.RowLabels) {
			dc.FillText(style(10, draw.XRight, draw.YCenter), pt(left-4, y+side/2), g.RowLabels[i])
		}
		for j, im := range row {
			if im == nil {
				continue
			}
			x := left + gap + j*(side+gap)
			c.DrawImage(vg.Rectangle{Min: vg.Point{X: vg.Length(x), Y: vg.Length(h - y - side)},
				Max: vg.Point{X: vg.Length(x + side), Y: vg.Length(h - y)}}, g.tile(im, side))
		}
	}
}

// PNG renders the grid as a PNG image.
func (g *EditGrid) PNG() ([]byte, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	_, _, _, _, w, h := g.layout()
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w), vg.Length(h)), vgimg.UseDPI(72))
	g.draw(c)
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: rendering PNG: %w", err)
	}
	return b.Bytes(), nil
}

// SVG renders the grid as an SVG document (the tiles embedded as PNG).
func (g *EditGrid) SVG() ([]byte, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	_, _, _, _, w, h := g.layout()
	c := vgsvg.New(vg.Length(w), vg.Length(h))
	g.draw(c)
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: rendering SVG: %w", err)
	}
	return b.Bytes(), nil
}

// Save writes the grid to path (.png or .svg) through a temporary file.
func (g *EditGrid) Save(path string) error {
	var data []byte
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		data, err = g.PNG()
	case ".svg":
		data, err = g.SVG()
	default:
		return fmt.Errorf("plot: grid path %q: want a .svg or .png extension", path)
	}
	if err != nil {
		return err
	}
	return writeFile(path, data)
}

// Display shows the grid inline (PNG) in a GoNB notebook; elsewhere it does
// nothing.
func (g *EditGrid) Display() error {
	if !gonbui.IsNotebook {
		return nil
	}
	png, err := g.PNG()
	if err != nil {
		return err
	}
	gonbui.DisplayPNG(png)
	gonbui.Sync()
	return nil
}

// ImagePanel is a panel (for a Figure or an Explorer frame) showing one
// image of H·W·C values (channels last, C = 1 or 3), lo … hi mapped to black
// … white, upscaled without smoothing, with a title and no axes.
func ImagePanel(title string, im []float64, h, w, c int, lo, hi float64) (*gplot.Plot, error) {
	g := &EditGrid{Images: [][][]float64{{im}}, H: h, W: w, C: c, Lo: lo, Hi: hi}
	if err := g.check(); err != nil {
		return nil, err
	}
	side := max(128, h, w)
	p := gplot.New()
	Style(p)
	p.Title.Text = title
	p.HideAxes()
	p.Add(plotter.NewImage(g.tile(im, side), 0, 0, float64(w), float64(h)))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(w), 0, float64(h)
	return p, nil
}
