package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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

// TestPosteriorTinySigma: the reported failures. On the line span{e₁} the
// exact score of x = e₁ is −x/(1+σ²) at every σ; the old command printed
// −1.0000889 at σ = 1e-6, 0 at σ ≤ 1e-8 and NaN errors further down. A line
// given by a rounded basis ((1, 1, 0)/√2 to 16 digits) spans exactly the
// points (t, t, 0), which must get the same answer.
func TestPosteriorTinySigma(t *testing.T) {
	for _, c := range []struct {
		basis, point string
		x            []float64
	}{
		{"[[1,0,0]]", "[1,0,0]", []float64{1, 0, 0}},
		{"[[0.7071067811865476,0.7071067811865476,0]]", "[1,1,0]", []float64{1, 1, 0}},
		{"[[0.7071067811865476,0.7071067811865476,0]]", "[-3e-200,-3e-200,0]", []float64{-3e-200, -3e-200, 0}},
	} {
		for _, sg := range []float64{1, 1e-6, 1e-7, 1e-8, 1e-10, 1e-100, 1e-155, 1e-300, 5e-324} {
			in := fmt.Sprintf(`{"bases":[%s],"sigma":%g,"points":[%s]}`, c.basis, sg, c.point)
			var out bytes.Buffer
			if err := runPosterior(nil, strings.NewReader(in), &out, io.Discard); err != nil {
				if strings.Contains(err.Error(), "below the smallest normal") && c.x[0] == -3e-200 {
					continue // the score −x is fine, but the input itself may not be
				}
				t.Errorf("%s: %v", in, err)
				continue
			}
			var ans posteriorAnswer
			if err := json.Unmarshal(out.Bytes(), &ans); err != nil {
				t.Fatal(err)
			}
			for j, v := range c.x {
				want := -v / (1 + sg*sg)
				if d := math.Abs(ans.Score[0][j] - want); d > 1e-10*math.Abs(c.x[0]) {
					t.Errorf("%s: score %v, want %v (−x/(1+σ²))", in, ans.Score[0], want)
					break
				}
				if d := math.Abs(ans.PosteriorMean[0][j] + want); d > 1e-10*math.Abs(c.x[0]) {
					t.Errorf("%s: posterior_mean %v, want x/(1+σ²)", in, ans.PosteriorMean[0])
					break
				}
			}
		}
	}
}

// TestPosteriorOutOfRange: finite inputs whose exact answer is not a finite
// float64 give an error naming the point and the parameter to change; finite
// inputs whose answer is representable give it (|x| = 1e300 used to overflow
// ‖x‖²).
func TestPosteriorOutOfRange(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`{"bases":[[[1,0,0]]],"sigma":1,"s":1e-200,"points":[[1,0,0]]}`, []string{`"points"[0]`, "score", "1e+400", `larger "s" (now 1e-200)`, `"sigma" (now 1)`}},
		{`{"bases":[[[1,0,0]]],"sigma":1e-155,"points":[[0,0,0],[0,1,0]]}`, []string{`"points"[1]`, "score", "1e+310", "beyond the largest float64"}},
		{`{"bases":[[[1,0,0]]],"sigma":1,"s":1e-310,"points":[[1,0,0]]}`, []string{`"points"[0]`, "posterior mean", `"s" (now 1e-310)`}},
		{`{"bases":[[[1,0,0]]],"sigma":1,"s":1e200,"points":[[1,0,0]]}`, []string{`"points"[0]`, "score", "1e-400", "below the smallest normal", `smaller "s" (now 1e+200)`}},
		{`{"bases":[[[1,0,0]]],"sigma":1e400,"points":[[1,0,0]]}`, []string{"sigma", "1e400"}},
	} {
		var out bytes.Buffer
		err := runPosterior(nil, strings.NewReader(c.in), &out, io.Discard)
		if err == nil {
			t.Errorf("%s: no error, output %s", c.in, out.String())
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.in, err, w)
			}
		}
		if out.Len() != 0 {
			t.Errorf("%s: output %q despite the error", c.in, out.String())
		}
	}
	var out bytes.Buffer
	in := `{"bases":[[[1,0,0]],[[0,1,0]]],"sigma":1,"points":[[1e300,0,0],[3e200,1e200,-1e-300]]}`
	if err := runPosterior(nil, strings.NewReader(in), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var ans posteriorAnswer
	if err := json.Unmarshal(out.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	// Row 0 is on the line (w = 1): score −x/2. Row 1: w_line = 1 (φ‖a‖² gap 4e400).
	if ans.Score[0][0] != -5e299 || ans.Weights[1][0] != 1 || math.Abs(ans.Score[1][1]+1e200)/1e200 > 1e-15 {
		t.Errorf("|x| ~ 1e300: %s", out.String())
	}
}

// TestPosteriorSizeLimits: sizes read from the input are checked before the
// memory they imply is allocated.
func TestPosteriorSizeLimits(t *testing.T) {
	if err := checkPosteriorMemory(1e12, 48, nil); err == nil || !strings.Contains(err.Error(), `"points" (1000000000000 points of length n = 48`) {
		t.Errorf("10¹² points: error %v, want one naming \"points\"", err)
	}
	if err := checkPosteriorMemory(1000, 48, nil); err != nil {
		t.Errorf("1000 points refused: %v", err)
	}
	long := "[" + strings.Repeat("0,", maxPosteriorN) + "1]"
	in := `{"bases":[[` + long + `]],"sigma":1,"points":[` + long + `]}`
	if _, err := posteriorJSON(strings.NewReader(in), false); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("n = %d, the limit is n ≤ %d", maxPosteriorN+1, maxPosteriorN)) {
		t.Errorf("n = %d: error %v", maxPosteriorN+1, err)
	}
	// An input larger than the limit stops the decoder with a clear error.
	r := &limitedReader{r: strings.NewReader(`{"bases":[[[1,0,0]]],"sigma":1,"points":[[1,2,3],[4,5,6]]}`), left: 30, limit: 30}
	if _, err := readPosteriorProblem(r); err == nil || !strings.Contains(err.Error(), "larger than 30 B") {
		t.Errorf("input over the limit: error %v", err)
	}
	r = &limitedReader{r: strings.NewReader(`{"sigma":1} {}`), left: 11, limit: 11}
	if _, err := readPosteriorProblem(r); err == nil || !strings.Contains(err.Error(), "data after the object") {
		t.Errorf("trailing data beyond the limit: error %v", err)
	}
	if l := posteriorInputLimit(); l <= 0 || l > 1<<30 {
		t.Errorf("input limit %d", l)
	}
}

