package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

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
  one row per point (n, n and K numbers).

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
	p, err := readPosteriorProblem(r)
	if err != nil {
		return err
	}
	ans, err := solvePosterior(p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	if *indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(ans)
}

// readPosteriorProblem decodes exactly one JSON object with known fields.
func readPosteriorProblem(r io.Reader) (*posteriorProblem, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p posteriorProblem
	if err := dec.Decode(&p); err != nil {
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
	xt := mat.NewDense(len(p.Points), n, nil)
	for i, x := range p.Points {
		if len(x) != n {
			return nil, fmt.Errorf(`"points"[%d] has length %d, want n = %d (the length of the basis vectors)`, i, len(x), n)
		}
		xt.SetRow(i, x)
	}
	m, err := molrg.FromBases(bases, p.Pi)
	if err != nil {
		return nil, err
	}
	w, err := m.Weights(xt, s, *p.Sigma)
	if err != nil {
		return nil, err
	}
	pm, err := m.PosteriorMean(xt, s, *p.Sigma)
	if err != nil {
		return nil, err
	}
	sc, err := m.Score(xt, s, *p.Sigma)
	if err != nil {
		return nil, err
	}
	return &posteriorAnswer{PosteriorMean: rows(pm), Score: rows(sc), Weights: rows(w)}, nil
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
