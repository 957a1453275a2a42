//go:build bench

package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/molrg/molrg/pkg/dae"
	"gonum.org/v1/gonum/mat"
)

// problemSpec is the JSON that bench/torch_alg1.py reads.
type problemSpec struct {
	Instances        int     `json:"instances"`
	NMax             int     `json:"nmax"`
	N                int     `json:"n"`
	T                int     `json:"T"`
	Dims             []int   `json:"dims"`
	Steps            int     `json:"steps"`
	Batch            int     `json:"batch"`
	Parameterization string  `json:"parameterization"`
	PolarIterations  int     `json:"polar_iterations"`
	Schedule         string  `json:"schedule"`
	StepSize         float64 `json:"step_size"`
	FinalStepSize    float64 `json:"final_step_size"`
	DecaySteps       float64 `json:"decay_steps"`
	Tol              float64 `json:"tol"`
	Window           int     `json:"window"`
	Threads          int     `json:"threads"`
	Blob             string  `json:"blob"`
}

// torchRun is the outcome of one bench/torch_alg1.py run.
type torchRun struct {
	bases     [][]*mat.Dense // [instance][k]
	steps     []int
	converged []bool
	seconds   float64
	threads   int
	version   string
}

// exportProblems writes the data, counts, keys, levels and initial bases of
// the instances into dir for bench/torch_alg1.py and returns the spec.
func exportProblems(dir string, cfg *dae.Config, ins []dae.Instance, n int, pname string) (problemSpec, error) {
	numI, d := len(ins), cfg.Dims[0]
	nMax := 0
	for _, in := range ins {
		nMax = max(nMax, in.X.RawMatrix().Rows)
	}
	var blob bytes.Buffer
	put := func(v any) { _ = binary.Write(&blob, binary.LittleEndian, v) }
	data := make([]float32, numI*nMax*n)
	counts := make([]int32, numI)
	keys := make([]uint64, numI)
	for i, in := range ins {
		r, _ := in.X.Dims()
		counts[i] = int32(r)
		keys[i] = dae.InstanceKey(cfg.Seed, in.Seed)
		for a := range r {
			for b := range n {
				data[(i*nMax+a)*n+b] = float32(in.X.At(a, b))
			}
		}
	}
	put(data)
	put(counts)
	put(keys)
	levels := make([]float32, 0, 3*cfg.T)
	for t := range cfg.T {
		sigma := cfg.SigmaMin
		if cfg.T > 1 {
			sigma += (cfg.SigmaMax - cfg.SigmaMin) * float64(t) / float64(cfg.T-1)
		}
		levels = append(levels, 1, float32(sigma), 1)
	}
	put(levels)
	for c := range cfg.Dims {
		flat := make([]float32, 0, numI*n*d)
		for i, in := range ins {
			var truth *mat.Dense
			if in.Truth != nil {
				truth = in.Truth[c]
			}
			u := dae.InitialBasis(cfg, keys[i], c, truth, n)
			for a := range n {
				for b := range d {
					flat = append(flat, float32(u.At(a, b)))
				}
			}
		}
		put(flat)
	}
	blobPath := filepath.Join(dir, "problem.bin")
	if err := os.WriteFile(blobPath, blob.Bytes(), 0o644); err != nil {
		return problemSpec{}, err
	}
	schedule := "geometric"
	if cfg.Schedule == dae.ScheduleInvSqrt {
		schedule = "invsqrt"
	}
	return problemSpec{Instances: numI, NMax: nMax, N: n, T: cfg.T, Dims: cfg.Dims, Steps: cfg.Steps, Batch: cfg.BatchSize,
		Parameterization: pname, PolarIterations: cfg.PolarIterations, Schedule: schedule, StepSize: cfg.StepSize,
		FinalStepSize: cfg.FinalStepSize, DecaySteps: cfg.DecaySteps, Tol: cfg.Tol, Window: cfg.Window, Blob: blobPath}, nil
}

// runTorch runs bench/torch_alg1.py with python on the exported problems.
func runTorch(python, dir string, spec problemSpec) (*torchRun, error) {
	js, _ := json.Marshal(spec)
	specPath := filepath.Join(dir, "problem.json")
	if err := os.WriteFile(specPath, js, 0o644); err != nil {
		return nil, err
	}
	outPath := filepath.Join(dir, "bases.bin")
	cmd := exec.Command(python, "bench/torch_alg1.py", specPath, outPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("PyTorch reference (%s bench/torch_alg1.py; install with bash bench/setup_torch.sh): %w", python, err)
	}
	var tr struct {
		Seconds float64 `json:"seconds"`
		Threads int     `json:"threads"`
		Torch   string  `json:"torch"`
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &tr); err != nil {
		return nil, fmt.Errorf("PyTorch output %q: %w", out, err)
	}
	raw, err := os.ReadFile(outPath)
	if err != nil {
		return nil, err
	}
	numI, n, k, d := spec.Instances, spec.N, len(spec.Dims), spec.Dims[0]
	flat := make([]float32, k*numI*n*d)
	meta := make([]int32, 2*numI)
	r := bytes.NewReader(raw)
	if err := binary.Read(r, binary.LittleEndian, flat); err != nil {
		return nil, fmt.Errorf("PyTorch output %s: %w", outPath, err)
	}
	if err := binary.Read(r, binary.LittleEndian, meta); err != nil {
		return nil, fmt.Errorf("PyTorch output %s: %w", outPath, err)
	}
	res := &torchRun{bases: make([][]*mat.Dense, numI), steps: make([]int, numI), converged: make([]bool, numI),
		seconds: tr.Seconds, threads: tr.Threads, version: tr.Torch}
	for i := range numI {
		for c := range k {
			u := mat.NewDense(n, d, nil)
			off := (c*numI + i) * n * d
			for a := range n {
				for b := range d {
					u.Set(a, b, float64(flat[off+a*d+b]))
				}
			}
			res.bases[i] = append(res.bases[i], u)
		}
		res.steps[i], res.converged[i] = int(meta[i]), meta[numI+i] != 0
	}
	return res, nil
}
