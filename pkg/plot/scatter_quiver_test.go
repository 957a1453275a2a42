package plot

import (
	"bytes"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
)

func TestIsometricIsOrthonormalAndAxesAre120DegreesApart(t *testing.T) {
	v := Isometric()
	dot := func(a, b []float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
	if math.Abs(dot(v.H, v.H)-1) > 1e-15 || math.Abs(dot(v.V, v.V)-1) > 1e-15 || math.Abs(dot(v.H, v.V)) > 1e-15 {
		t.Fatalf("isometric directions are not orthonormal: H = %v, V = %v", v.H, v.V)
	}
	// The images of e₁, e₂, e₃ have equal lengths and pairwise angles of 120°.
	h, vert, err := v.Project(mat.NewDense(3, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if l := math.Hypot(h[i], vert[i]); math.Abs(l-math.Sqrt(2.0/3)) > 1e-15 {
			t.Errorf("axis %d has projected length %v, want √(2/3)", i+1, l)
		}
		j := (i + 1) % 3
		cos := (h[i]*h[j] + vert[i]*vert[j]) / (2.0 / 3)
		if math.Abs(cos+0.5) > 1e-14 {
			t.Errorf("axes %d and %d: cos angle = %v, want −1/2", i+1, j+1, cos)
		}
	}
}

func TestProjectMatchesDotProducts(t *testing.T) {
	x := mat.NewDense(2, 4, []float64{1, 2, 3, 4, -1, 0.5, 2, -3})
	v := View{H: []float64{0.5, 0, -1, 2}, V: []float64{0, 1, 1, 0}}
	h, vert, err := v.Project(x)
	if err != nil {
		t.Fatal(err)
	}
	wantH := []float64{0.5*1 - 3 + 8, -0.5 - 2 - 6}
	wantV := []float64{2 + 3, 0.5 + 2}
	for i := range 2 {
		if math.Abs(h[i]-wantH[i]) > 1e-14 || math.Abs(vert[i]-wantV[i]) > 1e-14 {
			t.Errorf("row %d: (%v, %v), want (%v, %v)", i, h[i], vert[i], wantH[i], wantV[i])
		}
	}
	c := CoordinateView(4, 1, 3)
	h, vert, _ = c.Project(x)
	if h[0] != 2 || vert[0] != 4 || h[1] != 0.5 || vert[1] != -3 {
		t.Errorf("coordinate view (x₂, x₄) gave %v, %v", h, vert)
	}
	if c.HLabel != "x₂" || c.VLabel != "x₄" {
		t.Errorf("coordinate view labels %q, %q, want x₂, x₄", c.HLabel, c.VLabel)
	}
	if _, _, err := (View{H: []float64{1}, V: []float64{1}}).Project(x); err == nil || !strings.Contains(err.Error(), "want n = 4") {
		t.Errorf("short view directions: err = %v", err)
	}
}

func TestScatterGroupsByLabel(t *testing.T) {
	x := mat.NewDense(5, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 3})
	p, err := ScatterView(Axes{Title: "three groups"}, Isometric(), x, []int{0, 2, 1, 0, 1}, []string{"line", "plane"})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Label.Text != Isometric().HLabel {
		t.Errorf("x label %q, want the view's %q", p.X.Label.Text, Isometric().HLabel)
	}
	svg, err := Single(p).SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"three groups", "line", "plane", "component 3"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if _, err := Scatter(Axes{}, []float64{1, 2}, []float64{1, 2}, []int{0}, nil); err == nil || !strings.Contains(err.Error(), "one per point") {
		t.Errorf("short labels: err = %v", err)
	}
	if _, err := Scatter(Axes{}, []float64{1}, []float64{1}, []int{-1}, nil); err == nil || !strings.Contains(err.Error(), "labels ≥ 0") {
		t.Errorf("negative label: err = %v", err)
	}
}

func TestQuiverRangeCoversTipsAndRenders(t *testing.T) {
	a := Arrows{Name: "to the posterior mean", X: []float64{0, 1}, Y: []float64{0, 1}, DX: []float64{-2, 0}, DY: []float64{0, 3}}
	p, err := Quiver(Axes{Title: "field", X: "a", Y: "b"}, []Arrows{a},
		Series{Name: "subspace", X: []float64{-1, 1}, Y: []float64{0, 0}, Dashed: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min > -2 || p.X.Max < 1 || p.Y.Min > 0 || p.Y.Max < 4 {
		t.Errorf("axis ranges x [%v, %v], y [%v, %v] do not cover the arrows' tails and tips [-2, 1] × [0, 4]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	colored := Arrows{X: []float64{0, 0.5}, Y: []float64{0, 0}, DX: []float64{1, 0}, DY: []float64{1, 0}, C: []float64{0, 1}, CMin: 0, CMax: 1}
	q, err := Quiver(Axes{Title: "coloured"}, []Arrows{colored})
	if err != nil {
		t.Fatal(err)
	}
	svg, err := Grid([][]*gplot.Plot{{p, q, ColorBar("w", 0, 1)}}).SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"field", "to the posterior mean", "subspace", "coloured"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// viridis ends: the first arrow is dark purple, the second yellow.
	for _, want := range []string{"#440154", "#fde725"} {
		if !bytes.Contains(bytes.ToLower(svg), []byte(want)) {
			t.Errorf("SVG lacks the viridis colour %s", want)
		}
	}
	// An explicit colour replaces the palette's.
	fixed := Arrows{X: []float64{0}, Y: []float64{0}, DX: []float64{1}, DY: []float64{1}, Color: color.RGBA{0x12, 0x34, 0x56, 255}}
	r, err := Quiver(Axes{}, []Arrows{fixed})
	if err != nil {
		t.Fatal(err)
	}
	if svg, _ := Single(r).SVG(); !bytes.Contains(bytes.ToLower(svg), []byte("#123456")) {
		t.Errorf("SVG lacks the arrows' own colour #123456")
	}
}

func TestQuiverBadInputs(t *testing.T) {
	if _, err := Quiver(Axes{}, []Arrows{{X: []float64{0}, Y: []float64{0}, DX: []float64{1, 2}, DY: []float64{0}}}); err == nil || !strings.Contains(err.Error(), "equal lengths") {
		t.Errorf("mismatched arrows: err = %v", err)
	}
	if _, err := Quiver(Axes{}, []Arrows{{X: []float64{0}, Y: []float64{0}, DX: []float64{1}, DY: []float64{0}, C: []float64{1}}}); err == nil || !strings.Contains(err.Error(), "CMin < CMax") {
		t.Errorf("empty colour range: err = %v", err)
	}
	if _, err := Quiver(Axes{}, []Arrows{{X: []float64{0}, Y: []float64{0}, DX: []float64{1}, DY: []float64{0}, C: []float64{}, CMax: 1}}); err == nil || !strings.Contains(err.Error(), "one per arrow") {
		t.Errorf("short colours: err = %v", err)
	}
}
