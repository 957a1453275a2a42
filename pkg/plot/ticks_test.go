package plot

import (
	"bytes"
	"strings"
	"testing"

	gplot "gonum.org/v1/plot"
)

func TestPowerTicks(t *testing.T) {
	// 19 decades: every third power labelled (at most eight labels), no minor ticks.
	ticks := PowerTicks{}.Ticks(3e-19, 0.5)
	var labels []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if strings.Join(labels, " ") != "10⁻¹⁸ 10⁻¹⁵ 10⁻¹² 10⁻⁹ 10⁻⁶ 0.001 1" {
		t.Errorf("labels %q, want every third power from 10⁻¹⁸ to 1", labels)
	}
	if len(ticks) != 20 {
		t.Errorf("%d ticks over 19 decades, want the 20 powers only", len(ticks))
	}
	// Eight decades: every power labelled, minor ticks too.
	ticks = PowerTicks{}.Ticks(2e-4, 5e3)
	labels = labels[:0]
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if len(labels) != 9 || labels[0] != "10⁻⁴" || labels[8] != "10000" || len(ticks) != 9+8*8 {
		t.Errorf("8 decades: labels %q and %d ticks, want 9 labels 10⁻⁴ … 10000 and %d ticks", labels, len(ticks), 9+8*8)
	}
	for _, tk := range (PowerTicks{}).Ticks(0.01, 20000) {
		if tk.Value == 10000 && tk.Label != "10000" || tk.Value == 1e5 && tk.Label != "10⁵" {
			t.Errorf("tick %v labelled %q", tk.Value, tk.Label)
		}
	}
	var narrow []string
	for _, tk := range (PowerTicks{}).Ticks(0.15, 3) {
		if tk.Label != "" {
			narrow = append(narrow, tk.Label)
		}
	}
	if strings.Join(narrow, " ") != "0.1 0.2 0.5 1 2 5 10" {
		t.Errorf("labels over two decades %q, want 0.1 0.2 0.5 1 2 5 10", narrow)
	}
	for _, tk := range (PowerTicks{}).Ticks(2e-6, 3e-5) {
		if tk.Value == 5e-6 && tk.Label != "5·10⁻⁶" {
			t.Errorf("tick 5e-6 labelled %q, want 5·10⁻⁶", tk.Label)
		}
	}
	if (PowerTicks{}).Ticks(0, 1) != nil {
		t.Error("ticks for a range touching 0, want none")
	}
}

func TestUsePowerTicks(t *testing.T) {
	p, err := Lines(Axes{Title: "log", LogX: true, LogY: true}, Series{X: []float64{0.01, 100}, Y: []float64{1e-18, 1}})
	if err != nil {
		t.Fatal(err)
	}
	UsePowerTicks(p)
	if _, ok := p.X.Tick.Marker.(PowerTicks); !ok {
		t.Error("x axis not switched")
	}
	q, _ := Lines(Axes{}, Series{X: []float64{1, 2}, Y: []float64{1, 2}})
	UsePowerTicks(q)
	if _, ok := q.X.Tick.Marker.(PowerTicks); ok {
		t.Error("a linear axis was switched")
	}
	svg, err := Grid([][]*gplot.Plot{{p}}).SVG()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(svg, []byte("00000000")) || !bytes.Contains(svg, []byte("10⁻¹⁸")) {
		t.Error("SVG has a long tick label or lacks 10⁻¹⁸")
	}
}
