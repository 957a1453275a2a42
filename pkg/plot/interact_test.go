package plot

import (
	"strings"
	"testing"
)

// Outside a notebook Interact must not create widgets (they would wait for a
// browser forever): it renders once with the sliders' default values.
func TestInteractHeadlessUsesDefaults(t *testing.T) {
	t.Setenv("MOLRG_HEADLESS", "1")
	if !Headless() {
		t.Fatal("Headless() = false with MOLRG_HEADLESS=1")
	}
	calls := 0
	var got []float64
	err := Interact([]Slider{
		{Label: "σ", Min: 0, Max: 10, Pos: 4, Scale: func(p int) float64 { return float64(p) / 8 }},
		{Label: "K", Min: 1, Max: 3, Pos: 2},
	}, func(v []float64) (*Figure, error) {
		calls++
		got = append([]float64(nil), v...)
		p, err := Lines(Axes{Title: "t"}, Series{X: []float64{0, 1}, Y: []float64{v[0], v[1]}})
		return Single(p), err
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || len(got) != 2 || got[0] != 0.5 || got[1] != 2 {
		t.Errorf("render called %d times with %v, want once with [0.5 2]", calls, got)
	}
}

func TestInteractRejectsPositionOutOfRange(t *testing.T) {
	err := Interact([]Slider{{Label: "σ", Min: 0, Max: 10, Pos: 11}}, func([]float64) (*Figure, error) {
		t.Fatal("render must not be called")
		return nil, nil
	})
	if err == nil || !strings.Contains(err.Error(), `slider "σ" position 11`) {
		t.Errorf("err = %v, want it to name the slider and the range", err)
	}
}

// A categorical parameter passes the index of the chosen label.
func TestInteractChoicesHeadless(t *testing.T) {
	t.Setenv("MOLRG_HEADLESS", "1")
	var got []float64
	err := Interact([]Slider{{Label: "method", Choices: []string{"sgd", "classic"}, Pos: 1}}, func(v []float64) (*Figure, error) {
		got = v
		return lineFigure(1, "x"), nil
	})
	if err != nil || len(got) != 1 || got[0] != 1 {
		t.Errorf("err = %v, values %v, want [1]", err, got)
	}
	err = Interact([]Slider{{Label: "method", Choices: []string{"sgd", "classic"}, Pos: 2}}, nil)
	if err == nil || !strings.Contains(err.Error(), "want 0 ≤ position ≤ 1") {
		t.Errorf("out-of-range choice: err = %v", err)
	}
}

// The page script of Interact watches heartbeats; the saved HTML shows the
// "stopped" banner until the script has seen the program alive.
func TestInteractHTMLShowsStoppedByDefault(t *testing.T) {
	h := interactHTML("root", "controls", "uid")
	for _, want := range []string{`class="molrg-stopped"`, "run the cell again", `addEventListener("keydown"`, `beats["uid"]`} {
		if !strings.Contains(h, want) {
			t.Errorf("Interact container lacks %q", want)
		}
	}
	if strings.Contains(h, "BEAT_ID") {
		t.Error("heartbeat id placeholder left in the script")
	}
}
