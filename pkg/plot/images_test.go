package plot

import (
	gplot "gonum.org/v1/plot"
	"image/color"
	"strings"
	"testing"
)

// Mosaic places tile (i, j) at ((w+1)·j, (h+1)·i)·scale, maps −1 → 0,
// 0 → 128 (127.5 rounded), 1 → 255 per channel, and leaves the gaps and
// blank tiles white.
func TestMosaicPlacesAndColoursTiles(t *testing.T) {
	gray := Tile{H: 2, W: 3, C: 1, Pix: []float32{-1, 0, 1, 1, 0, -1}}
	rgb := Tile{H: 2, W: 3, C: 3, Pix: make([]float32, 18)}
	for p := range 6 {
		rgb.Pix[3*p], rgb.Pix[3*p+1], rgb.Pix[3*p+2] = 1, -1, -2 // red; blue clipped to 0
	}
	img, err := Mosaic([][]Tile{{gray, {}}, {rgb}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != (2*3+1)*2 || b.Dy() != (2*2+1)*2 {
		t.Fatalf("mosaic %v, want %d×%d", b, 14, 10)
	}
	check := func(x, y int, want color.RGBA) {
		t.Helper()
		if got := img.RGBAAt(x, y); got != want {
			t.Errorf("pixel (%d, %d) = %v, want %v", x, y, got, want)
		}
	}
	white := color.RGBA{255, 255, 255, 255}
	check(0, 0, color.RGBA{0, 0, 0, 255})       // gray (0,0) = −1
	check(3, 1, color.RGBA{128, 128, 128, 255}) // gray (0,1) = 0, second screen pixel
	check(5, 0, white)                          // gray (0,2) = 1
	check(0, 2, white)                          // gray (1,0) = 1
	check(6, 0, white)                          // the gap column
	check(9, 3, white)                          // the blank tile
	check(1, 6, color.RGBA{255, 0, 0, 255})     // rgb tile, row 1 starts at y = 3·2
	check(0, 4, white)                          // the gap row
}

func TestMosaicErrors(t *testing.T) {
	a := Tile{H: 2, W: 2, C: 1, Pix: make([]float32, 4)}
	b := Tile{H: 3, W: 3, C: 1, Pix: make([]float32, 9)}
	for name, rows := range map[string][][]Tile{
		"sizes differ":  {{a, b}},
		"no images":     {{{}}},
		"wrong length":  {{{H: 2, W: 2, C: 1, Pix: make([]float32, 3)}}},
		"four channels": {{{H: 1, W: 1, C: 4, Pix: make([]float32, 4)}}},
		"empty grid":    nil,
	} {
		if _, err := Mosaic(rows, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Mosaic([][]Tile{{a}}, 0); err == nil {
		t.Error("scale 0: no error")
	}
	if _, err := ImageGrid("x", []string{"one", "two"}, [][]Tile{{a}}); err == nil {
		t.Error("two row labels for one row: no error")
	}
}

// ImageGrid composes with curves in a Figure and renders to SVG (with the
// row and column labels) and PNG.
func TestImageGridRenders(t *testing.T) {
	a := Tile{H: 4, W: 4, C: 3, Pix: make([]float32, 48), Label: "ρ=0.05"}
	p, err := ImageGrid("samples", []string{"generated", "nearest"}, [][]Tile{{a, a}, {a, a}})
	if err != nil {
		t.Fatal(err)
	}
	f := Grid([][]*gplot.Plot{{p}})
	svg, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"generated", "nearest", "ρ=0.05", "samples", "image"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the SVG has no %q", want)
		}
	}
	if png, err := f.PNG(50); err != nil || len(png) < 100 {
		t.Errorf("PNG: %d bytes, %v", len(png), err)
	}
}
