package dae

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/backend"

	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// The tests run on the pure-Go backend (one op at a time): fast to compile
// and deterministic. TestXLAWhileLoop covers the XLA path when a plugin is
// installed.
func testBackend() compute.Backend {
	be, err := backend.Go()
	if err != nil {
		panic(err)
	}
	return be
}

// testConfig is DefaultConfig on the test backend.
func testConfig(p Parameterization, dims ...int) Config {
	cfg := DefaultConfig(p, dims...)
	cfg.Backend = testBackend()
	return cfg
}

// Independent float64 helpers for the tests.

func gaussian(rows, cols int, rng *rand.Rand) *mat.Dense {
	m := mat.NewDense(rows, cols, nil)
	for i := range rows {
		for j := range cols {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

// svdPolar is the polar factor WVᵀ of y = WΣVᵀ from gonum's SVD.
func svdPolar(y *mat.Dense) *mat.Dense {
	var svd mat.SVD
	if !svd.Factorize(y, mat.SVDThin) {
		panic("svd failed")
	}
	var w, v, p mat.Dense
	svd.UTo(&w)
	svd.VTo(&v)
	p.Mul(&w, v.T())
	return &p
}

// randomBasis is a Haar-random n×d orthonormal matrix (polar factor of a
// Gaussian matrix).
func randomBasis(n, d int, rng *rand.Rand) *mat.Dense { return svdPolar(gaussian(n, d, rng)) }

// topEigenvectors returns the d leading eigenvectors of the scatter XᵀX of
// the rows of x, via gonum's SVD of x (PCA, eq. 12).
func topEigenvectors(x *mat.Dense, d int) *mat.Dense {
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		panic("svd failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	_, n := x.Dims()
	return mat.DenseCopyOf(v.Slice(0, n, 0, d))
}

// projDistance is ‖UUᵀ − VVᵀ‖_F computed with n×n matrices.
func projDistance(u, v *mat.Dense) float64 {
	var pu, pv mat.Dense
	pu.Mul(u, u.T())
	pv.Mul(v, v.T())
	pu.Sub(&pu, &pv)
	return mat.Norm(&pu, 2)
}

// bestPermutationMaxDist returns min over permutations π of
// max_k ‖U_{π(k)}U_{π(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F by brute force.
func bestPermutationMaxDist(est, truth []*mat.Dense) float64 {
	k := len(truth)
	perm := make([]int, k)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var rec func(i int)
	rec = func(i int) {
		if i == k {
			worst := 0.0
			for j := range k {
				worst = math.Max(worst, projDistance(est[perm[j]], truth[j]))
			}
			best = math.Min(best, worst)
			return
		}
		for j := i; j < k; j++ {
			perm[i], perm[j] = perm[j], perm[i]
			rec(i + 1)
			perm[i], perm[j] = perm[j], perm[i]
		}
	}
	rec(0)
	return best
}

// toF32 flattens matrices (row-major) into a float32 tensor with the given
// leading dimensions.
func toF32(ms []*mat.Dense, dims ...int) *tensors.Tensor {
	var flat []float32
	for _, m := range ms {
		r, c := m.Dims()
		for i := range r {
			for j := range c {
				flat = append(flat, float32(m.At(i, j)))
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

// fromF32 splits a float32 tensor [count, rows, cols] into matrices.
func fromF32(t *tensors.Tensor) []*mat.Dense {
	dims := t.Shape().Dimensions
	rows, cols := dims[len(dims)-2], dims[len(dims)-1]
	flat := tensors.MustCopyFlatData[float32](t)
	count := len(flat) / (rows * cols)
	out := make([]*mat.Dense, count)
	for c := range count {
		m := mat.NewDense(rows, cols, nil)
		for i := range rows {
			for j := range cols {
				m.Set(i, j, float64(flat[(c*rows+i)*cols+j]))
			}
		}
		out[c] = m
	}
	return out
}

// orthonormalityError is max |UᵀU − I|.
func orthonormalityError(u *mat.Dense) float64 {
	var g mat.Dense
	g.Mul(u.T(), u)
	_, d := u.Dims()
	for i := range d {
		g.Set(i, i, g.At(i, i)-1)
	}
	return mat.Norm(&g, math.Inf(1))
}

// float64s converts float32s.
func float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
