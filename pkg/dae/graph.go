package dae

import (
	"context"
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
)

// trainGraph runs Algorithm 1 as GoMLX graphs on Config.Backend
// (KernelGraph): the data are padded into [runs, N_max, n], StepsPerExec
// steps run per execution (stepGraph). Arguments and results as trainHost.
func trainGraph(ctx context.Context, cfg *Config, data [][]float32, runInst []int, keys []uint64, init [][]float32, n int, stepsDone func(done int)) (*trained, error) {
	be := cfg.Backend
	if be == nil {
		var err error
		if be, err = backend.Default(); err != nil {
			return nil, err
		}
	}
	// Inputs that do not change: data, counts, keys, levels. N_max is
	// rounded up to a multiple of 8 so that sweeps over N reuse graphs.
	numRuns := len(runInst)
	nMax := 0
	for _, d := range data {
		nMax = max(nMax, len(d)/n)
	}
	nMax = (nMax + 7) / 8 * 8
	flat := make([]float32, numRuns*nMax*n)
	counts := make([]int32, numRuns)
	for run, i := range runInst {
		counts[run] = int32(len(data[i]) / n)
		copy(flat[run*nMax*n:], data[i])
	}
	lv := cfg.levels()
	levels := make([]float32, 0, 3*len(lv))
	for _, l := range lv {
		levels = append(levels, float32(l.S), float32(l.Sigma), float32(l.Lambda))
	}
	fixed := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(flat, numRuns, nMax, n),
		tensors.FromFlatDataAndDimensions(counts, numRuns),
		tensors.FromFlatDataAndDimensions(keys, numRuns),
		tensors.FromFlatDataAndDimensions(levels, len(lv), 3),
	}
	defer func() {
		for _, t := range fixed {
			_ = t.FinalizeAll() // frees device memory now rather than at GC
		}
	}()
	for _, t := range fixed {
		if err := t.MaterializeOnDevice(be, false, 0); err != nil {
			return nil, err
		}
	}
	bases := make([]*tensors.Tensor, len(cfg.Dims))
	for k, d := range cfg.Dims {
		bases[k] = tensors.FromFlatDataAndDimensions(init[k], numRuns, n, d)
	}
	key := newExecKey(be, cfg, [4]int{numRuns, nMax, n, len(lv)})
	exec, release, err := acquireExec(key, cfg)
	if err != nil {
		return nil, err
	}
	defer release()

	numK := len(cfg.Dims)
	sched := newRunSchedule(cfg) // Tol = 0: the same for every run
	stepLoss := make([][]float32, 0, cfg.Steps)
	snaps := &snapshots{steps: cfg.Snapshots}
	get := func() ([][]float32, error) {
		flat := make([][]float32, numK)
		for k, b := range bases {
			var err error
			if flat[k], err = tensors.CopyFlatData[float32](b); err != nil {
				return nil, err
			}
		}
		return flat, nil
	}
	for done := 0; done < cfg.Steps; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := snaps.take(done, get); err != nil {
			return nil, err
		}
		chunk := cfg.StepsPerExec
		if !key.loop {
			chunk = maxUnrolledSteps
		}
		s := snaps.limit(min(done+chunk, cfg.Steps)) - done
		lr := make([]float32, s)
		for j := range lr {
			lr[j] = float32(sched.eta(done + j))
		}
		args := make([]any, 0, numK+len(fixed)+2)
		for _, b := range bases {
			donated, err := DonateTensorBuffer(b, be, 0)
			if err != nil {
				return nil, err
			}
			args = append(args, donated)
		}
		for _, t := range fixed {
			args = append(args, t)
		}
		args = append(args, uint64(done), lr)
		out, err := exec.Call(args...)
		if err != nil {
			return nil, fmt.Errorf("dae: Algorithm 1 at step %d: %w", done, err)
		}
		bases = out[:numK]
		losses, err := tensors.CopyFlatData[float32](out[numK])
		if err != nil {
			return nil, err
		}
		for j := range s {
			stepLoss = append(stepLoss, losses[j*numRuns:(j+1)*numRuns])
		}
		done += s
		stepsDone(done)
	}
	if err := snaps.take(cfg.Steps, get); err != nil {
		return nil, err
	}
	final, err := get()
	if err != nil {
		return nil, err
	}
	out := &trained{bases: final, loss: stepLoss, runs: make([]runSchedule, numRuns), snapshots: snaps.bases}
	for r := range out.runs {
		out.runs[r] = sched
	}
	return out, nil
}
