package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/molrg/molrg/pkg/memlimit"
	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register("posterior", "ground-truth posterior mean, score and weights of a MoLRG (eqs. 8, 28), JSON in and out",
		func(args []string) error { return runPosterior(args, os.Stdin, os.Stdout, os.Stderr) })
}

const posteriorFormat = `usage: molrg posterior [flags] < problem.json

Reads a MoLRG and noisy points x_t as JSON and prints the ground truth of
Lemma 1 / Proposition 1 for x_t = s·x₀ + s·σ·ε (eq. 3):

  posterior_mean  E[x₀|x_t] = 1/(s(1+σ²)) Σ_k w⋆_k U_kU_kᵀx_t      (eq. 8)
  score           ∇log p_t(x_t)                                    (eq. 28)
  weights         w⋆_k(x_t), the soft-max weights of eq. 8

Input (one JSON object):
  {
    "bases":  [[[...], ...], ...],  for each component k = 1..K (K ≥ 1) the
                                    list of its d_k ≥ 1 column vectors, each
                                    of length n; the columns of a component
                                    must be orthonormal (to 1e-6), d_k ≤ n
    "pi":     [...],                optional: K mixing weights π_k > 0 with
                                    Σπ_k = 1 (to 1e-9); default 1/K each
    "s":      number,               optional: scale s_t > 0; default 1
    "sigma":  number,               noise level σ_t > 0
    "points": [[...], ...]          the points x_t, at least one, each of length n
  }
Output:
  {"posterior_mean": [[...], ...], "score": [[...], ...], "weights": [[...], ...]}
  one row per point (n, n and K numbers). Every row of posterior_mean and
  score is accurate to relative error 1e-10 (Euclidean norm of the row),
  every weight to 1e-10, at any s and sigma: points within rounding of a
  subspace at tiny sigma are recomputed in multi-precision arithmetic. When
  a result is finite but outside float64 (e.g. the score at s = 1e-200) the
  command fails with an error naming the point and the parameters instead.

Limits: the input may take at most 1/32 of the available memory (and 1 GiB);
the computation and the output at most half of it; n ≤ 100000 and
d_k ≤ 1000.

Example:
  echo '{"bases": [[[1,0,0]], [[0,1,0],[0,0,1]]], "pi": [0.3, 0.7],
         "sigma": 0.5, "points": [[2, 0.1, -0.1]]}' | molrg posterior

Flags:
`

// posteriorProblem is the JSON input of molrg posterior.
type posteriorProblem struct {
	Bases  [][][]float64 `json:"bases"`
	Pi     []float64     `json:"pi"`
	S      *float64      `json:"s"`
	Sigma  *float64      `json:"sigma"`
	Points [][]float64   `json:"points"`
}

// posteriorAnswer is the JSON output of molrg posterior.
type posteriorAnswer struct {
	PosteriorMean [][]float64 `json:"posterior_mean"`
	Score         [][]float64 `json:"score"`
	Weights       [][]float64 `json:"weights"`
}

// runPosterior is molrg posterior: flags in args, the problem from stdin (or
// -in), the answer to stdout, usage to stderr.
func runPosterior(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("posterior", posteriorFormat)
	in := fs.String("in", "-", "problem file (JSON), - for standard input")
	indent := fs.Bool("indent", false, "indent the JSON output")
	if help, err := fs.parse(args, stderr); help || err != nil {
		return err
	}
	r := stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return fmt.Errorf("-in: %w", err)
		}
		defer f.Close()
		r = f
	}
	out, err := posteriorJSON(r, *indent)
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

