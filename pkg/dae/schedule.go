package dae

import (
	"fmt"
	"math"
)

// Schedule selects the step-size rule of Algorithm 1.
type Schedule int

const (
	// ScheduleGeometric decays η geometrically from StepSize at step 0 to
	// FinalStepSize at step Steps−1. A run that converges (Tol > 0) stops at
	// the end of the window where it did.
	ScheduleGeometric Schedule = iota
	// ScheduleInvSqrt sets η_t = StepSize/√(1 + t/DecaySteps), which depends
	// on t alone, so that the step count is only a maximum, and ends every run
	// with one annealing window: from the end of the window where the run
	// converged (or from step Steps − Window), η decays geometrically to
	// FinalStepSize over Window steps, and the run stops.
	//
	// Why (ours, see ConvergedConfig): on noise-free data with N_k close to
	// d_k the smallest eigenvalue λ of a component's sample covariance can be
	// tiny, and the direction it belongs to is pulled into U_k at the rate
	// 2ηλ per step against the ε-noise of the gradient, whose variance grows
	// like η. Resolving λ needs about 1/λ² steps at η ∝ λ; the time the rule
	// spends near a step size η grows like 1/η², as needed when λ is unknown.
	ScheduleInvSqrt
)

func (s Schedule) String() string {
	switch s {
	case ScheduleGeometric:
		return "geometric"
	case ScheduleInvSqrt:
		return "inverse square root"
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// snapshotStride is the number of steps between the projections averaged
// over a convergence window (about 50 per window).
func (c *Config) snapshotStride() int { return max(1, c.Window/50) }

// baseStepSize is η at step t before any annealing window.
func (c *Config) baseStepSize(t int) float64 {
	if c.Schedule == ScheduleInvSqrt {
		return c.StepSize / math.Sqrt(1+float64(t)/c.DecaySteps)
	}
	if c.Steps <= 1 {
		return c.StepSize
	}
	return c.StepSize * math.Pow(c.FinalStepSize/c.StepSize, float64(t)/float64(c.Steps-1))
}

// runSchedule is the step size and stopping state of one run.
type runSchedule struct {
	cfg       *Config
	annealAt  int     // first step of the annealing window (ScheduleInvSqrt), Steps for none
	etaAnneal float64 // η at annealAt
	steps     int     // steps the run takes
	converged bool
}

func newRunSchedule(cfg *Config) runSchedule {
	rs := runSchedule{cfg: cfg, annealAt: cfg.Steps, steps: cfg.Steps}
	if cfg.Schedule == ScheduleInvSqrt {
		rs.anneal(max(0, cfg.Steps-cfg.Window))
	}
	return rs
}

// anneal starts the annealing window at step t.
func (rs *runSchedule) anneal(t int) {
	rs.annealAt, rs.etaAnneal = t, rs.cfg.baseStepSize(t)
	rs.steps = min(rs.cfg.Steps, t+rs.cfg.Window)
}

// eta is the step size of step t.
func (rs *runSchedule) eta(t int) float64 {
	if t < rs.annealAt {
		return rs.cfg.baseStepSize(t)
	}
	f := float64(t-rs.annealAt) / float64(rs.cfg.Window-1)
	return rs.etaAnneal * math.Pow(rs.cfg.FinalStepSize/rs.etaAnneal, f)
}

// windowEnd records the end of a convergence window after step t: dist is
// max_k ‖P̄_k − P̄'_k‖_F between the window's mean projections and the
// previous window's, negative for the first window.
func (rs *runSchedule) windowEnd(t int, dist float64) {
	if rs.converged || rs.cfg.Tol == 0 || dist < 0 || dist > rs.cfg.Tol {
		return
	}
	rs.converged = true
	switch {
	case rs.cfg.Schedule == ScheduleGeometric:
		rs.steps = t + 1
	case t+1 < rs.annealAt:
		rs.anneal(t + 1)
	}
}
