package theorem

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/progress"
	"gonum.org/v1/gonum/mat"
)

// Snapshots holds the bases of Algorithm 1 along training.
type Snapshots struct {
	Steps     []int            // 0 and every checkpoint, increasing
	Bases     [][][]*mat.Dense // Bases[c][i][k]: U_k of instance i after Steps[c] steps
	LossSteps []int            // steps done at the end of every loss window, over all stages
	Loss      [][]float64      // Loss[i][w]: minibatch loss of instance i averaged over window w
	MeanLoss  []float64        // MeanLoss[w]: Loss[·][w] averaged over instances
}

// TrainSnapshots runs Algorithm 1 (dae.TrainContext) on the instances and
// returns their bases at step 0 and after every checkpoint (a number of steps;
// the last one is the length of the run, which replaces cfg.Steps).
//
// Training runs in stages that end at the checkpoints. Every stage resumes
// from the bases of the previous one — it is dae.Train with InitNearTruth,
// perturbation δ = 0 and the current bases as "truth" — with the part of the
// geometric step-size schedule from cfg.StepSize to cfg.FinalStepSize that
// falls in its steps, and with its own instance seeds so that its minibatches
// and noise are fresh. The initial bases are drawn here from the instance
// seeds: uniformly (Haar) for cfg.Init = InitRandom, and as in eq. (48),
// U_k = P_O(U⋆_k + δG_k) with G_k of i.i.d. N(0, 1/n) entries and
// δ = cfg.InitPerturbation, for InitNearTruth (which needs Instance.Truth).
// Only cfg.Restarts ≤ 1 is supported. The result is one run of Algorithm 1 on
// the full schedule, with different (equally distributed) random draws than a
// single dae.Train call.
// Checkpoints that are multiples of cfg.StepsPerExec reuse one compiled graph.
func TrainSnapshots(ctx context.Context, cfg dae.Config, instances []dae.Instance, checkpoints []int, report progress.Func) (*Snapshots, error) {
	if cfg.Restarts > 1 {
		return nil, fmt.Errorf("theorem: TrainSnapshots follows one run per instance, want Restarts ≤ 1 (got %d)", cfg.Restarts)
	}
	if len(checkpoints) < 1 {
		return nil, fmt.Errorf("theorem: no checkpoints, want at least one number of steps")
	}
	cps := append([]int(nil), checkpoints...)
	sort.Ints(cps)
	for i, c := range cps {
		if c < 1 || i > 0 && c == cps[i-1] {
			return nil, fmt.Errorf("theorem: checkpoints %v, want distinct step counts ≥ 1", checkpoints)
		}
	}
	if len(instances) < 1 {
		return nil, fmt.Errorf("theorem: %d instances, want at least 1", len(instances))
	}
	total := cps[len(cps)-1]
	full := cfg
	full.Steps = total
	_, n := instances[0].X.Dims()
	if err := full.Validate(n); err != nil {
		return nil, err
	}
	eta := func(step int) float64 { // the geometric schedule of dae.Config over the whole run
		if total <= 1 {
			return cfg.StepSize
		}
		return cfg.StepSize * math.Pow(cfg.FinalStepSize/cfg.StepSize, float64(step)/float64(total-1))
	}

	// Step 0: the initial bases, from the instance seeds.
	cur := make([][]*mat.Dense, len(instances))
	for i, in := range instances {
		rng := rand.New(rand.NewPCG(cfg.Seed, in.Seed^0x696e6974))
		cur[i] = make([]*mat.Dense, len(cfg.Dims))
		for k, d := range cfg.Dims {
			if cfg.Init == dae.InitRandom {
				cur[i][k] = molrg.RandomOrthonormal(n, d, rng)
				continue
			}
			if len(in.Truth) != len(cfg.Dims) {
				return nil, fmt.Errorf("theorem: instance %d has %d true bases, want K = %d for InitNearTruth", i, len(in.Truth), len(cfg.Dims))
			}
			if r, c := in.Truth[k].Dims(); r != n || c != d {
				return nil, fmt.Errorf("theorem: instance %d: true basis U⋆_%d is %d×%d, want %d×%d", i, k, r, c, n, d)
			}
			cur[i][k] = dae.NearTruth(in.Truth[k], cfg.InitPerturbation, rng)
		}
	}
	out := &Snapshots{Steps: []int{0}, Bases: [][][]*mat.Dense{cur}, Loss: make([][]float64, len(instances))}

	done := 0
	for stage, c := range cps {
		st := cfg
		st.Steps = c - done
		st.StepSize, st.FinalStepSize = eta(done), eta(c-1)
		st.Init, st.InitPerturbation, st.Restarts = dae.InitNearTruth, 0, 1
		ins := make([]dae.Instance, len(instances))
		for i, in := range instances {
			ins[i] = dae.Instance{X: in.X, Truth: cur[i], Seed: in.Seed + uint64(stage)*0x9e3779b97f4a7c15}
		}
		var prog progress.Func
		if report != nil {
			base := done
			prog = func(u progress.Update) {
				u.Done, u.Total = float64(base)+u.Done, float64(total)
				report(u)
			}
		}
		res, err := dae.TrainContext(ctx, st, ins, prog)
		if err != nil {
			return nil, err
		}
		cur = res.Bases
		out.Steps = append(out.Steps, c)
		out.Bases = append(out.Bases, cur)
		for _, s := range res.LossSteps {
			out.LossSteps = append(out.LossSteps, done+s)
		}
		for i := range instances {
			out.Loss[i] = append(out.Loss[i], res.Loss[i]...)
		}
		out.MeanLoss = append(out.MeanLoss, res.MeanLoss...)
		done = c
	}
	return out, nil
}
