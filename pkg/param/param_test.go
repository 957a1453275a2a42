package param

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorAndWithin(t *testing.T) {
	err := Errorf("unet", "TotalSteps", 0, "≥ %d", 1)
	if err.Error() != "unet: TotalSteps = 0, want ≥ 1" {
		t.Errorf("message %q", err)
	}
	w := Within("Train", err)
	var e *Error
	if !errors.As(w, &e) || e.Name != "Train.TotalSteps" || e.Value != 0 {
		t.Fatalf("Within: %v", w)
	}
	if err.(*Error).Name != "TotalSteps" {
		t.Error("Within changed the original error")
	}
	plain := fmt.Errorf("other")
	if Within("X", plain) != plain {
		t.Error("Within changed a plain error")
	}
	wrapped := fmt.Errorf("context: %w", err)
	if !errors.As(Within("A", wrapped), &e) || e.Name != "A.TotalSteps" {
		t.Errorf("a wrapped *Error: %v", e)
	}
}
