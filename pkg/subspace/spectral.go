package subspace

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// MaxAffinityTau caps the default affinity threshold (ours): for d = 1 and
// large N the formula 0.5·√(log N)/√d exceeds 1 and no pair of samples, not
// even two on the same line, would be connected.
const MaxAffinityTau = 0.9

// AffinityTau is the default threshold of the affinity used by the spectral
// initialization of K-subspaces (ours), τ = 0.5·√(log N)/√d, capped at
// MaxAffinityTau. Two samples of a d-dimensional subspace have |z_iᵀz_j| of
// order 1/√d; samples of orthogonal subspaces have z_iᵀz_j = 0.
func AffinityTau(nSamples, d int) float64 {
	if nSamples < 1 || d < 1 {
		return MaxAffinityTau
	}
	return math.Min(0.5*math.Sqrt(math.Log(float64(nSamples)))/math.Sqrt(float64(d)), MaxAffinityTau)
}

// Affinity returns the thresholded affinity of the data x (N×n, one sample
// per row): A_ij = 1 if |z_iᵀz_j| ≥ τ with z_i = x_i/‖x_i‖, else 0. A sample
// with x_i = 0 is connected to nothing but itself; A_ii = 1 always.
func Affinity(x *mat.Dense, tau float64) *mat.SymDense {
	nSamples, _ := x.Dims()
	g := cosines(x)
	a := mat.NewSymDense(nSamples, nil)
	for i := range nSamples {
		a.SetSym(i, i, 1)
		for j := i + 1; j < nSamples; j++ {
			if math.Abs(g.At(i, j)) >= tau {
				a.SetSym(i, j, 1)
			}
		}
	}
	return a
}

// cosines returns the Gram matrix z_iᵀz_j of the normalized samples
// z_i = x_i/‖x_i‖ (z_i = 0 for x_i = 0).
func cosines(x *mat.Dense) *mat.SymDense {
	nSamples, n := x.Dims()
	z := mat.NewDense(nSamples, n, nil)
	for i := range nSamples {
		row := x.RawRowView(i)
		nrm := 0.0
		for _, v := range row {
			nrm += v * v
		}
		if nrm > 0 {
			nrm = math.Sqrt(nrm)
			zr := z.RawRowView(i)
			for j, v := range row {
				zr[j] = v / nrm
			}
		}
	}
	var g mat.SymDense
	g.SymOuterK(1, z)
	return &g
}

// kmeansRestarts is the number of k-means++ restarts of spectral clustering (ours).
const kmeansRestarts = 10

// SpectralLabels is the spectral initialization of K-subspaces: spectral
// clustering (Ng, Jordan and Weiss) of the affinity A = Affinity(x, τ) into k
// clusters. The rows of the k eigenvectors of D^{-1/2}AD^{-1/2} with the
// largest eigenvalues (the smallest of the normalized Laplacian
// I − D^{-1/2}AD^{-1/2}), scaled to unit length, are clustered by k-means with
// k-means++ seeding, keeping the best of kmeansRestarts runs. It costs an
// N×N symmetric eigendecomposition. The same seed gives the same labels.
// When A has k or more connected components, the labels are instead those
// components merged by average linkage on |z_iᵀz_j| (see spectralLabels).
//
// Errors: N < 1, NaN or ±Inf in x, k < 1, τ outside [0, 1].
func SpectralLabels(x *mat.Dense, k int, tau float64, seed uint64) ([]int, error) {
	_, _, err := checkData(x)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("subspace: number of clusters K = %d, want K ≥ 1", k)
	}
	if math.IsNaN(tau) || tau < 0 || tau > 1 {
		return nil, fmt.Errorf("subspace: affinity threshold τ = %v, want 0 ≤ τ ≤ 1", tau)
	}
	return spectralLabels(x, k, tau, 0, seed), nil
}