// posteriorJSON reads a problem and returns the JSON answer (with a final
// newline): what molrg posterior prints.
func posteriorJSON(r io.Reader, indent bool) ([]byte, error) {
	limit := posteriorInputLimit()
	p, err := readPosteriorProblem(&limitedReader{r: r, left: limit, limit: limit})
	if err != nil {
		return nil, err
	}
	ans, err := solvePosterior(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(ans); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Sane limits on the problem's sizes (the paper's experiments have n = 48).
const (
	maxPosteriorN = 100000
	maxPosteriorD = 1000
)

// posteriorInputLimit is the largest problem text accepted: decoding JSON
// numbers into [][]float64 takes up to ≈ 12 bytes per byte of text (a number
// "0," becomes 8 bytes, a point "[0]," 32, plus slice growth and the
// decoder's buffer), so the text may take 1/32 of the available memory, and
// at most 1 GiB.
func posteriorInputLimit() int64 {
	return min(int64(memlimit.Budget()/16), 1<<30)
}

var errInputTooLarge = errors.New("input too large")

// limitedReader returns errInputTooLarge once more than limit bytes are read.
type limitedReader struct {
	r           io.Reader
	left, limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if l.left <= 0 { // at the limit: is there more?
		var b [1]byte
		n, err := l.r.Read(b[:])
		if n > 0 {
			return 0, errInputTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// readPosteriorProblem decodes exactly one JSON object with known fields.
func readPosteriorProblem(r io.Reader) (*posteriorProblem, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p posteriorProblem
	if err := dec.Decode(&p); err != nil {
		if l, ok := r.(*limitedReader); ok && errors.Is(err, errInputTooLarge) {
			a, _ := memlimit.Available()
			return nil, fmt.Errorf("reading the problem: the input is larger than %s, the limit (1/32 of the %s of memory available, at most 1 GiB); split the points into several problems",
				memlimit.Bytes(uint64(l.limit)), memlimit.Bytes(a))
		}
		if errors.Is(err, io.EOF) {
			return nil, errors.New("reading the problem: empty input, want a JSON object (see molrg posterior --help)")
		}
		return nil, fmt.Errorf("reading the problem JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("reading the problem JSON: data after the object, want exactly one JSON object")
	}
	return &p, nil
}

// solvePosterior validates the problem and computes its ground truth.
func solvePosterior(p *posteriorProblem) (*posteriorAnswer, error) {
	bases, n, err := posteriorBases(p.Bases)
	if err != nil {
		return nil, err
	}
	if p.Pi != nil {
		if err := checkPi(p.Pi, len(bases)); err != nil {
			return nil, err
		}
	}
	s := 1.0
	if p.S != nil {
		s = *p.S
	}
	if !(s > 0) {
		return nil, fmt.Errorf(`"s" = %v, want s_t > 0`, s)
	}
	if p.Sigma == nil {
		return nil, errors.New(`"sigma" is missing, want the noise level σ_t > 0`)
	}
	if !(*p.Sigma > 0) {
		return nil, fmt.Errorf(`"sigma" = %v, want σ_t > 0`, *p.Sigma)
	}
	if len(p.Points) == 0 {
		return nil, errors.New(`"points" is missing or empty, want at least one point x_t of length n`)
	}
	for i, x := range p.Points {
		if len(x) != n {
			return nil, fmt.Errorf(`"points"[%d] has length %d, want n = %d (the length of the basis vectors)`, i, len(x), n)
		}
	}
	if err := checkPosteriorMemory(len(p.Points), n, bases); err != nil {
		return nil, err
	}
	xt := mat.NewDense(len(p.Points), n, nil)
	for i, x := range p.Points {
		xt.SetRow(i, x)
	}
	m, err := molrg.FromBases(bases, p.Pi)
	if err != nil {
		return nil, err
	}
	post, err := m.Posterior(xt, s, *p.Sigma)
	if err != nil {
		return nil, posteriorError(err, s, *p.Sigma)
	}
	return &posteriorAnswer{PosteriorMean: rows(post.Mean), Score: rows(post.Score), Weights: rows(post.Weights)}, nil
}

// checkPosteriorMemory refuses a problem whose computation and output would
// take more than half the available memory: the points, the three outputs
// (as matrices and as rows), the JSON text of the answer (≤ 26 bytes a
// number, doubled by buffer growth) and, per component, the basis, its
// orthonormalisation and Gram matrices.
func checkPosteriorMemory(points, n int, bases []*mat.Dense) error {
	k := uint64(len(bases))
	np, nn := uint64(points), uint64(n)
	perPoint := 8*(3*nn+k)*2 + 3*24 + 2*26*(2*nn+k)
	need := np * perPoint
	dims := make([]int, len(bases))
	for i, u := range bases {
		_, dims[i] = u.Dims()
	}
	basesNeed := basesBytes(n, dims)
	if err := memlimit.Check(fmt.Sprintf(`"points" (%d points of length n = %d, K = %d components)`, points, n, k), need+basesNeed); err != nil {
		if basesNeed > need {
			return memlimit.Check(fmt.Sprintf(`"bases" (n = %d, K = %d)`, n, k), need+basesNeed)
		}
		return fmt.Errorf("%w; split the points into several problems", err)
	}
	return nil
}

// basesBytes bounds the memory the bases take once decoded: per component
// the n×d_k matrix, its copy in the model, the orthonormalisation (three
// n×d_k and four d_k×d_k matrices) and the Gram check.
func basesBytes(n int, dims []int) uint64 {
	total := uint64(0)
	for _, d := range dims {
		nd, dd := uint64(n)*uint64(d), uint64(d)*uint64(d)
		total += 8 * (6*nd + 5*dd)
	}
	return total
}

// posteriorError restates the errors of the computation with the names of
// the JSON fields.
func posteriorError(err error, s, sigma float64) error {
	var re *molrg.RangeError
	if errors.As(err, &re) {
		grow, param := "grows", "a larger"
		if !re.Overflow() {
			grow, param = "shrinks", "a smaller"
		}
		limit := "beyond the largest float64 (1.8e308)"
		if !re.Overflow() {
			limit = fmt.Sprintf("below the smallest normal float64 (2.2e-308), too small to print to relative accuracy %g", molrg.Tolerance)
		}
		what := fmt.Sprintf(`|x|/s: use %s "s" (now %g)`, param, re.S)
		switch re.Quantity {
		case "score":
			what = fmt.Sprintf(`|x|/(s²σ²) off the subspaces and |x|/(s²(1+σ²)) on them: use %s "s" (now %g) or "sigma" (now %g)`, param, re.S, re.Sigma)
		case "log density":
			what = fmt.Sprintf(`|x|²/(s²σ²): use %s "s" (now %g) or "sigma" (now %g)`, param, re.S, re.Sigma)
		}
		return fmt.Errorf(`"points"[%d]: the %s would be ≈ 1e%+.0f, %s; it %s like %s`, re.Row, re.Quantity, re.Log10, limit, grow, what)
	}
	var ae *molrg.AccuracyError
	if errors.As(err, &ae) {
		return fmt.Errorf(`"points"[%d]: the %s cannot be computed to accuracy %g at "s" = %g, "sigma" = %g: %s`, ae.Row, ae.Quantity, molrg.Tolerance, s, sigma, ae.Reason)
	}
	return err
}

// posteriorBases turns the column lists of "bases" into n×d_k matrices,
// checking shapes and orthonormality.
func posteriorBases(in [][][]float64) ([]*mat.Dense, int, error) {
	if len(in) == 0 {
		return nil, 0, errors.New(`"bases" is missing or empty, want one list of column vectors per component (K ≥ 1)`)
	}
	if len(in[0]) == 0 || len(in[0][0]) == 0 {
		return nil, 0, errors.New(`"bases"[0] has no column vector or an empty one, want 1 ≤ d_k ≤ n columns of length n ≥ 1`)
	}
	n := len(in[0][0])
	if n > maxPosteriorN {
		return nil, 0, fmt.Errorf(`"bases"[0][0] has length n = %d, the limit is n ≤ %d`, n, maxPosteriorN)
	}
	dims := make([]int, len(in))
	for k, cols := range in {
		if len(cols) > maxPosteriorD {
			return nil, 0, fmt.Errorf(`"bases"[%d] has d_%d = %d column vectors, the limit is d_k ≤ %d`, k, k, len(cols), maxPosteriorD)
		}
		dims[k] = len(cols)
	}
	if err := memlimit.Check(fmt.Sprintf(`"bases" (K = %d, n = %d)`, len(in), n), basesBytes(n, dims)); err != nil {
		return nil, 0, err
	}
	bases := make([]*mat.Dense, len(in))
	for k, cols := range in {
		if len(cols) == 0 {
			return nil, 0, fmt.Errorf(`"bases"[%d] has no column vector, want 1 ≤ d_k ≤ n = %d`, k, n)
		}
		if len(cols) > n {
			return nil, 0, fmt.Errorf(`"bases"[%d] has d_%d = %d column vectors, want 1 ≤ d_k ≤ n = %d`, k, k, len(cols), n)
		}
		u := mat.NewDense(n, len(cols), nil)
		for j, c := range cols {
			if len(c) != n {
				return nil, 0, fmt.Errorf(`"bases"[%d][%d] has length %d, want n = %d (every column vector has the same length)`, k, j, len(c), n)
			}
			u.SetCol(j, c)
		}
		var g mat.Dense
		g.Mul(u.T(), u)
		e := 0.0
		for i := range len(cols) {
			g.Set(i, i, g.At(i, i)-1)
			for j := range len(cols) {
				e = math.Max(e, math.Abs(g.At(i, j)))
			}
		}
		if e > molrg.OrthonormalTol {
			return nil, 0, fmt.Errorf(`"bases"[%d]: the column vectors are not orthonormal (max |U_kᵀU_k − I| = %.3g), want orthonormal to %g`, k, e, molrg.OrthonormalTol)
		}
		bases[k] = u
	}
	return bases, n, nil
}

// checkPi validates "pi": K weights π_k > 0 with Σπ_k = 1.
func checkPi(pi []float64, k int) error {
	if len(pi) != k {
		return fmt.Errorf(`"pi" has %d weights, want one per component (K = %d)`, len(pi), k)
	}
	sum := 0.0
	for i, v := range pi {
		if !(v > 0) {
			return fmt.Errorf(`"pi"[%d] = %v, want π_k > 0`, i, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		return fmt.Errorf(`"pi" sums to %v, want Σπ_k = 1 (to 1e-9)`, sum)
	}
	return nil
}

func rows(x *mat.Dense) [][]float64 {
	r, _ := x.Dims()
	out := make([][]float64, r)
	for i := range r {
		out[i] = append([]float64(nil), x.RawRowView(i)...)
	}
	return out
}
