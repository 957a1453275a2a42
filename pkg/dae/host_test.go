package dae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/diffusion"
	"github.com/molrg/molrg/pkg/molrg"
	"gonum.org/v1/gonum/mat"
)

// hostCase is a configuration the host kernel is checked on: unequal d_k,
// unequal π, s ≠ 1 and λ ≠ 1, n and B not multiples of the vector width.
type hostCase struct {
	name string
	cfg  Config
	n    int
	nks  []int // N per instance
}

func hostCases() []hostCase {
	levels := []diffusion.Level{{S: 0.9, Sigma: 0.1, Lambda: 2}, {S: 0.7, Sigma: 0.3, Lambda: 0.5}, {S: 1, Sigma: 0.05, Lambda: 1}}
	soft := testConfig(ParamSoftMax, 2, 3)
	soft.Pi, soft.Levels, soft.BatchSize = []float64{0.3, 0.7}, levels, 5
	hard := testConfig(ParamHardMax, 2, 2)
	hard.Levels, hard.BatchSize = levels, 7
	single := testConfig(ParamSingleGaussian, 4)
	single.BatchSize = 16
	soft3 := testConfig(ParamSoftMax, 12, 12, 12)
	return []hostCase{
		{"soft-max", soft, 13, []int{3, 8, 1}},
		{"hard-max", hard, 17, []int{4, 9}},
		{"single", single, 20, []int{2, 11}},
		{"soft-max K=3 d=12 n=48", soft3, 48, []int{36, 13}},
	}
}

// hostProblem draws instances with N rows each and bases near orthonormal
// ones (perturbed, so that orthonormality is not assumed), as [runs, n, d_k]
// per component.
func hostProblem(c hostCase, rng *rand.Rand) ([][]float32, [][]float32, []uint64) {
	var data [][]float32
	var keys []uint64
	for i, rows := range c.nks {
		x := make([]float32, rows*c.n)
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		data = append(data, x)
		keys = append(keys, InstanceKey(5, uint64(i)))
	}
	init := make([][]float32, len(c.cfg.Dims))
	for k, d := range c.cfg.Dims {
		for range c.nks {
			u := randomBasis(c.n, d, rng)
			for a := range c.n {
				for j := range d {
					init[k] = append(init[k], float32(u.At(a, j)+0.1*rng.NormFloat64()))
				}
			}
		}
	}
	return data, init, keys
}

// TestHostGradientMatchesAutodiff: the closed-form gradient of the host
// kernel equals GoMLX's automatic differentiation of the loss (6) on the
// graph's own minibatch draws, to float32 rounding.
func TestHostGradientMatchesAutodiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range hostCases() {
		cfg := c.cfg
		data, init, keys := hostProblem(c, rng)
		const step = 11
		// Graph: padded data, the minibatch of sgdStep, the loss and its gradient.
		numK, numI := len(cfg.Dims), len(c.nks)
		nMax := 0
		for _, r := range c.nks {
			nMax = max(nMax, r)
		}
		flat := make([]float32, numI*nMax*c.n)
		counts := make([]int32, numI)
		for i, d := range data {
			copy(flat[i*nMax*c.n:], d)
			counts[i] = int32(c.nks[i])
		}
		var levels []float32
		for _, l := range cfg.levels() {
			levels = append(levels, float32(l.S), float32(l.Sigma), float32(l.Lambda))
		}
		args := []any{}
		for k, d := range cfg.Dims {
			args = append(args, tensors.FromFlatDataAndDimensions(init[k], numI, c.n, d))
		}
		args = append(args, tensors.FromFlatDataAndDimensions(flat, numI, nMax, c.n), counts, keys,
			tensors.FromFlatDataAndDimensions(levels, len(levels)/3, 3), uint64(step))
		dae := cfg.Parameterization.DAE(cfg.Pi)
		exec, err := NewExec(testBackend(), func(inputs []*Node) []*Node {
			us := inputs[:numK]
			in := stepInputs{data: inputs[numK], counts: inputs[numK+1], keys: inputs[numK+2], levels: inputs[numK+3]}
			x0, eps, s, sigma, lambda := minibatch(&cfg, in, inputs[numK+4])
			loss := Loss(dae, us, x0, eps, s, sigma, lambda)
			return append(Gradient(ReduceAllSum(loss), us...), loss)
		})
		if err != nil {
			t.Fatal(err)
		}
		outs, err := exec.Call(args...)
		if err != nil {
			t.Fatal(err)
		}
		wantLoss := tensors.MustCopyFlatData[float32](outs[numK])
		// Host.
		h := newHostShape(&cfg, c.n)
		w := newHostWork(h)
		for i := range numI {
			ut := make([]float32, h.dsum*h.np)
			x := make([]float32, c.nks[i]*h.np)
			for a := range c.nks[i] {
				copy(x[a*h.np:], data[i][a*c.n:(a+1)*c.n])
			}
			for k, d := range cfg.Dims {
				for a := range c.n {
					for j := range d {
						ut[(h.off[k]+j)*h.np+a] = init[k][(i*c.n+a)*d+j]
					}
				}
			}
			loss := h.gradient(w, ut, x, c.nks[i], keys[i], step)
			if e := math.Abs(float64(loss - wantLoss[i])); e > 1e-5*(1+math.Abs(float64(wantLoss[i]))) {
				t.Errorf("%s instance %d: loss %v, graph %v", c.name, i, loss, wantLoss[i])
			}
			for k, d := range cfg.Dims {
				want := tensors.MustCopyFlatData[float32](outs[k])[i*c.n*d : (i+1)*c.n*d]
				scale, diff := 0.0, 0.0
				for a := range c.n {
					for j := range d {
						g := float64(w.grad[(h.off[k]+j)*h.np+a])
						scale = math.Max(scale, math.Abs(float64(want[a*d+j])))
						diff = math.Max(diff, math.Abs(g-float64(want[a*d+j])))
					}
				}
				t.Logf("%s instance %d U_%d: max |∇ autodiff| %.3g, max |host − autodiff| %.2g", c.name, i, k, scale, diff)
				if !(diff <= 2e-5*scale) || scale == 0 {
					t.Errorf("%s instance %d U_%d: gradients differ by %.3g (scale %.3g)", c.name, i, k, diff, scale)
				}
			}
		}
	}
}