// FuzzPosterior feeds arbitrary bytes to what molrg posterior runs: never a
// panic; either an error or JSON whose numbers are all finite, with one row
// per point, weights in [0, 1] summing to 1.
func FuzzPosterior(f *testing.F) {
	for _, s := range []string{
		posteriorProblemJSON,
		`{"bases":[[[1,0,0]]],"sigma":1e-8,"points":[[1,0,0]]}`,
		`{"bases":[[[1,0,0]]],"sigma":1e-300,"points":[[1,0,0],[0,1,0]]}`,
		`{"bases":[[[1,0,0]]],"sigma":1,"s":1e-200,"points":[[1,0,0]]}`,
		`{"bases":[[[0.7071067811865476,0.7071067811865476,0]]],"sigma":1e-10,"points":[[1,1,0]]}`,
		`{"bases":[[[1,0,0]],[[0,1,0],[0,0,1]]],"pi":[0.3,0.7],"sigma":5e-324,"s":1e300,"points":[[1e308,-1e308,5e-324]]}`,
		`{"bases":[[[0.6,0.8]],[[0.8,-0.6]]],"sigma":1e-160,"points":[[0.6,0.8],[1,1],[0,0]]}`,
		`{"bases":[[[1]]],"sigma":1,"points":[[1e-320]]}`,
		`{"bases":[[[1,0],[0,1]]],"sigma":1e300,"s":1e-300,"points":[[1,2]]}`,
		`{"bases": [[[1,0]]], "sigma": 1, "points": [[1,2]], "mu": 3}`,
		`[1, 2]`, ``, `{`, `{"bases":[[[]]],"sigma":1,"points":[[]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := posteriorJSON(bytes.NewReader(data), false)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		var p posteriorProblem
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("accepted input that does not decode: %v", err)
		}
		var ans posteriorAnswer
		if err := json.Unmarshal(out, &ans); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		if len(ans.Score) != len(p.Points) || len(ans.PosteriorMean) != len(p.Points) || len(ans.Weights) != len(p.Points) {
			t.Fatalf("%d points, output rows %d, %d, %d", len(p.Points), len(ans.PosteriorMean), len(ans.Score), len(ans.Weights))
		}
		for i := range p.Points {
			sum := 0.0
			for _, w := range ans.Weights[i] {
				if !(w >= 0 && w <= 1) {
					t.Fatalf("weight %v", w)
				}
				sum += w
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Fatalf("weights %v sum to %v", ans.Weights[i], sum)
			}
			for _, row := range [][]float64{ans.Score[i], ans.PosteriorMean[i]} {
				if len(row) != len(p.Points[i]) {
					t.Fatalf("row of length %d for a point of length %d", len(row), len(p.Points[i]))
				}
				for _, v := range row {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("non-finite %v", v)
					}
				}
			}
		}
	})
}
