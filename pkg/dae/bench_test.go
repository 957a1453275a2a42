package dae

import (
	"fmt"
	"testing"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/molrg"
)

// benchmarkAlgorithm1 measures SGD steps per second of Algorithm 1 with the
// soft-max DAE on `instances` MoLRG problems (n = 48, K = 2, d = 6,
// N_k = 12, batch 32) trained together, with the host kernel or in one graph
// on the project backend (GOMLX_BACKEND selects it). One benchmark iteration
// is one step for all instances; the graph is compiled before the timer
// starts.
func benchmarkAlgorithm1(b *testing.B, kernel Kernel, instances int) {
	be, err := backend.Default()
	if err != nil {
		b.Fatal(err)
	}
	var insts []Instance
	for i := range instances {
		m, err := molrg.New(molrg.Params{N: 48, Dims: []int{6, 6}, Orthogonal: true}, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		s, err := m.SampleCounts([]int{12, 12}, uint64(1000+i))
		if err != nil {
			b.Fatal(err)
		}
		insts = append(insts, Instance{X: s.X, Seed: uint64(i)})
	}
	cfg := DefaultConfig(ParamSoftMax, 6, 6)
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
	start := time.Now()
	if _, err := Train(cfg, insts); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	b.ReportMetric(float64(cfg.Steps)/elapsed, "steps/s")
	b.ReportMetric(float64(cfg.Steps*instances)/elapsed, "instance-steps/s")
	b.Logf("%v kernel, backend %s: %d steps × %d instances in %.2fs", kernel, fmt.Sprint(be), cfg.Steps, instances, elapsed)
}

func BenchmarkAlgorithm1Single(b *testing.B)         { benchmarkAlgorithm1(b, KernelGraph, 1) }
func BenchmarkAlgorithm1Batched500(b *testing.B)     { benchmarkAlgorithm1(b, KernelGraph, 500) }
func BenchmarkAlgorithm1HostSingle(b *testing.B)     { benchmarkAlgorithm1(b, KernelHost, 1) }
func BenchmarkAlgorithm1HostBatched500(b *testing.B) { benchmarkAlgorithm1(b, KernelHost, 500) }
