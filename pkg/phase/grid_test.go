package phase

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDefaultGrid(t *testing.T) {
	g := DefaultGrid()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	// docs/choices.md: n = 48, K ∈ {1,2,3}, d ∈ 1..12, N_k ∈ 1..24, 20 instances, 2 methods.
	if want := 3 * 12 * 24 * 20 * 2; g.Size() != want || len(g.Keys()) != want {
		t.Fatalf("Size() = %d, len(Keys()) = %d, want %d", g.Size(), len(g.Keys()), want)
	}
}

func TestValidateNamesParameter(t *testing.T) {
	base := Grid{Ns: []int{12}, Ks: []int{1, 2}, Ds: []int{1, 2}, Nks: []int{1, 2}, Instances: 2, Methods: []Method{SGD, Classic}}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(*Grid)
		want string
	}{
		{"d < 1", func(g *Grid) { g.Ds = []int{0, 1} }, "Ds = 0"},
		{"K·d > n", func(g *Grid) { g.Ks = []int{3}; g.Ds = []int{5} }, "K·d = 3·5 = 15 > n = 12"},
		{"N_k < 1", func(g *Grid) { g.Nks = []int{0} }, "Nks = 0"},
		{"instances < 1", func(g *Grid) { g.Instances = 0 }, "Instances = 0"},
		{"unknown method", func(g *Grid) { g.Methods = []Method{"adam"} }, `unknown method "adam"`},
		{"no method", func(g *Grid) { g.Methods = nil }, "no method"},
		{"K < 1", func(g *Grid) { g.Ks = []int{0} }, "Ks = 0"},
		{"n < 1", func(g *Grid) { g.Ns = []int{0} }, "Ns = 0"},
		{"too many runs", func(g *Grid) { g.Instances = 200_000_000 }, "Instances = 200000000"},
		{"grid too large", func(g *Grid) { g.Instances = 30_000_000 }, "at most 100000000"},
		{"problem too large", func(g *Grid) { g.Nks = []int{1, 1_000_000} }, "K·N_k·n"},
		{"negative noise", func(g *Grid) { g.Noise = -1 }, "Noise = -1"},
		{"NaN noise", func(g *Grid) { g.Noise = math.NaN() }, "Noise = NaN"},
		{"empty Nks", func(g *Grid) { g.Nks = nil }, "Nks = []"},
		{"duplicate d", func(g *Grid) { g.Ds = []int{2, 2} }, "2 is listed twice"},
	}
	for _, c := range cases {
		g := base
		c.edit(&g)
		err := g.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := ParseMethod("pca"); err == nil {
		t.Error(`ParseMethod("pca") succeeded`)
	}
}

func TestRunSeed(t *testing.T) {
	seen := map[uint64]string{}
	for _, seed := range []uint64{0, 1} {
		for k := 1; k <= 3; k++ {
			for d := 1; d <= 4; d++ {
				for nk := 1; nk <= 4; nk++ {
					for i := range 3 {
						s := RunSeed(seed, 48, k, d, nk, i)
						if s != RunSeed(seed, 48, k, d, nk, i) {
							t.Fatal("RunSeed is not deterministic")
						}
						id := Key{K: k, D: d, Nk: nk, Instance: i}.String()
						if prev, ok := seen[s]; ok {
							t.Fatalf("RunSeed collision: %s and %s", prev, id)
						}
						seen[s] = id
					}
				}
			}
		}
	}
}

func TestProblemReproducible(t *testing.T) {
	key := Key{K: 2, N: 12, D: 3, Nk: 4, Instance: 1, Method: SGD, Noise: 0.05}
	p1, err := key.Problem(7)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := key.Problem(7)
	if !mat.Equal(p1.X, p2.X) || !mat.Equal(p1.Truth[1], p2.Truth[1]) {
		t.Fatal("the same run drew different problems")
	}
	// Both methods see the same problem; another instance a different one.
	key.Method = Classic
	p3, _ := key.Problem(7)
	if !mat.Equal(p1.X, p3.X) {
		t.Fatal("the methods of one cell see different data")
	}
	key.Instance = 2
	p4, _ := key.Problem(7)
	if mat.Equal(p1.X, p4.X) {
		t.Fatal("two instances drew the same data")
	}
	if r, c := p1.X.Dims(); r != 8 || c != 12 {
		t.Fatalf("X is %d×%d, want K·N_k×n = 8×12", r, c)
	}
	// Mutually orthogonal orthonormal bases.
	var g mat.Dense
	g.Mul(p1.Truth[0].T(), p1.Truth[1])
	if mat.Norm(&g, 2) > 1e-12 {
		t.Fatalf("‖U⋆_0ᵀU⋆_1‖ = %v, want 0", mat.Norm(&g, 2))
	}
	if _, err := NewProblem(12, 5, 3, 2, 0, 0, 1); err == nil {
		t.Fatal("NewProblem with K·d > n succeeded")
	}
}
