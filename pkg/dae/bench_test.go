package dae

import (
	"fmt"
	"math"
	"syscall"
	"testing"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/molrg"
)

// benchmarkAlgorithm1 measures SGD steps per second of Algorithm 1 with the
// soft-max DAE on `instances` MoLRG problems (n = 48, K components of
// dimension d, N_k = 2d, batch 32) trained together, with the host kernel or
// in one graph on the project backend (GOMLX_BACKEND selects it). One
// benchmark iteration is one step for all instances; the graph is compiled
// before the timer starts.
func benchmarkAlgorithm1(b *testing.B, kernel Kernel, instances, k, d int) {
	be, err := backend.Default()
	if err != nil {
		b.Fatal(err)
	}
	dims, counts := make([]int, k), make([]int, k)
	for c := range dims {
		dims[c], counts[c] = d, 2*d
	}
	var insts []Instance
	for i := range instances {
		m, err := molrg.New(molrg.Params{N: 48, Dims: dims, Orthogonal: true}, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		s, err := m.SampleCounts(counts, uint64(1000+i))
		if err != nil {
			b.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
	}
	cfg := DefaultConfig(ParamSoftMax, dims...)
	cfg.Kernel, cfg.Backend = kernel, be
	cfg.BatchSize = 32
	if kernel == KernelGraph && backend.IsGo(be) {
		cfg.StepsPerExec = maxUnrolledSteps // what Train uses there anyway
	}
	cfg.Steps = cfg.StepsPerExec // compile (and warm up) first
	if _, err := Train(cfg, insts); err != nil {
		b.Fatal(err)
	}
	// Whole executions only, so no second graph is compiled while timing.
	cfg.Steps = (b.N + cfg.StepsPerExec - 1) / cfg.StepsPerExec * cfg.StepsPerExec
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuSeconds()
	if _, err := Train(cfg, insts); err != nil {
		b.Fatal(err)
	}
	elapsed, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(cfg.Steps)/elapsed, "steps/s")
	b.ReportMetric(1e3*cpu/float64(cfg.Steps), "cpu-ms/step")
	b.ReportMetric(float64(cfg.Steps*instances)/elapsed, "instance-steps/s")
	b.Logf("%v kernel, backend %s: %d steps × %d instances in %.2fs", kernel, fmt.Sprint(be), cfg.Steps, instances, elapsed)
}

// cpuSeconds is the user + system CPU time of the process so far: on a
// machine shared with other work it varies less than the wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func BenchmarkAlgorithm1Single(b *testing.B)         { benchmarkAlgorithm1(b, KernelGraph, 1, 2, 6) }
func BenchmarkAlgorithm1Batched500(b *testing.B)     { benchmarkAlgorithm1(b, KernelGraph, 500, 2, 6) }
func BenchmarkAlgorithm1HostSingle(b *testing.B)     { benchmarkAlgorithm1(b, KernelHost, 1, 2, 6) }
func BenchmarkAlgorithm1HostBatched500(b *testing.B) { benchmarkAlgorithm1(b, KernelHost, 500, 2, 6) }

// K = 3, d = 12: the largest runs of the phase-transition sweep.
func BenchmarkAlgorithm1HostK3D12(b *testing.B) { benchmarkAlgorithm1(b, KernelHost, 480, 3, 12) }
