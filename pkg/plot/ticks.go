package plot

import (
	"math"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
)

// PowerTicks is a tick marker for logarithmic axes: major ticks at the powers
// of ten, labelled as plain numbers from 0.001 to 10000 and as 10ⁿ outside,
// and minor ticks at 2…9 times each power, those at 2 and 5 times labelled
// too when the axis spans two decades or less. Over more than eight decades
// only every k-th power is labelled (k the smallest step that leaves at most
// eight labels, the labelled powers multiples of k) and minor ticks are left
// out, so that the labels do not crowd. Unlike gonum's LogTicks, every power
// is computed exactly (math.Pow10), so no label reads 1.0000000000000007.
type PowerTicks struct{}

// Ticks returns the ticks for an axis from min to max (both > 0).
func (PowerTicks) Ticks(min, max float64) []gplot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	few := hi-lo <= 2
	step := 1
	for (hi-lo)/step+1 > 8 && hi-lo > 8 {
		step++
	}
	var ticks []gplot.Tick
	for e := lo; e <= hi; e++ {
		v := math.Pow10(e)
		t := gplot.Tick{Value: v}
		if ((e%step)+step)%step == 0 {
			t.Label = powerLabel(e)
		}
		ticks = append(ticks, t)
		if e < hi && step == 1 {
			for i := 2; i < 10; i++ {
				t := gplot.Tick{Value: float64(i) * v}
				if few && (i == 2 || i == 5) {
					t.Label = multipleLabel(i, e)
				}
				ticks = append(ticks, t)
			}
		}
	}
	return ticks
}

// powerLabel writes 10^e as a plain number for −3 ≤ e ≤ 4, else as 10ⁿ.
func powerLabel(e int) string {
	if e >= -3 && e <= 4 {
		return strconv.FormatFloat(math.Pow10(e), 'f', -1, 64)
	}
	sup := strings.NewReplacer("-", "⁻", "0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹")
	return "10" + sup.Replace(strconv.Itoa(e))
}

// multipleLabel writes i·10^e as a plain number for −3 ≤ e ≤ 3, else as i·10ⁿ.
func multipleLabel(i, e int) string {
	if e >= -3 && e <= 3 {
		return strconv.FormatFloat(float64(i)*math.Pow10(e), 'f', -1, 64)
	}
	return strconv.Itoa(i) + "·" + powerLabel(e)
}

// UsePowerTicks switches every logarithmic axis of p to PowerTicks.
func UsePowerTicks(p *gplot.Plot) {
	if _, ok := p.X.Scale.(gplot.LogScale); ok {
		p.X.Tick.Marker = PowerTicks{}
	}
	if _, ok := p.Y.Scale.(gplot.LogScale); ok {
		p.Y.Tick.Marker = PowerTicks{}
	}
}
