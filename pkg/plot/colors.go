package plot

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// OkabeIto is the colour-blind-safe qualitative palette used for curves.
var OkabeIto = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // bluish green
	color.RGBA{204, 121, 167, 255}, // reddish purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{240, 228, 66, 255},  // yellow
	color.RGBA{0, 0, 0, 255},       // black
}

// lineColors are the Okabe–Ito colours that read well as thin lines and
// small markers on white: all but yellow.
var lineColors = []color.Color{OkabeIto[0], OkabeIto[1], OkabeIto[2], OkabeIto[3], OkabeIto[4], OkabeIto[5], OkabeIto[7]}

// Palette returns series colour i: the Okabe–Ito colours without yellow
// (too pale for lines), cycling. Series without a Color take Palette(i) in
// order; give a curve and the points that check it the same Palette(i).
func Palette(i int) color.Color {
	return lineColors[((i%len(lineColors))+len(lineColors))%len(lineColors)]
}

// Series colour i.
func seriesColor(i int) color.Color { return Palette(i) }

// viridisAnchors samples matplotlib's viridis at 9 equally spaced points.
var viridisAnchors = [][3]float64{
	{0x44, 0x01, 0x54}, {0x47, 0x2d, 0x7b}, {0x3b, 0x52, 0x8b}, {0x2c, 0x72, 0x8e}, {0x21, 0x91, 0x8c},
	{0x28, 0xae, 0x80}, {0x5e, 0xc9, 0x62}, {0xad, 0xdc, 0x30}, {0xfd, 0xe7, 0x25},
}

// Viridis returns the viridis colour at u ∈ [0, 1] (clamped), interpolated
// linearly between the anchors.
func Viridis(u float64) color.Color {
	u = math.Max(0, math.Min(1, u))
	x := u * float64(len(viridisAnchors)-1)
	i := min(int(x), len(viridisAnchors)-2)
	f := x - float64(i)
	a, b := viridisAnchors[i], viridisAnchors[i+1]
	c := func(j int) uint8 { return uint8(math.Round(a[j] + f*(b[j]-a[j]))) }
	return color.RGBA{c(0), c(1), c(2), 255}
}

// viridisPalette is viridis as a gonum palette of n colours.
type viridisPalette int

func (n viridisPalette) Colors() []color.Color {
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i] = Viridis(float64(i) / float64(n-1))
	}
	return cs
}

var _ palette.Palette = viridisPalette(2)

// viridisMap is viridis as a gonum ColorMap over [min, max].
type viridisMap struct{ min, max, alpha float64 }

func paletteMap(zmin, zmax float64) palette.ColorMap { return &viridisMap{zmin, zmax, 1} }

func (m *viridisMap) At(v float64) (color.Color, error) {
	if v < m.min || v > m.max {
		return nil, palette.ErrOverflow
	}
	return Viridis((v - m.min) / (m.max - m.min)), nil
}
func (m *viridisMap) Max() float64                  { return m.max }
func (m *viridisMap) Min() float64                  { return m.min }
func (m *viridisMap) SetMax(v float64)              { m.max = v }
func (m *viridisMap) SetMin(v float64)              { m.min = v }
func (m *viridisMap) Alpha() float64                { return m.alpha }
func (m *viridisMap) SetAlpha(a float64)            { m.alpha = a }
func (m *viridisMap) Palette(n int) palette.Palette { return viridisPalette(n) }
