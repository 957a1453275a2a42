package phase

import "github.com/molrg/molrg/pkg/dae"

// settings are what a sweep's rows depend on besides their own columns,
// recorded beside the results table: resuming with other settings is
// refused (pkg/results).
type settings struct {
	Seed    uint64      `json:"seed"`
	Tau     float64     `json:"tau"`
	SGD     dae.Summary `json:"sgd"`     // Algorithm 1 for K = 1 (DAE 11) …
	SGDMix  dae.Summary `json:"sgd_mix"` // … and for K ≥ 2 (DAE 9), shown for d = 1
	Classic string      `json:"classic"`
}

func newSettings(g Grid, opts *Options) settings {
	one, two := opts.TrainConfig(1, 1, g.Seed), opts.TrainConfig(2, 1, g.Seed)
	return settings{Seed: g.Seed, Tau: opts.Tau, SGD: one.Summary(), SGDMix: two.Summary(),
		Classic: "PCA (K=1); K-subspaces, spectral init (K>=2)"}
}

// validateTrain checks Algorithm 1's configurations for K = 1 and K ≥ 2.
func (o *Options) validateTrain(g Grid) error {
	for _, k := range []int{1, 2} {
		c := o.TrainConfig(k, 1, g.Seed)
		if err := c.Validate(2); err != nil {
			return err
		}
	}
	return nil
}
