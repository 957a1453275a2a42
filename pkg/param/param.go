// Package param is how the library says which setting is wrong: a
// validation error that carries the setting's name (a config field, with
// the path of the enclosing configs, e.g. "Train.TotalSteps"), its value and
// the allowed range. A program that set the field from a command-line flag
// or a widget can then name its own control instead of the Go field
// (cmd/molrg turns "unet: Train.TotalSteps = 0, want ≥ 1" into
// "-steps = 0, want ≥ 1").
package param

import (
	"errors"
	"fmt"
)

// Error is a setting out of its allowed range.
type Error struct {
	Pkg   string // the package that checked it, e.g. "unet"
	Name  string // the setting, e.g. "TotalSteps" or "Train.TotalSteps"
	Value any    // its value
	Want  string // the allowed range, e.g. "≥ 1"
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s = %v, want %s", e.Pkg, e.Name, e.Value, e.Want)
}

// Errorf returns an *Error; want is formatted with args.
func Errorf(pkg, name string, value any, want string, args ...any) error {
	if len(args) > 0 {
		want = fmt.Sprintf(want, args...)
	}
	return &Error{Pkg: pkg, Name: name, Value: value, Want: want}
}

// Within puts prefix (the name of the field holding a nested config) before
// the name of err's setting, when err is an *Error; other errors pass
// through.
func Within(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Name = prefix + "." + c.Name
	return &c
}
