package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// CopyThreshold is the similarity above which a generated image counts as a
// copy of a training image in the image GL score (Figure 5b).
const CopyThreshold = 0.6

// Descriptor maps an image (one row, flattened) to a feature vector, e.g. a
// copy-detection embedding (SSCD in the paper). It must not modify its input.
// The metrics L2-normalize its output.
type Descriptor func(x []float64) []float64

// Identity is the default Descriptor: the raw pixels, so that the similarity
// is the cosine of the angle between images.
func Identity(x []float64) []float64 { return x }

// MaxSimilarity returns, for every generated row x̂_j, max_i ⟨f(x̂_j), f(x⁽ⁱ⁾)⟩
// over the training rows x⁽ⁱ⁾, with f = desc followed by L2 normalization
// (desc nil means Identity). A descriptor of norm 0 has similarity 0 to
// everything.
func MaxSimilarity(generated, train *mat.Dense, desc Descriptor) ([]float64, error) {
	if desc == nil {
		desc = Identity
	}
	if err := checkData("generated set", generated); err != nil {
		return nil, err
	}
	if err := checkData("training set", train); err != nil {
		return nil, err
	}
	_, n1 := generated.Dims()
	if _, n2 := train.Dims(); n1 != n2 {
		return nil, fmt.Errorf("metrics: generated images have n = %d values but training images have %d, want the same dimension", n1, n2)
	}
	fg, err := describe("generated set", generated, desc, -1)
	if err != nil {
		return nil, err
	}
	_, dim := fg.Dims()
	ft, err := describe("training set", train, desc, dim)
	if err != nil {
		return nil, err
	}
	var sim mat.Dense
	sim.Mul(fg, ft.T())
	m, _ := sim.Dims()
	out := make([]float64, m)
	for j := range m {
		out[j] = math.Inf(-1)
		for _, v := range sim.RawRowView(j) {
			out[j] = max(out[j], v)
		}
	}
	return out, nil
}

// ImageGL is the generalization score for images (Figure 5b):
//
//	GL = 1 − (1/M) Σ_j 1[max_i ⟨f(x̂_j), f(x⁽ⁱ⁾)⟩ > threshold],
//
// the fraction of the M generated images that are not copies of a training
// image. The paper uses threshold = CopyThreshold = 0.6 with SSCD
// descriptors; desc nil means Identity.
func ImageGL(generated, train *mat.Dense, desc Descriptor, threshold float64) (float64, error) {
	if math.IsNaN(threshold) || threshold < -1 || threshold > 1 {
		return math.NaN(), fmt.Errorf("metrics: similarity threshold = %v, want −1 ≤ threshold ≤ 1 (the paper uses 0.6)", threshold)
	}
	sims, err := MaxSimilarity(generated, train, desc)
	if err != nil {
		return math.NaN(), err
	}
	copies := 0
	for _, s := range sims {
		if s > threshold {
			copies++
		}
	}
	return 1 - float64(copies)/float64(len(sims)), nil
}

// describe applies desc to every row and L2-normalizes the results; dim ≥ 0
// is the descriptor length the rows must have.
func describe(name string, x *mat.Dense, desc Descriptor, dim int) (*mat.Dense, error) {
	r, c := x.Dims()
	var out *mat.Dense
	row := make([]float64, c)
	for i := range r {
		copy(row, x.RawRowView(i))
		f := desc(row)
		if i == 0 && dim < 0 {
			dim = len(f)
		}
		if len(f) == 0 || len(f) != dim {
			return nil, fmt.Errorf("metrics: descriptor of %s row %d has length %d, want %d ≥ 1 for every image", name, i, len(f), max(dim, 1))
		}
		if out == nil {
			out = mat.NewDense(r, dim, nil)
		}
		nrm := math.Sqrt(dot(f, f))
		if math.IsNaN(nrm) || math.IsInf(nrm, 0) {
			return nil, fmt.Errorf("metrics: descriptor of %s row %d is not finite, want finite features", name, i)
		}
		dst := out.RawRowView(i)
		if nrm > 0 {
			for k, v := range f {
				dst[k] = v / nrm
			}
		}
	}
	return out, nil
}