// spectralLabels is SpectralLabels, except that
//
//   - when the affinity graph has k or more connected components, the
//     components are the clusters, merged by average linkage on |z_iᵀz_j|
//     until k remain.
//     Spectral clustering cannot split them sensibly: the top eigenvalue 1
//     of D^{-1/2}AD^{-1/2} then has one eigenvector per component, and k of
//     them mix components arbitrarily (for orthogonal subspaces and few
//     samples, those of different subspaces: z_iᵀz_j = 0 across subspaces,
//     so the components of one subspace are the ones average linkage joins);
//   - otherwise samples in connected components with fewer than minSize
//     samples (too few to span a subspace of the smallest dimension) are left
//     out of the spectral clustering and labelled −1, unless fewer than k
//     samples would remain. Left unlabelled, such samples do not contaminate
//     the first fit of K-subspaces; its first argmax step labels them.
func spectralLabels(x *mat.Dense, k int, tau float64, minSize int, seed uint64) []int {
	nSamples, _ := x.Dims()
	full := Affinity(x, tau)
	comp, size := components(full)
	if len(size) >= k {
		return linkComponents(cosines(x), comp, len(size), k)
	}
	core := make([]int, 0, nSamples)
	for i := range nSamples {
		if size[comp[i]] >= minSize {
			core = append(core, i)
		}
	}
	if len(core) < k {
		core = core[:0]
		for i := range nSamples {
			core = append(core, i)
		}
	}
	nCore := len(core)
	a := mat.NewSymDense(nCore, nil)
	for p, i := range core {
		for q := p; q < nCore; q++ {
			a.SetSym(p, q, full.At(i, core[q]))
		}
	}
	isd := make([]float64, nCore) // D^{-1/2}
	for i := range nCore {
		deg := 0.0
		for j := range nCore {
			deg += a.At(i, j)
		}
		isd[i] = 1 / math.Sqrt(deg) // deg ≥ 1 (self-loop)
	}
	m := mat.NewSymDense(nCore, nil)
	for i := range nCore {
		for j := i; j < nCore; j++ {
			m.SetSym(i, j, isd[i]*a.At(i, j)*isd[j])
		}
	}
	kk := min(k, nCore)
	y := topEigenvectors(m, kk)
	for i := range nCore {
		row := y.RawRowView(i)
		nrm := 0.0
		for _, v := range row {
			nrm += v * v
		}
		if nrm > 0 {
			nrm = math.Sqrt(nrm)
			for j := range row {
				row[j] /= nrm
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x737065637472))
	var best []int
	bestInertia := math.Inf(1)
	for range kmeansRestarts {
		labels, inertia := kmeans(y, k, rng)
		if inertia < bestInertia {
			best, bestInertia = labels, inertia
		}
	}
	labels := make([]int, nSamples)
	for i := range labels {
		labels[i] = -1
	}
	for p, i := range core {
		labels[i] = best[p]
	}
	return labels
}

// linkComponents merges the numComp components comp[i] of the samples into
// k clusters by average linkage on the similarities |g_ij| (the two clusters
// with the largest mean |g_ij| over their pairs of samples first), and
// returns the cluster of every sample, numbered in order of first appearance.
func linkComponents(g *mat.SymDense, comp []int, numComp, k int) []int {
	// sum[a][b]: Σ |g_ij| over the pairs of samples of clusters a and b.
	sum := make([][]float64, numComp)
	for a := range sum {
		sum[a] = make([]float64, numComp)
	}
	size := make([]float64, numComp)
	for i, a := range comp {
		size[a]++
		for j := i + 1; j < len(comp); j++ {
			if b := comp[j]; a != b {
				v := math.Abs(g.At(i, j))
				sum[a][b] += v
				sum[b][a] += v
			}
		}
	}
	group := make([]int, numComp) // the cluster a component belongs to
	for a := range group {
		group[a] = a
	}
	for left := numComp; left > k; left-- {
		ba, bb, best := -1, -1, -1.0
		for a := range numComp {
			for b := a + 1; b < numComp; b++ {
				if size[a] > 0 && size[b] > 0 {
					if v := sum[a][b] / (size[a] * size[b]); v > best {
						ba, bb, best = a, b, v
					}
				}
			}
		}
		for c := range numComp {
			sum[ba][c] += sum[bb][c]
			sum[c][ba] = sum[ba][c]
			if group[c] == bb {
				group[c] = ba
			}
		}
		sum[ba][ba], size[ba], size[bb] = 0, size[ba]+size[bb], 0
	}
	number := map[int]int{}
	labels := make([]int, len(comp))
	for i, c := range comp {
		l, ok := number[group[c]]
		if !ok {
			l = len(number)
			number[group[c]] = l
		}
		labels[i] = l
	}
	return labels
}

// components returns the connected component of every vertex of the graph
// with adjacency a, and the size of every component.
func components(a *mat.SymDense) (comp, size []int) {
	n := a.SymmetricDim()
	comp = make([]int, n)
	for i := range comp {
		comp[i] = -1
	}
	var stack []int
	for s := range n {
		if comp[s] >= 0 {
			continue
		}
		c := len(size)
		size = append(size, 0)
		comp[s] = c
		stack = append(stack[:0], s)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size[c]++
			for j := range n {
				if a.At(v, j) != 0 && comp[j] < 0 {
					comp[j] = c
					stack = append(stack, j)
				}
			}
		}
	}
	return comp, size
}

