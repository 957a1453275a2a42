package dae

import (
	"context"
	"math"
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
	sched runSchedule
	means *projMeans // nil when Tol = 0
}

// trained is what a kernel returns: the final bases [runs, n, d_k] row-major
// per component, the minibatch loss of every step and run ([step][run], NaN
// after the run stopped) and every run's schedule.
type trained struct {
	bases     [][]float32
	loss      [][]float32
	runs      []runSchedule
	snapshots [][][]float32 // snapshots[c][k], as bases, after Config.Snapshots[c] steps
}

// trainHost runs Algorithm 1 with the host kernel (KernelHost): the runs are
// spread over GOMAXPROCS goroutines, StepsPerExec steps of a run at a time.
// init[k] holds the initial U_k of every run, [runs, n, d_k] row-major.
func trainHost(ctx context.Context, cfg *Config, data [][]float32, runInst []int, keys []uint64, init [][]float32, n int, stepsDone func(done int)) (*trained, error) {
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
		runs[r] = hostRun{ut: make([]float32, h.dsum*h.np), x: xs[i], count: len(data[i]) / n, key: keys[r], sched: newRunSchedule(cfg)}
		if cfg.Tol > 0 {
			runs[r].means = newProjMeans(h)
		}
		for k, d := range cfg.Dims {
			u := init[k][r*n*d : (r+1)*n*d]
			for a := range n {
				for j := range d {
					runs[r].ut[(h.off[k]+j)*h.np+a] = u[a*d+j]
				}
			}
		}
	}
	var stepLoss [][]float32
	workers := min(runtime.GOMAXPROCS(0), len(runs))
	pool := make([]*hostWork, workers)
	for i := range pool {
		pool[i] = newHostWork(h)
	}
	stride := cfg.snapshotStride()
	snaps := &snapshots{steps: cfg.Snapshots}
	get := func() ([][]float32, error) { return h.flatBases(runs), nil }
	// Chunks of StepsPerExec steps (ending at snapshots), for progress and
	// cancellation, until every run has stopped.
	for done := 0; done < cfg.Steps; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_ = snaps.take(done, get)
		end := snaps.limit(min(done+cfg.StepsPerExec, cfg.Steps))
		for range end - done {
			row := make([]float32, len(runs))
			for r := range row {
				row[r] = float32(math.NaN())
			}
			stepLoss = append(stepLoss, row)
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		for _, w := range pool {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := int(next.Add(1) - 1); r < len(runs); r = int(next.Add(1) - 1) {
					run := &runs[r]
					for s := done; s < min(end, run.sched.steps); s++ {
						stepLoss[s][r] = h.step(w, run.ut, run.x, run.count, run.key, uint64(s), float32(run.sched.eta(s)))
						if run.means == nil {
							continue
						}
						if (s+1)%stride == 0 {
							run.means.add(h, w, run.ut)
						}
						if (s+1)%cfg.Window == 0 {
							run.sched.windowEnd(s, run.means.next())
						}
					}
				}
			}()
		}
		wg.Wait()
		done = end
		stepsDone(done)
		last := 0
		for _, r := range runs {
			last = max(last, r.sched.steps)
		}
		if done >= last {
			stepLoss = stepLoss[:last]
			stepsDone(cfg.Steps) // converged: the remaining steps are not needed
			break
		}
	}
	_ = snaps.take(cfg.Steps, get)
	out := &trained{bases: h.flatBases(runs), loss: stepLoss, runs: make([]runSchedule, len(runs)), snapshots: snaps.bases}
	for r := range runs {
		out.runs[r] = runs[r].sched
	}
	return out, nil
}

// flatBases returns the runs' bases U_k, [runs, n, d_k] row-major per
// component.
func (h *hostShape) flatBases(runs []hostRun) [][]float32 {
	out := make([][]float32, len(h.dims))
	for k, d := range h.dims {
		out[k] = make([]float32, len(runs)*h.n*d)
		for r := range runs {
			for a := range h.n {
				for j := range d {
					out[k][(r*h.n+a)*d+j] = runs[r].ut[(h.off[k]+j)*h.np+a]
				}
			}
		}
	}
	return out
}

// projMeans accumulates one run's projections U_kU_kᵀ ([n, np] each) over
// the current and the previous convergence window.
type projMeans struct {
	cur, prev   [][]float32
	nCur, nPrev int
}

func newProjMeans(h *hostShape) *projMeans {
	m := &projMeans{}
	for range h.dims {
		m.cur = append(m.cur, make([]float32, h.n*h.np))
		m.prev = append(m.prev, make([]float32, h.n*h.np))
	}
	return m
}

// add adds the projections of the transposed bases ut.
func (m *projMeans) add(h *hostShape, w *hostWork, ut []float32) {
	np := h.np
	for k, d := range h.dims {
		u := ut[h.off[k]*np : (h.off[k]+d)*np]
		col, row := w.pol.col[:d], w.pol.x[:np]
		for a := range h.n {
			for j := range d {
				col[j] = u[j*np+a]
			}
			combine(row, col, u, np)
			axpy(m.cur[k][a*np:(a+1)*np], 1, row)
		}
	}
	m.nCur++
}

// next ends the window: it returns max_k ‖P̄_k − P̄'_k‖_F between the mean
// projections of this window and of the previous one (−1 for the first),
// and starts a new window.
func (m *projMeans) next() float64 {
	dist := -1.0
	if m.nPrev > 0 {
		dist = 0
		for k := range m.cur {
			s := 0.0
			for i, v := range m.cur[k] {
				e := float64(v)/float64(m.nCur) - float64(m.prev[k][i])/float64(m.nPrev)
				s += e * e
			}
			dist = math.Max(dist, math.Sqrt(s))
		}
	}
	m.cur, m.prev, m.nPrev, m.nCur = m.prev, m.cur, m.nCur, 0
	for _, c := range m.cur {
		clear(c)
	}
	return dist
}
