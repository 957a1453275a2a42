package subspace

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Theorem 4: noise-free samples of K mutually orthogonal d-dimensional
// subspaces with N_k ≥ d samples each determine the subspaces up to a
// permutation, and K-subspaces finds them. Random-label initialization lands
// in mixed local maxima more often as d grows (the reason Wang et al. propose
// the spectral initialization), so it is tested with small d and R = 50.
func TestKSubspacesTheorem4Recovery(t *testing.T) {
	cases := []struct {
		init        Init
		restarts    int
		n, k, d, nk int
	}{
		{InitSpectral, 0, 48, 3, 6, 12},
		{InitSpectral, 0, 48, 2, 4, 8},
		{InitSpectral, 0, 24, 3, 4, 8},
		{InitSpectral, 0, 48, 2, 12, 24},
		{InitRandom, 50, 12, 2, 3, 6},
		{InitRandom, 50, 12, 3, 2, 4},
		{InitRandom, 0, 48, 3, 1, 2},
	}
	for _, c := range cases {
		for seed := range uint64(5) {
			m, s := orthogonalMoLRG(t, c.n, c.k, c.d, c.nk, seed)
			dims := m.Dims()
			res, err := KSubspaces(s.X, dims, KSubspacesOptions{Init: c.init, Restarts: c.restarts, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			ok, err := Success(res.Bases, m.Bases, DefaultTau)
			if err != nil {
				t.Fatal(err)
			}
			perm, maxDist, _ := BestPermutation(res.Bases, m.Bases)
			if !ok || maxDist > 1e-6 {
				t.Errorf("%v n=%d K=%d d=%d N_k=%d seed %d: max distance %g, success %v; want recovery",
					c.init, c.n, c.k, c.d, c.nk, seed, maxDist, ok)
				continue
			}
			for k, u := range res.Bases {
				checkOrthonormal(t, "U_k", u, 1e-10)
				if _, d := u.Dims(); d != dims[k] {
					t.Fatalf("basis %d has %d columns, want %d", k, d, dims[k])
				}
			}
			// The labels are the true ones up to the same permutation.
			for i, l := range s.Labels {
				if res.Labels[i] != perm[l] {
					t.Errorf("%v seed %d: sample %d of component %d labelled %d, want %d", c.init, seed, i, l, res.Labels[i], perm[l])
					break
				}
			}
			// Eq. (18) at the result is at least its value at the truth.
			truthObj, _ := ClusteringObjective(s.X, m.Bases)
			if res.Objective < truthObj-1e-9*truthObj {
				t.Errorf("%v seed %d: objective %v < objective of the truth %v", c.init, seed, res.Objective, truthObj)
			}
			if !res.Converged || res.Iterations < 1 {
				t.Errorf("%v seed %d: converged %v after %d rounds", c.init, seed, res.Converged, res.Iterations)
			}
		}
	}
}

// The reported objective and labels are eq. (18) with the argmax assignment
// for the returned bases; with noise, MoLRG is still recovered up to noise.
func TestKSubspacesNoisyConsistent(t *testing.T) {
	m, s := orthogonalMoLRG(t, 30, 3, 3, 20, 5)
	x := mat.DenseCopyOf(s.X)
	rng := newRNG(6)
	for i := range 60 {
		for j := range 30 {
			x.Set(i, j, x.At(i, j)+0.01*rng.NormFloat64())
		}
	}
	for _, init := range []Init{InitRandom, InitSpectral} {
		res, err := KSubspaces(x, m.Dims(), KSubspacesOptions{Init: init, Restarts: 20, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		obj, labels := ClusteringObjective(x, res.Bases)
		if math.Abs(obj-res.Objective) > 1e-12*obj || !slices.Equal(labels, res.Labels) {
			t.Errorf("%v: result objective %v and labels differ from ClusteringObjective %v", init, res.Objective, obj)
		}
		if _, maxDist, _ := BestPermutation(res.Bases, m.Bases); maxDist > 0.1 {
			t.Errorf("%v: noise δ = 0.01 but max distance %v", init, maxDist)
		}
	}
}

func TestClusteringObjectiveDefinition(t *testing.T) {
	rng := newRNG(7)
	x := gaussian(25, 7, rng)
	bases := []*mat.Dense{mat.DenseCopyOf(gaussian(7, 2, rng)), mat.DenseCopyOf(gaussian(7, 3, rng)), mat.DenseCopyOf(gaussian(7, 1, rng))}
	for k, b := range bases { // orthonormalize
		var qr mat.QR
		qr.Factorize(b)
		var q mat.Dense
		qr.QTo(&q)
		_, d := b.Dims()
		bases[k] = mat.DenseCopyOf(q.Slice(0, 7, 0, d))
	}
	obj, labels := ClusteringObjective(x, bases)
	want := 0.0
	for i := range 25 {
		best, bestK := -1.0, -1
		for k, u := range bases {
			_, d := u.Dims()
			e := 0.0
			for j := range d {
				dot := 0.0
				for l := range 7 {
					dot += u.At(l, j) * x.At(i, l)
				}
				e += dot * dot
			}
			if e > best {
				best, bestK = e, k
			}
		}
		want += best
		if labels[i] != bestK {
			t.Errorf("sample %d labelled %d, argmax is %d", i, labels[i], bestK)
		}
	}
	if math.Abs(obj-want) > 1e-12*want {
		t.Errorf("objective %v, explicit eq. (18) %v", obj, want)
	}
	// The argmax assignment beats any other labelling for these bases.
	for range 50 {
		other := 0.0
		for i := range 25 {
			k := rng.IntN(3)
			var p mat.Dense
			p.Mul(x.Slice(i, i+1, 0, 7), bases[k])
			f := mat.Norm(&p, 2)
			other += f * f
		}
		if other > obj*(1+1e-12) {
			t.Fatalf("a random labelling scores %v > argmax %v", other, obj)
		}
	}
}

// Clusters with fewer samples than d_k (or none, K > N) are re-seeded: the
// run succeeds and returns orthonormal bases of the requested sizes.
func TestKSubspacesDeficientClusters(t *testing.T) {
	for _, c := range []struct {
		nSamples int
		dims     []int
	}{{1, []int{2, 2}}, {3, []int{2, 3, 1, 4}}, {5, []int{4, 4}}, {2, []int{1, 1, 1, 1, 1}}} {
		x := gaussian(c.nSamples, 8, newRNG(uint64(c.nSamples)))
		for _, init := range []Init{InitRandom, InitSpectral} {
			res, err := KSubspaces(x, c.dims, KSubspacesOptions{Init: init, Seed: 3})
			if err != nil {
				t.Fatalf("N=%d dims=%v %v: %v", c.nSamples, c.dims, init, err)
			}
			for k, u := range res.Bases {
				if _, d := u.Dims(); d != c.dims[k] {
					t.Fatalf("basis %d has %d columns, want %d", k, d, c.dims[k])
				}
				checkOrthonormal(t, "re-seeded U_k", u, 1e-10)
			}
			// Σd_k ≥ rank(x) here, so the optimum of eq. (18) explains all data.
			total := mat.Norm(x, 2)
			total *= total
			if math.IsNaN(res.Objective) || res.Objective > total*(1+1e-12) {
				t.Errorf("N=%d dims=%v %v: objective %v, total energy %v", c.nSamples, c.dims, init, res.Objective, total)
			}
		}
	}
}

func TestKSubspacesDeterministic(t *testing.T) {
	_, s := orthogonalMoLRG(t, 20, 2, 3, 5, 11)
	for _, init := range []Init{InitRandom, InitSpectral} {
		opts := KSubspacesOptions{Init: init, Seed: 42, Restarts: 3}
		a, err := KSubspaces(s.X, []int{3, 3}, opts)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := KSubspaces(s.X, []int{3, 3}, opts)
		if !slices.Equal(a.Labels, b.Labels) || a.Objective != b.Objective || a.Iterations != b.Iterations {
			t.Errorf("%v: same seed, different results", init)
		}
		for k := range a.Bases {
			if !mat.Equal(a.Bases[k], b.Bases[k]) {
				t.Errorf("%v: same seed, different basis %d", init, k)
			}
		}
	}
}

// MaxIter bounds the rounds; one round is one fit and one reassignment.
func TestKSubspacesMaxIter(t *testing.T) {
	_, s := orthogonalMoLRG(t, 20, 2, 4, 8, 2)
	res, err := KSubspaces(s.X, []int{4, 4}, KSubspacesOptions{Restarts: 1, MaxIter: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != 1 {
		t.Errorf("MaxIter 1: %d rounds", res.Iterations)
	}
}

// With few samples per subspace (N_k = d + 1) the thresholded affinity
// falls apart into more connected components than subspaces; the spectral
// initialization then merges components by average linkage instead of
// splitting the eigenvalue-1 eigenspace arbitrarily, and K-subspaces
// recovers every subspace (Theorem 4), as it does from the true labels.
func TestKSubspacesFragmentedAffinity(t *testing.T) {
	fragmented := 0
	for seed := range uint64(30) {
		for _, d := range []int{3, 6, 9} {
			m, s := orthogonalMoLRG(t, 48, 3, d, d+1, seed)
			_, size := components(Affinity(s.X, AffinityTau(3*(d+1), d)))
			if len(size) > 3 {
				fragmented++
			}
			res, err := KSubspaces(s.X, m.Dims(), KSubspacesOptions{Init: InitSpectral, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			if _, maxDist, _ := BestPermutation(res.Bases, m.Bases); maxDist > 1e-6 {
				t.Errorf("d=%d seed %d (%d components): max distance %g after the best permutation, want recovery", d, seed, len(size), maxDist)
			}
		}
	}
	if fragmented < 30 {
		t.Errorf("only %d of 90 affinity graphs have more than K components; the test needs fragmented ones", fragmented)
	}
	t.Logf("%d of 90 affinity graphs have more than K = 3 components", fragmented)
}
