package images

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/sampler"
	"gonum.org/v1/gonum/mat"
)

// trajectory is the start of a Heun trajectory batch: the states y_i of the
// first Noises generated images and their levels σ_i.
type trajectory struct {
	n      int
	states []*mat.Dense
	sigmas []float64
}

func newTrajectory(n int, res *sampler.Result, noises int) *trajectory {
	t := &trajectory{n: n}
	for i, y := range res.Trajectory {
		if i >= len(res.Sigmas) || res.Sigmas[i] == 0 {
			break
		}
		_, cols := y.Dims()
		t.states = append(t.states, mat.DenseCopyOf(y.Slice(0, noises, 0, cols)))
		t.sigmas = append(t.sigmas, res.Sigmas[i])
	}
	return t
}

// rankCurve computes the rows of Figure 3(a) still missing: the numerical
// rank (eq. 46, fraction Frac) of the Jacobian ∂D(y_i;σ_i)/∂y_i of the U-Net
// trained on the largest N at every state y_i of the Heun trajectories of
// its first Noises generated images, mean over the trajectories, and the
// ratio rank/n, against SNR = 1/σ_i.
func (r *runner) rankCurve(ctx context.Context, nmax int) error {
	c := r.c
	start := time.Now()
	if r.trained != nmax {
		r.counter.Stage(fmt.Sprintf("Figure 3(a): loading the U-Net of N=%d", nmax))
		if _, err := r.train(ctx, nmax, nil); err != nil {
			return err
		}
	}
	if r.traj == nil || r.traj.n != nmax {
		r.counter.Stage(fmt.Sprintf("Figure 3(a): the Heun trajectories of N=%d", nmax))
		res, err := r.smp.EDMSeed(c.Batch, c.dim(), seedGenerate(c, nmax, 0), sampler.DefaultConfig(), true)
		if err != nil {
			return err
		}
		r.traj = newTrajectory(nmax, res, c.Noises)
	}
	spec := experiment.UNetDenoiser(c.Data, r.net)
	jc, err := jacobian.New(c.Backend, spec.D, jacobian.Options{Shape: spec.Shape, DType: spec.DType, Store: spec.Store, Rows: c.Rows})
	if err != nil {
		return err
	}
	n := c.dim()
	var rows []Row
	for i, y := range r.traj.states {
		if _, ok := r.rank[i]; ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		r.counter.Stage(fmt.Sprintf("Figure 3(a): Jacobian rank at step %d/%d (σ = %.3g)", i+1, len(r.traj.states), r.traj.sigmas[i]))
		js, err := jc.At(y, r.traj.sigmas[i])
		if err != nil {
			return err
		}
		ranks, err := jacobian.Ranks(js, c.Frac)
		if err != nil {
			return err
		}
		mean := 0.0
		for _, k := range ranks {
			mean += float64(k)
		}
		mean /= float64(len(ranks))
		s := r.traj.sigmas[i]
		rows = append(rows, Row{Figure: Fig3a, Data: c.Data, N: nmax, Index: i, SNR: 1 / s, Sigma: s, Rank: mean, Ratio: mean / float64(n),
			GL: nan, GLTrain: nan, GLHeld: nan, GLPixCos: nan, GLPixCosHeld: nan, ScoreMedian: nan, DistGen: nan, DistHeld: nan,
			Loss: nan, ImgPerSec: nan})
	}
	secs := time.Since(start).Seconds()
	for k := range rows {
		rows[k].Seconds = secs
	}
	return r.append(rows...)
}

// RankCurve returns the Figure 3(a) curve in rows (named after the data
// set, by increasing step i: from low to high SNR) and the N of its U-Net;
// ok is false when rows hold no complete curve.
func RankCurve(rows []Row) (cv experiment.RankCurve, n int, ok bool) {
	var pts []Row
	for _, r := range rows {
		if r.Figure == Fig3a {
			pts = append(pts, r)
		}
	}
	if len(pts) < heunSteps {
		return cv, 0, false
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].Index < pts[j].Index })
	cv.Name = pts[0].Data
	for _, p := range pts {
		cv.SNR = append(cv.SNR, p.SNR)
		cv.Ratio = append(cv.Ratio, p.Ratio)
	}
	return cv, pts[0].N, true
}

// MinRank is the lowest point of the Figure 3(a) curve in rows, in
// dimensions (the numerical rank, not divided by n, mean over the
// trajectories), and the SNR where it is reached: the run's estimate of the
// intrinsic dimension its U-Net sees along sampling. The two ends of the
// curve say little about the data: at high SNR every EDM denoiser tends to
// the identity (c_skip → 1, rank → n), and at low SNR the small remaining
// Jacobian is dominated by what the network has not learned. NaN without a
// complete curve.
func MinRank(rows []Row) (rank, snr float64) {
	rank, snr = math.Inf(1), math.NaN()
	k := 0
	for _, r := range rows {
		if r.Figure == Fig3a {
			k++
			if r.Rank < rank {
				rank, snr = r.Rank, r.SNR
			}
		}
	}
	if k < heunSteps {
		return math.NaN(), math.NaN()
	}
	return rank, snr
}
