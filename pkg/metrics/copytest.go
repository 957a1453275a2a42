package metrics

import (
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/param"
	"gonum.org/v1/gonum/mat"
)

// Copy tests of the image GL score (Figure 5b).
const (
	// CopyRatio is the relative nearest-neighbour test (NearestRatios):
	// a copy when ρ_k < Threshold. It does not drift with N.
	CopyRatio = "ratio"
	// CopyCosine is the paper's test (ImageGL): a copy when the largest
	// cosine similarity of L2-normalized descriptors exceeds Threshold
	// (0.6 with SSCD descriptors in the paper).
	CopyCosine = "cosine"
)

// CopyTest decides which generated images are copies of a training set. The
// descriptor, when set, maps every image first (both methods): the ratio
// test then compares Euclidean distances of descriptors, the cosine test
// their angles. Without one, both work on raw pixels.
type CopyTest struct {
	Method    string  `json:"method"`    // CopyRatio or CopyCosine
	K         int     `json:"k"`         // ratio: neighbours averaged in ρ_k, ≥ 2
	Threshold float64 `json:"threshold"` // ratio: copy if ρ_k < Threshold, in (0, 1]; cosine: copy if max cos > Threshold, in [−1, 1]

	Descriptor     Descriptor `json:"-"`                    // nil: raw pixels
	DescriptorName string     `json:"descriptor,omitempty"` // recorded with results in place of the function
}

// DefaultCopyTest is the relative nearest-neighbour test on raw pixels,
// k = RatioK, τ = RatioThreshold.
func DefaultCopyTest() CopyTest {
	return CopyTest{Method: CopyRatio, K: RatioK, Threshold: RatioThreshold}
}

// CosineCopyTest is the paper's test with a user-supplied descriptor (SSCD
// in the paper; nil: raw pixels) and its threshold 0.6.
func CosineCopyTest(desc Descriptor, name string) CopyTest {
	return CopyTest{Method: CopyCosine, Threshold: CopyThreshold, Descriptor: desc, DescriptorName: name}
}

// Validate checks the test and returns a *param.Error naming the bad field.
func (c CopyTest) Validate() error {
	switch c.Method {
	case CopyRatio:
		if c.K < 2 {
			return param.Errorf("metrics", "K", c.K, "≥ 2 neighbours (ρ₁ is always 1)")
		}
		if !(c.Threshold > 0 && c.Threshold <= 1) {
			return param.Errorf("metrics", "Threshold", c.Threshold, "0 < τ ≤ 1 for the ratio test (default %.3g)", RatioThreshold)
		}
	case CopyCosine:
		if math.IsNaN(c.Threshold) || c.Threshold < -1 || c.Threshold > 1 {
			return param.Errorf("metrics", "Threshold", c.Threshold, "−1 ≤ χ ≤ 1 for the cosine test (the paper: %.2g)", CopyThreshold)
		}
	default:
		return param.Errorf("metrics", "Method", c.Method, "%q or %q", CopyRatio, CopyCosine)
	}
	return nil
}

// MinTrain is the smallest training set the test works with (k for the
// ratio test, 1 for the cosine test).
func (c CopyTest) MinTrain() int {
	if c.Method == CopyRatio {
		return c.K
	}
	return 1
}

// Scores returns every row's statistic against the training rows: ρ_k for
// the ratio test, the largest cosine similarity for the cosine test.
func (c CopyTest) Scores(x, train *mat.Dense) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Method == CopyCosine {
		return MaxSimilarity(x, train, c.Descriptor)
	}
	if c.Descriptor != nil {
		var err error
		if x, err = applyDescriptor("images", x, c.Descriptor); err != nil {
			return nil, err
		}
		if train, err = applyDescriptor("training set", train, c.Descriptor); err != nil {
			return nil, err
		}
	}
	return NearestRatios(x, train, c.K)
}

// IsCopy tells whether a row with statistic s (from Scores) is a copy.
func (c CopyTest) IsCopy(s float64) bool {
	if c.Method == CopyCosine {
		return s > c.Threshold
	}
	return s < c.Threshold
}

// GL is the image GL score of the rows of x: the fraction that are not
// copies of a training row.
func (c CopyTest) GL(x, train *mat.Dense) (float64, error) {
	s, err := c.Scores(x, train)
	if err != nil {
		return math.NaN(), err
	}
	return c.FractionNotCopies(s), nil
}

// FractionNotCopies is 1 − (1/M) Σ_j 1[IsCopy(s_j)] (NaN for no scores).
func (c CopyTest) FractionNotCopies(s []float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	copies := 0
	for _, v := range s {
		if c.IsCopy(v) {
			copies++
		}
	}
	return 1 - float64(copies)/float64(len(s))
}

// applyDescriptor maps every row by desc (not normalized).
func applyDescriptor(name string, x *mat.Dense, desc Descriptor) (*mat.Dense, error) {
	if err := checkData(name, x); err != nil {
		return nil, err
	}
	r, c := x.Dims()
	var out *mat.Dense
	row := make([]float64, c)
	for i := range r {
		copy(row, x.RawRowView(i))
		f := desc(row)
		if out == nil {
			if len(f) == 0 {
				return nil, fmt.Errorf("metrics: descriptor of %s row 0 is empty, want ≥ 1 feature", name)
			}
			out = mat.NewDense(r, len(f), nil)
		}
		if _, d := out.Dims(); len(f) != d {
			return nil, fmt.Errorf("metrics: descriptor of %s row %d has length %d, want %d for every image", name, i, len(f), d)
		}
		out.SetRow(i, f)
	}
	return out, nil
}
