package phase

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/molrg/molrg/pkg/dae"
)

// Meta is what a results file's rows depend on besides their own columns.
// Run keeps it in a sidecar JSON file (MetaPath) and refuses to resume a
// file with different settings, which would mix incomparable rows.
type Meta struct {
	Seed    uint64            `json:"seed"`
	Tau     float64           `json:"tau"`
	SGD     map[string]string `json:"sgd"`     // Algorithm 1's hyperparameters for K = 1 and K ≥ 2
	Classic string            `json:"classic"` // the classical methods
}

// MetaPath is the sidecar file of the results file at path: the same name
// with the extension .json instead of .csv.
func MetaPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
}

func newMeta(g Grid, opts *Options) Meta {
	describe := func(k int) string {
		c := opts.TrainConfig(k, 1, g.Seed)
		return fmt.Sprintf("%v, T=%d, sigma=[%g,%g], lambda=%s, eta=%g..%g, batch=%d, steps=%d, init=%v, restarts=%d, polar=%d",
			c.Parameterization, c.T, c.SigmaMin, c.SigmaMax, lambdaName(c), c.StepSize, c.FinalStepSize,
			c.BatchSize, c.Steps, c.Init, c.Restarts, c.PolarIterations)
	}
	return Meta{
		Seed:    g.Seed,
		Tau:     opts.tau(),
		SGD:     map[string]string{"K=1": describe(1), "K>=2": describe(2)},
		Classic: "PCA (K=1); K-subspaces, spectral init (K>=2)",
	}
}

func lambdaName(c dae.Config) string {
	if c.Levels != nil {
		return fmt.Sprintf("levels%v", c.Levels)
	}
	if c.Lambda == nil {
		return "1"
	}
	var vs []string
	for i := range c.T {
		sigma := c.SigmaMin
		if c.T > 1 {
			sigma += (c.SigmaMax - c.SigmaMin) * float64(i) / float64(c.T-1)
		}
		vs = append(vs, fmt.Sprintf("%.4g", c.Lambda(sigma)))
	}
	return "[" + strings.Join(vs, " ") + "]"
}

// ReadMeta reads the sidecar of the results file at path.
func ReadMeta(path string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(MetaPath(path))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("phase: %s: %w", MetaPath(path), err)
	}
	return m, nil
}

// checkMeta compares want with the sidecar of path, writing it when absent.
func checkMeta(path string, want Meta) error {
	have, err := ReadMeta(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("phase: results folder: %w", err)
		}
		b, _ := json.MarshalIndent(want, "", "  ")
		tmp := MetaPath(path) + ".tmp"
		if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("phase: writing %s: %w", tmp, err)
		}
		return os.Rename(tmp, MetaPath(path))
	}
	if err != nil {
		return err
	}
	mp := MetaPath(path)
	switch {
	case have.Seed != want.Seed:
		return fmt.Errorf("phase: %s holds runs with seed %d, this sweep has seed %d: use the same seed or another results file", path, have.Seed, want.Seed)
	case have.Tau != want.Tau:
		return fmt.Errorf("phase: %s holds runs scored with τ = %v, this sweep has τ = %v: use the same τ or another results file", path, have.Tau, want.Tau)
	case have.Classic != want.Classic:
		return fmt.Errorf("phase: %s holds classical runs of %q (%s), this sweep runs %q: use another results file", path, have.Classic, mp, want.Classic)
	}
	for k, v := range want.SGD {
		if have.SGD[k] != v {
			return fmt.Errorf("phase: %s holds Algorithm 1 runs (%s) for %s with %q, this sweep has %q: use the same hyperparameters or another results file", path, mp, k, have.SGD[k], v)
		}
	}
	return nil
}
