package molrg

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestParamsValidate: every bad parameter gives an error that names it.
func TestParamsValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	good := Params{N: 6, Dims: []int{2, 3}, Pi: []float64{0.4, 0.6}, Orthogonal: true, Noise: 0.1}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid parameters: %v", err)
	}
	for _, c := range []struct {
		name string
		p    Params
		want string
	}{
		{"n < 1", Params{N: 0, Dims: []int{1}}, "n = 0"},
		{"K < 1", Params{N: 3}, "K = 0"},
		{"d_k > n", Params{N: 3, Dims: []int{1, 4}}, "d_1 = 4"},
		{"d_k < 1", Params{N: 3, Dims: []int{0}}, "d_0 = 0"},
		{"Σd_k > n orthogonal", Params{N: 4, Dims: []int{2, 3}, Orthogonal: true}, "Σd_k = 5"},
		{"π length", Params{N: 4, Dims: []int{1, 1}, Pi: []float64{1}}, "π"},
		{"π not summing to 1", Params{N: 4, Dims: []int{1, 1}, Pi: []float64{0.5, 0.6}}, "Σπ_k = 1"},
		{"π_k ≤ 0", Params{N: 4, Dims: []int{1, 1}, Pi: []float64{1.5, -0.5}}, "π_1 = -0.5"},
		{"π_k NaN", Params{N: 4, Dims: []int{1, 1}, Pi: []float64{nan, 0.5}}, "π_0 = NaN"},
		{"π_k Inf", Params{N: 4, Dims: []int{1, 1}, Pi: []float64{inf, 0.5}}, "π_0 = +Inf"},
		{"negative noise", Params{N: 4, Dims: []int{1}, Noise: -0.1}, "δ = -0.1"},
		{"NaN noise", Params{N: 4, Dims: []int{1}, Noise: nan}, "δ = NaN"},
		{"Inf noise", Params{N: 4, Dims: []int{1}, Noise: inf}, "δ = +Inf"},
	} {
		err := c.p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", c.name, err, c.want)
		}
		if _, err := New(c.p, 1); err == nil {
			t.Errorf("%s: New accepted bad parameters", c.name)
		}
	}

	m, err := New(good, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.SampleCounts([]int{3, 0}, 1); err == nil || !strings.Contains(err.Error(), "N_1 = 0") {
		t.Errorf("N_k < 1: SampleCounts error %v, want one naming N_1", err)
	}
	if _, err := m.SampleCounts([]int{3}, 1); err == nil || !strings.Contains(err.Error(), "K = 2") {
		t.Errorf("wrong number of counts: SampleCounts error %v, want one naming K", err)
	}
	if _, err := m.Sample(0, 1); err == nil || !strings.Contains(err.Error(), "N = 0") {
		t.Errorf("N < 1: Sample error %v, want one naming N", err)
	}
}

// TestGroundTruthValidate: bad levels and data give errors naming them, in
// all four ground-truth functions.
func TestGroundTruthValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	m := unequalModel(t, true)
	ok := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	withNaN := mat.NewDense(2, 3, []float64{1, 2, 3, 4, nan, 6})
	withInf := mat.NewDense(2, 3, []float64{1, 2, -inf, 4, 5, 6})
	for _, c := range []struct {
		name     string
		x        *mat.Dense
		s, sigma float64
		want     string
	}{
		{"σ = 0", ok, 1, 0, "σ_t = 0, want σ_t > 0"},
		{"σ < 0", ok, 1, -1, "σ_t = -1"},
		{"σ NaN", ok, 1, nan, "σ_t = NaN"},
		{"σ Inf", ok, 1, inf, "σ_t = +Inf"},
		{"s = 0", ok, 0, 1, "s_t = 0, want a finite s_t > 0"},
		{"s NaN", ok, nan, 1, "s_t = NaN"},
		{"s Inf", ok, inf, 1, "s_t = +Inf"},
		{"NaN in x_t", withNaN, 1, 1, "x_t[1][1] = NaN"},
		{"Inf in x_t", withInf, 1, 1, "x_t[0][2] = -Inf"},
		{"wrong columns", mat.NewDense(1, 4, nil), 1, 1, "4 columns, want n = 3"},
		{"nil x_t", nil, 1, 1, "x_t is nil"},
	} {
		_, e1 := m.Weights(c.x, c.s, c.sigma)
		_, e2 := m.PosteriorMean(c.x, c.s, c.sigma)
		_, e3 := m.Score(c.x, c.s, c.sigma)
		_, e4 := m.LogDensity(c.x, c.s, c.sigma)
		for i, err := range []error{e1, e2, e3, e4} {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: function %d error %v, want one containing %q", c.name, i, err, c.want)
			}
		}
	}
	bad := &Model{N: 3, Bases: m.Bases, Pi: []float64{0.5, 0.6}}
	if _, err := bad.PosteriorMean(ok, 1, 1); err == nil || !strings.Contains(err.Error(), "Σπ_k = 1") {
		t.Errorf("hand-built model with bad π: error %v, want one naming π", err)
	}
}

// TestFromBasesValidate: FromBases rejects what is not a MoLRG.
func TestFromBasesValidate(t *testing.T) {
	e := func(n int, cols ...int) *mat.Dense { // columns of the identity
		u := mat.NewDense(n, len(cols), nil)
		for j, c := range cols {
			u.Set(c, j, 1)
		}
		return u
	}
	notOrth := mat.NewDense(3, 2, []float64{1, 0.1, 0, 1, 0, 0})
	if m, err := FromBases([]*mat.Dense{e(3, 0), e(3, 1, 2)}, []float64{0.3, 0.7}); err != nil || m.RankBound() != 3 || m.N != 3 {
		t.Fatalf("valid bases: %v", err)
	}
	for _, c := range []struct {
		name  string
		bases []*mat.Dense
		pi    []float64
		want  string
	}{
		{"no bases", nil, nil, "K = 0"},
		{"nil basis", []*mat.Dense{e(3, 0), nil}, nil, "U_1 is empty"},
		{"different n", []*mat.Dense{e(3, 0), e(4, 1)}, nil, "n = 4 rows"},
		{"d > n", []*mat.Dense{mat.NewDense(2, 3, nil)}, nil, "d_0 = 3"},
		{"not orthonormal", []*mat.Dense{e(3, 0), notOrth}, nil, "U_1 is not orthonormal"},
		{"NaN basis", []*mat.Dense{mat.NewDense(1, 1, []float64{math.NaN()})}, nil, "not orthonormal"},
		{"π sum", []*mat.Dense{e(3, 0), e(3, 1)}, []float64{0.5, 0.4}, "Σπ_k = 1"},
		{"π length", []*mat.Dense{e(3, 0), e(3, 1)}, []float64{1}, "K = 2"},
	} {
		if _, err := FromBases(c.bases, c.pi); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: FromBases error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