// TestHostPolarMatchesPolar: the host Newton–Schulz projection equals Polar's
// graph on random matrices, near-orthonormal and ill-conditioned ones.
func TestHostPolarMatchesPolar(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range []struct{ n, d int }{{48, 6}, {13, 5}, {48, 12}, {20, 1}, {40, 17}} {
		for _, kind := range []string{"gaussian", "near", "illcond"} {
			y := gaussian(sz.n, sz.d, rng)
			switch kind {
			case "near":
				y = randomBasis(sz.n, sz.d, rng)
				y.Apply(func(_, _ int, v float64) float64 { return v + 0.05*rng.NormFloat64() }, y)
			case "illcond":
				for j := range sz.d {
					for a := range sz.n {
						y.Set(a, j, y.At(a, j)*math.Pow(0.3, float64(j)))
					}
				}
			}
			out, err := ExecOnce(testBackend(), func(y *Node) *Node { return Polar(y, DefaultPolarIterations) }, toF32([]*mat.Dense{y}, sz.n, sz.d))
			if err != nil {
				t.Fatal(err)
			}
			want := fromF32(out)[0]
			np, dp := padded(sz.n), padded(sz.d)
			yt := make([]float32, sz.d*np)
			for a := range sz.n {
				for j := range sz.d {
					yt[j*np+a] = float32(y.At(a, j))
				}
			}
			w := newPolarWork(&hostShape{np: np, dp: dp})
			w.project(yt, sz.d, np, dp, DefaultPolarIterations)
			diff := 0.0
			for a := range sz.n {
				for j := range sz.d {
					diff = math.Max(diff, math.Abs(float64(yt[j*np+a])-want.At(a, j)))
				}
			}
			t.Logf("%s %dx%d: max |host − graph| = %.2g", kind, sz.n, sz.d, diff)
			if diff > 2e-5 {
				t.Errorf("%s %dx%d: host and graph Polar differ by %.3g", kind, sz.n, sz.d, diff)
			}
		}
	}
}

// TestHostNormalsMatchGraph: the host's ε equals randomNormal's to float32
// rounding, for even and odd n, and the vector and portable versions agree.
func TestHostNormalsMatchGraph(t *testing.T) {
	keys := []uint64{InstanceKey(1, 2), InstanceKey(3, 4)}
	for _, n := range []int{7, 48} {
		const rows, step, stream = 9, 1234567, 2
		out, err := ExecOnce(testBackend(), func(k, s *Node) *Node {
			return randomNormal(k, s, stream, rows, n)
		}, keys, uint64(step))
		if err != nil {
			t.Fatal(err)
		}
		want := tensors.MustCopyFlatData[float32](out)
		h := (n + 1) / 2
		for i, key := range keys {
			eps := make([]float32, rows*n)
			rc, rs := make([]float32, rows*h), make([]float32, rows*h)
			fillNormals(eps, n, rows, n, key, step, stream, rc, rs)
			gc, gs := make([]float32, rows*h), make([]float32, rows*h)
			normalsGo(gc, gs, key, step, stream)
			diff, vecDiff := 0.0, 0.0
			for p := range rc {
				vecDiff = math.Max(vecDiff, math.Max(math.Abs(float64(rc[p]-gc[p])), math.Abs(float64(rs[p]-gs[p]))))
			}
			for j, v := range eps {
				diff = math.Max(diff, math.Abs(float64(v-want[i*rows*n+j])))
			}
			t.Logf("n=%d key %d: max |host − graph| = %.2g, max |vector − portable| = %.2g", n, i, diff, vecDiff)
			if diff > 2e-6 || vecDiff > 1e-6 {
				t.Errorf("n=%d key %d: normals differ from the graph's by %.3g, vector from portable by %.3g", n, i, diff, vecDiff)
			}
		}
	}
}

