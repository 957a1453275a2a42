package plot

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gplot "gonum.org/v1/plot"
)

func TestViridisEndsAndMiddle(t *testing.T) {
	for _, c := range []struct {
		u    float64
		want color.RGBA
	}{
		{-1, color.RGBA{0x44, 0x01, 0x54, 255}},
		{0, color.RGBA{0x44, 0x01, 0x54, 255}},
		{0.5, color.RGBA{0x21, 0x91, 0x8c, 255}},
		{1, color.RGBA{0xfd, 0xe7, 0x25, 255}},
		{2, color.RGBA{0xfd, 0xe7, 0x25, 255}},
		// halfway between the first two anchors
		{1.0 / 16, color.RGBA{0x46, 0x17, 0x68, 255}},
	} {
		if got := Viridis(c.u); got != c.want {
			t.Errorf("Viridis(%v) = %v, want %v", c.u, got, c.want)
		}
	}
}

func TestFigureRendersTitleAndSaves(t *testing.T) {
	p, err := Lines(Axes{Title: "a parabola", X: "x", Y: "y"},
		Series{Name: "x²", X: []float64{0, 1, 2}, Y: []float64{0, 1, 4}, Points: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err := HeatMap(Axes{Title: "heat"}, []float64{1, 2}, []float64{1, 2, 3},
		[][]float64{{0, 1}, {0.5, 0.2}, {1, 0}}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := Grid([][]*gplot.Plot{{p, h}, {ColorBar("rate", 0, 1)}})
	svg, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "a parabola", "heat"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	dir := t.TempDir()
	if err := f.Save(filepath.Join(dir, "f.png")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "f.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("saved PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 9*150 || b.Dy() != int(7.2*150) {
		t.Errorf("PNG is %dx%d, want 1350x1080 (NotebookWidth = 9 in., 2 rows × 3.6 in. at 150 dpi)", b.Dx(), b.Dy())
	}
}

func TestBadInputs(t *testing.T) {
	if _, err := Lines(Axes{}, Series{Name: "s", X: []float64{1}, Y: []float64{1, 2}}); err == nil || !strings.Contains(err.Error(), "equal lengths") {
		t.Errorf("mismatched series: err = %v", err)
	}
	if _, err := HeatMap(Axes{}, []float64{1}, []float64{1}, [][]float64{{1}}, 1, 1); err == nil || !strings.Contains(err.Error(), "zmin < zmax") {
		t.Errorf("empty range: err = %v", err)
	}
	if _, err := HeatMap(Axes{}, []float64{1, 2}, []float64{1}, [][]float64{{1}}, 0, 1); err == nil || !strings.Contains(err.Error(), "row 0") {
		t.Errorf("short row: err = %v", err)
	}
	p, _ := Lines(Axes{}, Series{X: []float64{0, 1}, Y: []float64{0, 1}})
	if err := Single(p).Save(filepath.Join(t.TempDir(), "f.jpg")); err == nil || !strings.Contains(err.Error(), ".svg or .png") {
		t.Errorf("bad extension: err = %v", err)
	}
}

func TestPaletteSkipsYellow(t *testing.T) {
	yellow := OkabeIto[6]
	for i := -3; i < 20; i++ {
		if Palette(i) == yellow {
			t.Errorf("Palette(%d) is yellow", i)
		}
	}
	if Palette(0) != OkabeIto[0] || Palette(7) != OkabeIto[0] || Palette(6) != OkabeIto[7] {
		t.Errorf("Palette cycle: %v %v %v", Palette(0), Palette(7), Palette(6))
	}
}