// kmeans clusters the rows of y into k clusters by Lloyd's algorithm from a
// k-means++ seeding; an emptied cluster takes the point farthest from its
// centre. It returns the labels and the inertia Σ_i ‖y_i − c_{l_i}‖².
func kmeans(y *mat.Dense, k int, rng *rand.Rand) ([]int, float64) {
	nPts, dim := y.Dims()
	dist2 := func(a, b []float64) float64 {
		s := 0.0
		for j := range a {
			t := a[j] - b[j]
			s += t * t
		}
		return s
	}
	// k-means++ seeding.
	centres := make([][]float64, 0, k)
	centres = append(centres, append([]float64(nil), y.RawRowView(rng.IntN(nPts))...))
	dmin := make([]float64, nPts)
	for len(centres) < k {
		total := 0.0
		for i := range nPts {
			dmin[i] = math.Inf(1)
			for _, c := range centres {
				dmin[i] = math.Min(dmin[i], dist2(y.RawRowView(i), c))
			}
			total += dmin[i]
		}
		pick := rng.IntN(nPts)
		if total > 0 {
			u := rng.Float64() * total
			for i := range nPts {
				u -= dmin[i]
				if u < 0 {
					pick = i
					break
				}
			}
		}
		centres = append(centres, append([]float64(nil), y.RawRowView(pick)...))
	}
	labels := make([]int, nPts)
	for i := range labels {
		labels[i] = -1
	}
	inertia := 0.0
	for range 100 {
		changed := false
		inertia = 0
		for i := range nPts {
			best, bd := 0, math.Inf(1)
			for c, cen := range centres {
				if d := dist2(y.RawRowView(i), cen); d < bd {
					best, bd = c, d
				}
			}
			if labels[i] != best {
				labels[i], changed = best, true
			}
			inertia += bd
		}
		if !changed {
			break
		}
		counts := make([]int, k)
		for c := range centres {
			clear(centres[c])
		}
		for i, l := range labels {
			counts[l]++
			for j, v := range y.RawRowView(i) {
				centres[l][j] += v
			}
		}
		for c := range centres {
			if counts[c] > 0 {
				for j := range dim {
					centres[c][j] /= float64(counts[c])
				}
			}
		}
		for c := range centres {
			if counts[c] > 0 {
				continue
			}
			// Re-seed an empty cluster at the point farthest from its centre
			// (taken from a cluster that keeps at least one point).
			far, fd := -1, -1.0
			for i, l := range labels {
				if d := dist2(y.RawRowView(i), centres[l]); counts[l] > 1 && d > fd {
					far, fd = i, d
				}
			}
			if far < 0 {
				continue
			}
			copy(centres[c], y.RawRowView(far))
			counts[labels[far]]--
			counts[c]++
			labels[far] = c
		}
	}
	return labels, inertia
}