// TestHostTranscendentals: logUnit and cos2Pi against the math package.
func TestHostTranscendentals(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		u := float32(rng.Uint32()>>8) / (1 << 24)
		x := float64(u) + 0.5/(1<<24)
		if got, want := logUnit(x), math.Log(x); math.Abs(got-want) > 1e-15*(1+math.Abs(want)) {
			t.Fatalf("logUnit(%v) = %v, want %v", x, got, want)
		}
		theta := float64(u * float32(2*math.Pi))
		if got, want := cos2Pi(u), math.Cos(theta); math.Abs(got-want) > 1e-15 {
			t.Fatalf("cos2Pi(%v) = %v, want cos %v = %v", u, got, theta, want)
		}
	}
}

// TestVectorPrimitives: combine, combineRows, dot and axpy (AVX-512 where available)
// against their portable versions.
func TestVectorPrimitives(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vec := func(m int) []float32 {
		v := make([]float32, m)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	for _, m := range []int{16, 32, 48, 64, 80, 144} {
		for _, rows := range []int{0, 1, 5, 33} {
			stride := m + 16
			a, mat := vec(rows), vec(rows*stride+m)
			got, want := vec(m), vec(m)
			combine(got, a, mat, stride)
			combineGo(want, a, mat, stride)
			for i := range got {
				if math.Abs(float64(got[i]-want[i])) > 1e-5*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("combine m=%d rows=%d: [%d] = %v, want %v", m, rows, i, got[i], want[i])
				}
			}
		}
		for _, rows := range []int{1, 4, 7, 9} {
			const J, as, ys = 11, 13, 160
			alpha, mat := vec(rows*as), vec(J*(m+16))
			got, want := vec(rows*ys), vec(rows*ys)
			combineRows(got, ys, alpha, as, J, mat, m+16, rows, m)
			combineRowsGo(want, ys, alpha, as, J, mat, m+16, rows, m)
			for r := range rows {
				for i := range m {
					if g, w := got[r*ys+i], want[r*ys+i]; math.Abs(float64(g-w)) > 1e-5*(1+math.Abs(float64(w))) {
						t.Fatalf("combineRows m=%d rows=%d: [%d][%d] = %v, want %v", m, rows, r, i, g, w)
					}
				}
			}
		}
		x, y := vec(m), vec(m)
		if got, want := dot(x, y), dotGo(x, y); math.Abs(float64(got-want)) > 1e-5*float64(m) {
			t.Errorf("dot m=%d: %v, want %v", m, got, want)
		}
		y2 := append([]float32(nil), y...)
		axpy(y, 0.5, x)
		axpyGo(y2, 0.5, x)
		for i := range y {
			if math.Abs(float64(y[i]-y2[i])) > 1e-6 {
				t.Fatalf("axpy m=%d: [%d] = %v, want %v", m, i, y[i], y2[i])
			}
		}
	}
}

// TestKernelsAgree: Train with the host kernel and with the graph
// (pure-Go backend) gives the same bases and losses to float32 rounding,
// for every parameterization, several instances and restarts.
func TestKernelsAgree(t *testing.T) {
	for _, p := range []Parameterization{ParamSoftMax, ParamHardMax, ParamSingleGaussian} {
		dims := []int{2, 3}
		if p == ParamSingleGaussian {
			dims = []int{3}
		}
		var insts []Instance
		for i, nk := range []int{2, 5} {
			m, err := molrg.New(molrg.Params{N: 11, Dims: dims, Orthogonal: true, Noise: 0.05}, uint64(300+i))
			if err != nil {
				t.Fatal(err)
			}
			counts := make([]int, len(dims))
			for k := range counts {
				counts[k] = nk
			}
			s, err := m.SampleCounts(counts, uint64(310+i))
			if err != nil {
				t.Fatal(err)
			}
			insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
		}
		cfg := testConfig(p, dims...)
		cfg.Steps, cfg.StepsPerExec, cfg.LogEvery, cfg.Restarts = 20, 20, 1, 2
		host, err := Train(cfg, insts)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Kernel = KernelGraph
		graph, err := Train(cfg, insts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range insts {
			for k := range dims {
				var diff mat.Dense
				diff.Sub(host.Bases[i][k], graph.Bases[i][k])
				if e := mat.Norm(&diff, math.Inf(1)); e > 1e-4 {
					t.Errorf("%v instance %d U_%d: host and graph differ by %.3g", p, i, k, e)
				}
			}
			if host.Restart[i] != graph.Restart[i] {
				t.Errorf("%v instance %d: restart %d kept by the host, %d by the graph", p, i, host.Restart[i], graph.Restart[i])
			}
			for s := range host.Loss[i] {
				if e := math.Abs(host.Loss[i][s] - graph.Loss[i][s]); e > 1e-4*(1+math.Abs(graph.Loss[i][s])) {
					t.Errorf("%v instance %d step %d: loss %v host, %v graph", p, i, s, host.Loss[i][s], graph.Loss[i][s])
				}
			}
		}
	}
}
