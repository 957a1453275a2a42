package dae

import (
	"fmt"
	"sync"

	"github.com/molrg/molrg/pkg/backend"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
)

// Compiled Algorithm 1 graphs are kept between calls to Train, so a sweep
// that trains many batches of the same shape compiles once. An entry is
// keyed by everything that changes the graph; its Exec compiles one graph
// per input shape.

type execKey struct {
	backend compute.Backend
	param   Parameterization
	dims    string
	pi      string
	batch   int
	polar   int
	loop    bool
	shape   [4]int // I, N_max (padded), n, T
}

type execEntry struct {
	exec  *Exec
	users int
	tick  uint64
}

var execCache = struct {
	sync.Mutex
	entries map[execKey]*execEntry
	tick    uint64
}{entries: map[execKey]*execEntry{}}

// maxUnrolledSteps is the number of steps per execution where the steps are
// unrolled (the pure-Go backend): there unrolling saves nothing measurable,
// while building the graph grows quadratically with the number of steps
// (every Gradient call walks the whole graph).
const maxUnrolledSteps = 1

// maxCachedExecs bounds the number of kept graphs (ours).
const maxCachedExecs = 16

// acquireExec returns the cached Exec for key (building it if needed); call
// the returned release when done with it.
func acquireExec(key execKey, cfg *Config) (*Exec, func(), error) {
	execCache.Lock()
	defer execCache.Unlock()
	execCache.tick++
	e, ok := execCache.entries[key]
	if !ok {
		exec, err := NewExec(key.backend, stepGraph(cfg, key.loop))
		if err != nil {
			return nil, nil, err
		}
		exec.SetMaxCache(-1)
		e = &execEntry{exec: exec}
		execCache.entries[key] = e
	}
	e.users++
	e.tick = execCache.tick
	evictLocked()
	return e.exec, func() {
		execCache.Lock()
		defer execCache.Unlock()
		e.users--
	}, nil
}

// evictLocked drops the least recently used idle entries beyond maxCachedExecs.
func evictLocked() {
	for len(execCache.entries) > maxCachedExecs {
		var oldest execKey
		var found *execEntry
		for k, e := range execCache.entries {
			if e.users == 0 && (found == nil || e.tick < found.tick) {
				oldest, found = k, e
			}
		}
		if found == nil {
			return
		}
		found.exec.Finalize()
		delete(execCache.entries, oldest)
	}
}

func newExecKey(be compute.Backend, cfg *Config, shape [4]int) execKey {
	return execKey{
		backend: be,
		param:   cfg.Parameterization,
		dims:    fmt.Sprint(cfg.Dims),
		pi:      fmt.Sprint(cfg.Pi),
		batch:   cfg.BatchSize,
		polar:   cfg.PolarIterations,
		loop:    !cfg.unrolled && !backend.IsGo(be),
		shape:   shape,
	}
}
