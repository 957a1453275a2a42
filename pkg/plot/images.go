package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Tile is one image of an image grid: H×W pixels with C channels (1 gray,
// 3 RGB), channels-last and row-major, values in [−1, 1] (the project's
// pixel range; values outside are clipped). Label, when set, is written
// under the tile's column (the first row with a label names the column).
type Tile struct {
	Pix     []float32
	H, W, C int
	Label   string
}

// tileGap is the gap between tiles, in image pixels (before upscaling).
const tileGap = 1

// Mosaic lays the tiles out row by row (rows[i][j], rows may be ragged, a
// nil Pix leaves a blank) on a white background with a one-pixel gap, every
// image pixel scaled to scale×scale screen pixels (nearest neighbour, so
// the pixels stay sharp). All tiles must have one size.
func Mosaic(rows [][]Tile, scale int) (*image.RGBA, error) {
	if scale < 1 {
		return nil, fmt.Errorf("plot: mosaic scale %d, want ≥ 1", scale)
	}
	h, w, cols := 0, 0, 0
	for i, r := range rows {
		cols = max(cols, len(r))
		for j, t := range r {
			if t.Pix == nil {
				continue
			}
			if t.H < 1 || t.W < 1 || (t.C != 1 && t.C != 3) || len(t.Pix) != t.H*t.W*t.C {
				return nil, fmt.Errorf("plot: tile (%d, %d) is %d×%d×%d with %d values, want H, W ≥ 1, C = 1 or 3 and H·W·C values", i, j, t.H, t.W, t.C, len(t.Pix))
			}
			if h == 0 {
				h, w = t.H, t.W
			} else if t.H != h || t.W != w {
				return nil, fmt.Errorf("plot: tile (%d, %d) is %d×%d, want every tile %d×%d", i, j, t.H, t.W, h, w)
			}
		}
	}
	if h == 0 {
		return nil, fmt.Errorf("plot: an image grid with no images")
	}
	W := (cols*(w+tileGap) - tileGap) * scale
	H := (len(rows)*(h+tileGap) - tileGap) * scale
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for i, r := range rows {
		for j, t := range r {
			if t.Pix == nil {
				continue
			}
			x0, y0 := j*(w+tileGap)*scale, i*(h+tileGap)*scale
			for y := range h {
				for x := range w {
					c := pixelColor(t, y, x)
					for dy := range scale {
						for dx := range scale {
							img.SetRGBA(x0+x*scale+dx, y0+y*scale+dy, c)
						}
					}
				}
			}
		}
	}
	return img, nil
}

// pixelColor maps the pixel (y, x) of t from [−1, 1] to 8-bit colour.
func pixelColor(t Tile, y, x int) color.RGBA {
	at := (y*t.W + x) * t.C
	byteOf := func(v float32) uint8 {
		u := (float64(v) + 1) * 127.5
		if math.IsNaN(u) {
			return 0
		}
		return uint8(math.Round(min(max(u, 0), 255)))
	}
	if t.C == 1 {
		g := byteOf(t.Pix[at])
		return color.RGBA{g, g, g, 255}
	}
	return color.RGBA{byteOf(t.Pix[at]), byteOf(t.Pix[at+1]), byteOf(t.Pix[at+2]), 255}
}

// ImageGrid draws the tiles (see Mosaic) as one panel: the title above, a
// label per row on the left and the tiles' labels under their columns. It
// composes with the other panels through Grid.
func ImageGrid(title string, rowLabels []string, rows [][]Tile) (*gplot.Plot, error) {
	if len(rowLabels) != 0 && len(rowLabels) != len(rows) {
		return nil, fmt.Errorf("plot: %d row labels for %d rows, want one per row or none", len(rowLabels), len(rows))
	}
	img, err := Mosaic(rows, 8)
	if err != nil {
		return nil, err
	}
	var th, tw int
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
		for _, t := range r {
			if t.Pix != nil && th == 0 {
				th, tw = t.H, t.W
			}
		}
	}
	// Data coordinates: one unit per image pixel, y growing upwards.
	wd := float64(cols*(tw+tileGap) - tileGap)
	ht := float64(len(rows)*(th+tileGap) - tileGap)
	p := gplot.New()
	p.Title.Text = title
	p.Add(plotter.NewImage(img, 0, 0, wd, ht))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, wd, 0, ht
	var yt, xt []gplot.Tick
	for i, l := range rowLabels {
		yt = append(yt, gplot.Tick{Value: ht - (float64(i*(th+tileGap)) + float64(th)/2), Label: l})
	}
	for j := range cols {
		for _, r := range rows {
			if j < len(r) && r[j].Label != "" {
				xt = append(xt, gplot.Tick{Value: float64(j*(tw+tileGap)) + float64(tw)/2, Label: r[j].Label})
				break
			}
		}
	}
	p.Y.Tick.Marker = gplot.ConstantTicks(yt)
	p.X.Tick.Marker = gplot.ConstantTicks(xt)
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.X.LineStyle.Width, p.Y.LineStyle.Width = 0, 0
	return p, nil
}
