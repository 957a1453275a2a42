package dae

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// hostRun is one run (instance × restart) of the host kernel.
type hostRun struct {
	ut    []float32 // transposed bases [Σd, np]
	x     []float32 // the instance's data [N, np]
	count int
	key   uint64
}

// trainHost runs Algorithm 1 with the host kernel (KernelHost): every run
// does all its steps on one goroutine, GOMAXPROCS goroutines share the runs.
// init[k] holds the initial U_k of every run, [runs, n, d_k] row-major; the
// trained bases are returned in the same layout, with the minibatch loss of
// every step and run, [step][run].
func trainHost(ctx context.Context, cfg *Config, data [][]float32, runInst []int, keys []uint64, init [][]float32, n int, progress func(done, total int)) ([][]float32, [][]float32, error) {
	h := newHostShape(cfg, n)
	// The instances' data with padded rows.
	xs := make([][]float32, len(data))
	for i, d := range data {
		rows := len(d) / n
		xs[i] = make([]float32, rows*h.np)
		for a := range rows {
			copy(xs[i][a*h.np:], d[a*n:(a+1)*n])
		}
	}
	runs := make([]hostRun, len(runInst))
	for r, i := range runInst {
		runs[r] = hostRun{ut: make([]float32, h.dsum*h.np), x: xs[i], count: len(data[i]) / n, key: keys[r]}
		for k, d := range cfg.Dims {
			u := init[k][r*n*d : (r+1)*n*d]
			for a := range n {
				for j := range d {
					runs[r].ut[(h.off[k]+j)*h.np+a] = u[a*d+j]
				}
			}
		}
	}
	stepLoss := make([][]float32, cfg.Steps)
	for s := range stepLoss {
		stepLoss[s] = make([]float32, len(runs))
	}
	eta := make([]float32, cfg.Steps)
	for s := range eta {
		eta[s] = float32(cfg.stepSize(s))
	}
	workers := min(runtime.GOMAXPROCS(0), len(runs))
	pool := make([]*hostWork, workers)
	for i := range pool {
		pool[i] = newHostWork(h)
	}
	// Chunks of StepsPerExec steps, for progress and cancellation.
	for done := 0; done < cfg.Steps; {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		end := min(done+cfg.StepsPerExec, cfg.Steps)
		var next atomic.Int64
		var wg sync.WaitGroup
		for _, w := range pool {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := int(next.Add(1) - 1); r < len(runs); r = int(next.Add(1) - 1) {
					run := &runs[r]
					for s := done; s < end; s++ {
						stepLoss[s][r] = h.step(w, run.ut, run.x, run.count, run.key, uint64(s), eta[s])
					}
				}
			}()
		}
		wg.Wait()
		done = end
		if progress != nil {
			progress(done, cfg.Steps)
		}
	}
	out := make([][]float32, len(cfg.Dims))
	for k, d := range cfg.Dims {
		out[k] = make([]float32, len(runs)*n*d)
		for r := range runs {
			for a := range n {
				for j := range d {
					out[k][(r*n+a)*d+j] = runs[r].ut[(h.off[k]+j)*h.np+a]
				}
			}
		}
	}
	return out, stepLoss, nil
}
