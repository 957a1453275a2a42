package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A line and a plane in ℝ³ given in a rotated frame: the line spans
// (1, 1, 0)/√2, the plane spans (1, −1, 0)/√2 and (0, 0, 1).
const posteriorProblemJSON = `{
  "bases": [[[0.7071067811865476, 0.7071067811865476, 0]],
            [[0.7071067811865476, -0.7071067811865476, 0], [0, 0, 1]]],
  "pi": [0.3, 0.7],
  "s": 0.8,
  "sigma": 0.6,
  "points": [[1.5, 1.2, 0.1], [0.3, -0.9, 1.1], [0, 0, 0]]
}`

func TestPosteriorCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := runPosterior(nil, strings.NewReader(posteriorProblemJSON), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var ans posteriorAnswer
	if err := json.Unmarshal(out.Bytes(), &ans); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	points := [][]float64{{1.5, 1.2, 0.1}, {0.3, -0.9, 1.1}, {0, 0, 0}}
	if len(ans.PosteriorMean) != 3 || len(ans.Score) != 3 || len(ans.Weights) != 3 {
		t.Fatalf("output has %d, %d, %d rows, want 3 each", len(ans.PosteriorMean), len(ans.Score), len(ans.Weights))
	}
	const s, sigma = 0.8, 0.6
	r := 1 / math.Sqrt2
	for i, x := range points {
		// Independent computation in the rotated coordinates: the projections
		// of x onto the line (c₁) and the plane (c₂, c₃), eq. 8.
		c1 := r * (x[0] + x[1])
		c2, c3 := r*(x[0]-x[1]), x[2]
		phi := 1 / (2 * s * s * sigma * sigma * (1 + sigma*sigma))
		l1 := math.Log(0.3) - 0.5*math.Log(1+1/(sigma*sigma)) + phi*c1*c1
		l2 := math.Log(0.7) - math.Log(1+1/(sigma*sigma)) + phi*(c2*c2+c3*c3)
		w1 := 1 / (1 + math.Exp(l2-l1))
		w2 := 1 - w1
		f := 1 / (s * (1 + sigma*sigma))
		pm := []float64{f * (w1*r*c1 + w2*r*c2), f * (w1*r*c1 - w2*r*c2), f * w2 * c3}
		if math.Abs(ans.Weights[i][0]-w1) > 1e-12 || math.Abs(ans.Weights[i][1]-w2) > 1e-12 {
			t.Errorf("point %d: weights %v, want [%g %g]", i, ans.Weights[i], w1, w2)
		}
		for j := range 3 {
			if math.Abs(ans.PosteriorMean[i][j]-pm[j]) > 1e-12 {
				t.Errorf("point %d: posterior_mean %v, want %v", i, ans.PosteriorMean[i], pm)
				break
			}
			// Tweedie (eq. 5): score = (s E[x₀|x_t] − x_t)/(s²σ²).
			want := (s*pm[j] - x[j]) / (s * s * sigma * sigma)
			if math.Abs(ans.Score[i][j]-want) > 1e-12 {
				t.Errorf("point %d: score %v, want (s·E − x)/(s²σ²) component %d = %g", i, ans.Score[i], j, want)
			}
		}
	}
}

