package phase

import (
	"strings"

	"fmt"
	"math"
	"slices"

	"github.com/molrg/molrg/pkg/param"
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

// Grid is the set of runs of a sweep: every ambient dimension n in Ns, K in
// Ks, d in Ds, N_k in Nks, instance 0..Instances−1 and method in Methods.
type Grid struct {
	Ns        []int    // ambient dimensions n ≥ 1 (one for Figures 4 and 8; several to test that the boundary does not move with n)
	Ks        []int    // numbers of components K ≥ 1
	Ds        []int    // subspace dimensions d ≥ 1 (K·d ≤ n for every K and n)
	Nks       []int    // samples per component N_k ≥ 1
	Instances int      // independent problems per cell, ≥ 1
	Methods   []Method // SGD and/or Classic
	Noise     float64  // noise level δ ≥ 0 (samples U⋆_k a + e, e ~ N(0, δ²Iₙ))
	Seed      uint64   // run seed: every draw is derived from it (RunSeed)
}

// DefaultGrid is the grid of Figures 4 and 8 (the project's choice: the
// paper's numbers are lost): n = 48, K ∈ {1, 2, 3}, d ∈ 1..12,
// N_k ∈ 1..24, 20 instances per cell, both methods, noise-free data, seed 1.
func DefaultGrid() Grid {
	return Grid{
		Ns:        []int{48},
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

// ParseMethods reads a comma-separated list of method names.
func ParseMethods(s string) ([]Method, error) {
	var ms []Method
	for _, name := range strings.Split(s, ",") {
		m, err := ParseMethod(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
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

// Limits on a grid (the project's): a sweep is meant to finish on one
// machine (split it with Options.Shard beyond that), and a single problem
// must fit in memory many times over.
const (
	MaxRuns    = 100_000_000 // runs per grid
	MaxSamples = 10_000_000  // K·N_k·n entries of one problem's data
)

// Validate checks the grid and returns an error naming the first bad
// parameter and its allowed range.
func (g Grid) Validate() error {
	for name, vs := range map[string][]int{"Ns": g.Ns, "Ks": g.Ks, "Ds": g.Ds, "Nks": g.Nks} {
		if len(vs) == 0 {
			return param.Errorf("phase", name, "[]", "at least one value")
		}
	}
	for _, n := range g.Ns {
		if n < 1 {
			return param.Errorf("phase", "Ns", n, "an ambient dimension n ≥ 1")
		}
	}
	for _, k := range g.Ks {
		if k < 1 {
			return param.Errorf("phase", "Ks", k, "a number of components K ≥ 1")
		}
	}
	for _, d := range g.Ds {
		if d < 1 {
			return param.Errorf("phase", "Ds", d, "a subspace dimension 1 ≤ d ≤ n/K")
		}
		for _, n := range g.Ns {
			for _, k := range g.Ks {
				if k*d > n {
					return param.Errorf("phase", "Ds", d, "d ≤ %d: orthogonal subspaces need K·d ≤ n, and K·d = %d·%d = %d > n = %d", n/k, k, d, k*d, n)
				}
			}
		}
	}
	for _, nk := range g.Nks {
		if nk < 1 {
			return param.Errorf("phase", "Nks", nk, "samples per component N_k ≥ 1")
		}
	}
	if g.Instances < 1 || g.Instances > MaxRuns {
		return param.Errorf("phase", "Instances", g.Instances, "1 ≤ instances ≤ %d per cell", MaxRuns)
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
		return param.Errorf("phase", "Noise", g.Noise, "a finite noise level δ ≥ 0")
	}
	for name, vs := range map[string][]int{"Ns": g.Ns, "Ks": g.Ks, "Ds": g.Ds, "Nks": g.Nks} {
		if dup := firstDuplicate(vs); dup >= 0 {
			return param.Errorf("phase", name, dup, "distinct values (%d is listed twice)", dup)
		}
	}
	if m := firstDuplicateMethod(g.Methods); m != "" {
		return fmt.Errorf("phase: Methods lists %q twice, want distinct methods", m)
	}
	if size := float64(len(g.Ns)) * float64(len(g.Ks)) * float64(len(g.Ds)) * float64(len(g.Nks)) *
		float64(g.Instances) * float64(len(g.Methods)); size > MaxRuns {
		return fmt.Errorf("phase: the grid has %.3g runs, want at most %d (fewer N_k, d or instances, or split it with -shard)", size, MaxRuns)
	}
	largest := float64(slices.Max(g.Ks)) * float64(slices.Max(g.Nks)) * float64(slices.Max(g.Ns))
	if largest > MaxSamples {
		return param.Errorf("phase", "Nks", slices.Max(g.Nks), "K·N_k·n ≤ %d data entries per problem (the largest has %.3g: smaller N_k or n)", MaxSamples, largest)
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
	N        int     `csv:"n"`
	K        int     `csv:"K"`
	D        int     `csv:"d"`
	Nk       int     `csv:"Nk"`
	Instance int     `csv:"instance"`
	Method   Method  `csv:"method"`
	Noise    float64 `csv:"noise"`
}

func (k Key) String() string {
	return fmt.Sprintf("n=%d K=%d d=%d Nk=%d instance=%d method=%s noise=%v", k.N, k.K, k.D, k.Nk, k.Instance, k.Method, k.Noise)
}

// Keys returns every run of the grid in the order a sweep does them: by n,
// then K, then d, then method, then N_k, then instance.
func (g Grid) Keys() []Key {
	var keys []Key
	for _, n := range g.Ns {
		for _, k := range g.Ks {
			for _, d := range g.Ds {
				for _, m := range g.Methods {
					for _, nk := range g.Nks {
						for i := range g.Instances {
							keys = append(keys, Key{N: n, K: k, D: d, Nk: nk, Instance: i, Method: m, Noise: g.Noise})
						}
					}
				}
			}
		}
	}
	return keys
}

// Size is the number of runs of the grid.
func (g Grid) Size() int {
	return len(g.Ns) * len(g.Ks) * len(g.Ds) * len(g.Nks) * g.Instances * len(g.Methods)
}
