package dae

import "github.com/molrg/molrg/pkg/diffusion"

// Summary is what in a Config changes Algorithm 1's result, in a form
// encoding/json can write: results files record it, and refuse to mix rows
// of runs whose summaries differ.
type Summary struct {
	DAE              string            `json:"dae"`
	Dims             []int             `json:"dims"`
	Pi               []float64         `json:"pi,omitempty"`
	Levels           []diffusion.Level `json:"levels"`
	Schedule         string            `json:"schedule"`
	StepSize         float64           `json:"step_size"`
	FinalStepSize    float64           `json:"final_step_size"`
	DecaySteps       float64           `json:"decay_steps,omitempty"` // ScheduleInvSqrt only
	BatchSize        int               `json:"batch"`
	Steps            int               `json:"steps"`
	Tol              float64           `json:"tol"`
	Window           int               `json:"window"`
	Kernel           string            `json:"kernel"`
	Init             string            `json:"init"`
	InitPerturbation float64           `json:"init_perturbation"`
	Restarts         int               `json:"restarts"`
	PolarIterations  int               `json:"polar_iterations"`
	Seed             uint64            `json:"seed"`
}

// Summary returns the settings of c that change the result (its noise
// levels are nil when c's are invalid).
func (c Config) Summary() Summary {
	lv, _ := c.NoiseLevels()
	s := Summary{DAE: c.Parameterization.String(), Dims: c.Dims, Pi: c.Pi, Levels: lv, Schedule: c.Schedule.String(), StepSize: c.StepSize,
		FinalStepSize: c.FinalStepSize, BatchSize: c.BatchSize, Steps: c.Steps, Tol: c.Tol, Window: c.Window, Kernel: c.Kernel.String(), Init: c.Init.String(),
		InitPerturbation: c.InitPerturbation, Restarts: c.Restarts, PolarIterations: c.PolarIterations, Seed: c.Seed}
	if c.Schedule == ScheduleInvSqrt {
		s.DecaySteps = c.DecaySteps
	}
	return s
}
