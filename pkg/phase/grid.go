package phase

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Method is a way of recovering the subspaces from the samples.
type Method string

const (
	// SGD is Algorithm 1: SGD on the loss (6) with the single-Gaussian DAE
	// (eq. 11) for K = 1 and the soft-max DAE (eq. 9) for K ≥ 2.
	SGD Method = "sgd"
	// Classic is PCA (eq. 12) for K = 1 and K-subspaces with the spectral
	// initialization (eq. 18) for K ≥ 2.
	Classic Method = "classic"
)

// Methods lists the known methods in the order of the figures' columns.
var Methods = []Method{SGD, Classic}

// Grid is the set of runs of a sweep: every K in Ks, d in Ds, N_k in Nks,
// instance 0..Instances−1 and method in Methods.
type Grid struct {
	N         int      // ambient dimension n ≥ 1
	Ks        []int    // numbers of components K ≥ 1
	Ds        []int    // subspace dimensions d ≥ 1 (K·d ≤ n for every K)
	Nks       []int    // samples per component N_k ≥ 1
	Instances int      // independent problems per cell, ≥ 1
	Methods   []Method // SGD and/or Classic
	Noise     float64  // noise level δ ≥ 0 (samples U⋆_k a + e, e ~ N(0, δ²Iₙ))
	Seed      uint64   // run seed: every draw is derived from it (RunSeed)
}

// DefaultGrid is the grid of Figures 4 and 8 (ours, docs/choices.md: the paper's
// numbers are lost): n = 48, K ∈ {1, 2, 3}, d ∈ 1..12, N_k ∈ 1..24, 20
// instances per cell, both methods, noise-free data, seed 1.
func DefaultGrid() Grid {
	return Grid{
		N:         48,
		Ks:        []int{1, 2, 3},
		Ds:        Range(1, 12),
		Nks:       Range(1, 24),
		Instances: 20,
		Methods:   []Method{SGD, Classic},
		Noise:     0,
		Seed:      1,
	}
}

// Range returns lo, lo+1, …, hi (empty when hi < lo).
func Range(lo, hi int) []int {
	var r []int
	for v := lo; v <= hi; v++ {
		r = append(r, v)
	}
	return r
}

// ParseMethod returns the method named s ("sgd" or "classic").
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("phase: unknown method %q, want one of %q", s, Methods)
}

// Validate checks the grid and returns an error naming the first bad
// parameter and its allowed range.
func (g Grid) Validate() error {
	if g.N < 1 {
		return fmt.Errorf("phase: ambient dimension n = %d, want n ≥ 1", g.N)
	}
	if len(g.Ks) == 0 {
		return errors.New("phase: Ks is empty, want at least one number of components K ≥ 1")
	}
	if len(g.Ds) == 0 {
		return errors.New("phase: Ds is empty, want at least one subspace dimension d ≥ 1")
	}
	if len(g.Nks) == 0 {
		return errors.New("phase: Nks is empty, want at least one number of samples per component N_k ≥ 1")
	}
	for _, k := range g.Ks {
		if k < 1 {
			return fmt.Errorf("phase: number of components K = %d, want K ≥ 1", k)
		}
	}
	for _, d := range g.Ds {
		if d < 1 {
			return fmt.Errorf("phase: subspace dimension d = %d, want 1 ≤ d ≤ n/K", d)
		}
		for _, k := range g.Ks {
			if k*d > g.N {
				return fmt.Errorf("phase: K·d = %d·%d = %d > n = %d: orthogonal subspaces need K·d ≤ n (d ≤ %d for K = %d)", k, d, k*d, g.N, g.N/k, k)
			}
		}
	}
	for _, nk := range g.Nks {
		if nk < 1 {
			return fmt.Errorf("phase: samples per component N_k = %d, want N_k ≥ 1", nk)
		}
	}
	if g.Instances < 1 {
		return fmt.Errorf("phase: instances = %d, want at least 1 per cell", g.Instances)
	}
	if len(g.Methods) == 0 {
		return fmt.Errorf("phase: no method given, want one or more of %q", Methods)
	}
	for _, m := range g.Methods {
		if !slices.Contains(Methods, m) {
			return fmt.Errorf("phase: unknown method %q, want one of %q", m, Methods)
		}
	}
	if !(g.Noise >= 0) || math.IsInf(g.Noise, 0) {
		return fmt.Errorf("phase: noise level δ = %v, want a finite δ ≥ 0", g.Noise)
	}
	for name, vs := range map[string][]int{"Ks": g.Ks, "Ds": g.Ds, "Nks": g.Nks} {
		if dup := firstDuplicate(vs); dup >= 0 {
			return fmt.Errorf("phase: %s lists %d twice, want distinct values", name, dup)
		}
	}
	if m := firstDuplicateMethod(g.Methods); m != "" {
		return fmt.Errorf("phase: Methods lists %q twice, want distinct methods", m)
	}
	return nil
}

func firstDuplicate(vs []int) int {
	seen := map[int]bool{}
	for _, v := range vs {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return -1
}

func firstDuplicateMethod(ms []Method) Method {
	seen := map[Method]bool{}
	for _, m := range ms {
		if seen[m] {
			return m
		}
		seen[m] = true
	}
	return ""
}

// Key identifies one run: a row of the results table without its outcome.
type Key struct {
	K, N, D, Nk, Instance int
	Method                Method
	Noise                 float64
}

func (k Key) String() string {
	return fmt.Sprintf("K=%d n=%d d=%d Nk=%d instance=%d method=%s noise=%v", k.K, k.N, k.D, k.Nk, k.Instance, k.Method, k.Noise)
}

// Keys returns every run of the grid in the order a sweep does them: by K,
// then d, then method, then N_k, then instance.
func (g Grid) Keys() []Key {
	var keys []Key
	for _, k := range g.Ks {
		for _, d := range g.Ds {
			for _, m := range g.Methods {
				for _, nk := range g.Nks {
					for i := range g.Instances {
						keys = append(keys, Key{K: k, N: g.N, D: d, Nk: nk, Instance: i, Method: m, Noise: g.Noise})
					}
				}
			}
		}
	}
	return keys
}

// Size is the number of runs of the grid.
func (g Grid) Size() int {
	return len(g.Ks) * len(g.Ds) * len(g.Nks) * g.Instances * len(g.Methods)
}