// TestPosteriorDefaults: "s" defaults to 1 and "pi" to uniform weights, and
// -in reads a file.
func TestPosteriorDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	in := `{"bases": [[[1, 0]], [[0, 1]]], "sigma": 1, "points": [[1, 1]]}`
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runPosterior([]string{"-in", path, "-indent"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	var ans posteriorAnswer
	if err := json.Unmarshal(out.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	// Symmetric point, equal π: w = ½ each; E = ½·(1, 1)/(1·2).
	if w := ans.Weights[0]; math.Abs(w[0]-0.5) > 1e-15 || math.Abs(w[1]-0.5) > 1e-15 {
		t.Errorf("weights %v, want [0.5 0.5]", w)
	}
	if pm := ans.PosteriorMean[0]; math.Abs(pm[0]-0.25) > 1e-15 || math.Abs(pm[1]-0.25) > 1e-15 {
		t.Errorf("posterior_mean %v, want [0.25 0.25]", pm)
	}
}

func TestPosteriorHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := runPosterior([]string{"--help"}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{`"bases"`, `"pi"`, `"sigma"`, `"points"`, "posterior_mean", "orthonormal", "-indent"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("--help does not mention %s:\n%s", want, errOut.String())
		}
	}
}

func TestPosteriorMalformed(t *testing.T) {
	const line, plane = `[[1,0,0]]`, `[[0,1,0],[0,0,1]]`
	ok := func(field, value string) string { // a valid problem with one field replaced
		f := map[string]string{"bases": "[" + line + "," + plane + "]", "pi": "[0.3,0.7]", "s": "1", "sigma": "0.5", "points": "[[1,2,3]]"}
		f[field] = value
		var b strings.Builder
		b.WriteString("{")
		first := true
		for _, k := range []string{"bases", "pi", "s", "sigma", "points"} {
			if f[k] == "" {
				continue
			}
			if !first {
				b.WriteString(",")
			}
			first = false
			b.WriteString(`"` + k + `":` + f[k])
		}
		b.WriteString("}")
		return b.String()
	}
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty input", "", "empty input"},
		{"syntax error", `{"bases": [[[1,0]]`, "problem JSON"},
		{"not an object", `[1, 2]`, "problem JSON"},
		{"trailing data", ok("s", "1") + ` {}`, "data after the object"},
		{"unknown field", `{"bases": [[[1]]], "sigma": 1, "points": [[1]], "mu": 3}`, `"mu"`},
		{"string for number", ok("sigma", `"0.5"`), "sigma"},
		{"NaN literal", ok("sigma", "NaN"), "problem JSON"},
		{"bases missing", ok("bases", ""), `"bases" is missing`},
		{"bases empty", ok("bases", "[]"), `"bases" is missing or empty`},
		{"component without columns", ok("bases", "["+line+",[]]"), `"bases"[1] has no column vector`},
		{"first column empty", ok("bases", "[[[]]]"), `"bases"[0]`},
		{"column length", ok("bases", "["+line+",[[0,1,0],[0,1]]]"), `"bases"[1][1] has length 2, want n = 3`},
		{"d_k > n", ok("bases", "[[[1,0],[0,1],[0,0]]]"), `d_0 = 3 column vectors, want 1 ≤ d_k ≤ n = 2`},
		{"not orthonormal", ok("bases", "["+line+",[[0,1,0],[0,0.5,1]]]"), `"bases"[1]: the column vectors are not orthonormal`},
		{"not unit", ok("bases", "[[[2,0,0]]]"), "not orthonormal"},
		{"pi length", ok("pi", "[1]"), `"pi" has 1 weights, want one per component (K = 2)`},
		{"pi sum", ok("pi", "[0.5,0.4]"), `"pi" sums to 0.9`},
		{"pi negative", ok("pi", "[1.3,-0.3]"), `"pi"[1] = -0.3, want π_k > 0`},
		{"s zero", ok("s", "0"), `"s" = 0, want s_t > 0`},
		{"s negative", ok("s", "-1"), `"s" = -1`},
		{"sigma missing", ok("sigma", ""), `"sigma" is missing`},
		{"sigma zero", ok("sigma", "0"), `"sigma" = 0, want σ_t > 0`},
		{"sigma negative", ok("sigma", "-0.5"), `"sigma" = -0.5`},
		{"points missing", ok("points", ""), `"points" is missing`},
		{"points empty", ok("points", "[]"), `"points" is missing or empty`},
		{"point length", ok("points", "[[1,2,3],[1,2]]"), `"points"[1] has length 2, want n = 3`},
		{"point not numbers", ok("points", `[["a",2,3]]`), "points"},
	} {
		var out, errOut bytes.Buffer
		err := runPosterior(nil, strings.NewReader(c.in), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q (input %s)", c.name, err, c.want, c.in)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote output %q despite the error", c.name, out.String())
		}
	}
	var out bytes.Buffer
	if err := runPosterior([]string{"extra"}, strings.NewReader(ok("s", "1")), &out, &out); err == nil {
		t.Error("a positional argument was accepted")
	}
	if err := runPosterior([]string{"-in", filepath.Join(t.TempDir(), "missing.json")}, strings.NewReader(""), &out, &out); err == nil || !strings.Contains(err.Error(), "-in") {
		t.Errorf("missing -in file: error %v", err)
	}
}
