// Package backend picks the GoMLX backend for the whole project.
package backend

import (
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

var shared = sync.OnceValues(func() (compute.Backend, error) { return gobackend.New("") })

// Default returns the process-wide backend, created on first use.
func Default() (compute.Backend, error) { return shared() }

// Must is Default for notebooks, commands and tests: it panics on error.
func Must() compute.Backend {
	b, err := Default()
	if err != nil {
		panic(err)
	}
	return b
}
