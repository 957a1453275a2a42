package unet

import (
	"fmt"
	"strings"
)

// compatible returns an error naming the hyperparameters in which a
// checkpoint's training run (have) differs from this one (want). Only what
// changes the optimizer steps counts: the learning rate and its warm-up,
// Adam, the EMA, the batch size, the σ distribution and the seed. The
// bookkeeping (TotalSteps, so that a run can be extended, LogEvery,
// checkpoints, StepsPerExec, which gives the same steps) may change.
func compatible(have, want TrainConfig) error {
	type field struct {
		name       string
		have, want any
	}
	var diffs []string
	for _, f := range []field{
		{"LR", have.LR, want.LR},
		{"Beta1", have.Beta1, want.Beta1},
		{"Beta2", have.Beta2, want.Beta2},
		{"Eps", have.Eps, want.Eps},
		{"LRRampupKimg", have.LRRampupKimg, want.LRRampupKimg},
		{"EMAHalfLifeKimg", have.EMAHalfLifeKimg, want.EMAHalfLifeKimg},
		{"EMARampupRatio", have.EMARampupRatio, want.EMARampupRatio},
		{"BatchSize", have.BatchSize, want.BatchSize},
		{"PMean", have.PMean, want.PMean},
		{"PStd", have.PStd, want.PStd},
		{"Seed", have.Seed, want.Seed},
	} {
		if f.have != f.want {
			diffs = append(diffs, fmt.Sprintf("%s %v (now %v)", f.name, f.have, f.want))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("it was trained with %s", strings.Join(diffs, ", "))
	}
	return nil
}
