package subspace

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Every bad parameter gets an error naming it and its allowed range.
func TestBadParameters(t *testing.T) {
	rng := newRNG(12)
	x := gaussian(10, 5, rng)
	withNaN := mat.DenseCopyOf(x)
	withNaN.Set(3, 2, math.NaN())
	withInf := mat.DenseCopyOf(x)
	withInf.Set(0, 4, math.Inf(-1))
	u2 := mat.NewDense(5, 2, []float64{1, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	u1 := mat.NewDense(5, 1, []float64{0, 0, 1, 0, 0})
	u1short := mat.NewDense(4, 1, []float64{0, 0, 1, 0})
	good := []*mat.Dense{u2, u1}
	ks := func(x *mat.Dense, dims []int, o KSubspacesOptions) func() error {
		return func() error { _, err := KSubspaces(x, dims, o); return err }
	}
	cases := []struct {
		name string
		call func() error
		want []string // substrings of the message
	}{
		{"PCA d=0", func() error { _, err := PCA(x, 0); return err }, []string{"d = 0", "1 ≤ d ≤ n = 5"}},
		{"PCA d>n", func() error { _, err := PCA(x, 6); return err }, []string{"d = 6", "1 ≤ d ≤ n = 5"}},
		{"PCA N=0", func() error { _, err := PCA(&mat.Dense{}, 1); return err }, []string{"N = 0", "N ≥ 1"}},
		{"PCA nil", func() error { _, err := PCA(nil, 1); return err }, []string{"N = 0", "N ≥ 1"}},
		{"PCA NaN", func() error { _, err := PCA(withNaN, 2); return err }, []string{"x[3][2] = NaN", "finite"}},
		{"PCA Inf", func() error { _, err := PCA(withInf, 2); return err }, []string{"x[0][4] = -Inf", "finite"}},
		{"KSS K=0", ks(x, nil, KSubspacesOptions{}), []string{"K = len(dims) = 0", "K ≥ 1"}},
		{"KSS d_k=0", ks(x, []int{2, 0}, KSubspacesOptions{}), []string{"d_1 = 0", "1 ≤ d_k ≤ n = 5"}},
		{"KSS d_k>n", ks(x, []int{6}, KSubspacesOptions{}), []string{"d_0 = 6", "1 ≤ d_k ≤ n = 5"}},
		{"KSS N=0", ks(&mat.Dense{}, []int{1}, KSubspacesOptions{}), []string{"N = 0", "N ≥ 1"}},
		{"KSS NaN", ks(withNaN, []int{1}, KSubspacesOptions{}), []string{"NaN", "finite"}},
		{"KSS Inf", ks(withInf, []int{1}, KSubspacesOptions{Init: InitSpectral}), []string{"-Inf", "finite"}},
		{"KSS restarts", ks(x, []int{1}, KSubspacesOptions{Restarts: -1}), []string{"restarts R = -1", "R ≥ 0"}},
		{"KSS MaxIter", ks(x, []int{1}, KSubspacesOptions{MaxIter: -2}), []string{"MaxIter = -2", "MaxIter ≥ 0"}},
		{"KSS τ<0", ks(x, []int{1}, KSubspacesOptions{Init: InitSpectral, Tau: -0.1}), []string{"τ = -0.1", "0 ≤ τ ≤ 1"}},
		{"KSS τ>1", ks(x, []int{1}, KSubspacesOptions{Init: InitSpectral, Tau: 1.5}), []string{"τ = 1.5", "0 ≤ τ ≤ 1"}},
		{"KSS τ NaN", ks(x, []int{1}, KSubspacesOptions{Init: InitSpectral, Tau: math.NaN()}), []string{"τ = NaN", "0 ≤ τ ≤ 1"}},
		{"KSS Init", ks(x, []int{1}, KSubspacesOptions{Init: Init(7)}), []string{"Init = Init(7)", "InitRandom or InitSpectral"}},
		{"Spectral K=0", func() error { _, err := SpectralLabels(x, 0, 0.5, 1); return err }, []string{"K = 0", "K ≥ 1"}},
		{"Spectral τ", func() error { _, err := SpectralLabels(x, 2, 2, 1); return err }, []string{"τ = 2", "0 ≤ τ ≤ 1"}},
		{"Spectral NaN", func() error { _, err := SpectralLabels(withNaN, 2, 0.5, 1); return err }, []string{"NaN", "finite"}},
		{"BestPermutation K=0", func() error { _, _, err := BestPermutation(nil, nil); return err }, []string{"K = 0", "K ≥ 1"}},
		{"BestPermutation lengths", func() error { _, _, err := BestPermutation([]*mat.Dense{u1}, good); return err }, []string{"est has 1", "K = 2", "len(est) = K"}},
		{"BestPermutation empty", func() error { _, _, err := BestPermutation([]*mat.Dense{u1, {}}, good); return err }, []string{"est[1] is empty", "d_k ≥ 1"}},
		{"BestPermutation nil truth", func() error { _, _, err := BestPermutation(good, []*mat.Dense{nil, u1}); return err }, []string{"truth[0] is empty"}},
		{"BestPermutation rows", func() error { _, _, err := BestPermutation([]*mat.Dense{u1short, u2}, good); return err }, []string{"est[0] has 4 rows", "n = 5"}},
		{"Errors lengths", func() error { _, err := Errors(good, []*mat.Dense{u1}); return err }, []string{"est has 2", "K = 1"}},
		{"Success τ=0", func() error { _, err := Success(good, good, 0); return err }, []string{"τ = 0", "τ > 0"}},
		{"Success τ<0", func() error { _, err := Success(good, good, -1); return err }, []string{"τ = -1", "τ > 0"}},
		{"Success τ NaN", func() error { _, err := Success(good, good, math.NaN()); return err }, []string{"τ = NaN", "τ > 0"}},
		{"Success lengths", func() error { _, err := Success(good, nil, 0.5); return err }, []string{"K = 0"}},
	}
	for _, c := range cases {
		err := c.call()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
}
