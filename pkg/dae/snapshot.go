package dae

import "fmt"

// snapshots records the bases of every run after the steps of
// Config.Snapshots, for the kernels: before each chunk of steps the kernel
// calls take (which records every snapshot due at the steps done so far)
// and ends the chunk at limit.
type snapshots struct {
	steps []int         // Config.Snapshots
	bases [][][]float32 // bases[c][k]: U_k of every run after steps[c], [runs, n, d_k] row-major
}

// take records the bases returned by get for every snapshot at or before
// step done not yet recorded.
func (s *snapshots) take(done int, get func() ([][]float32, error)) error {
	for len(s.bases) < len(s.steps) && s.steps[len(s.bases)] <= done {
		b, err := get()
		if err != nil {
			return err
		}
		s.bases = append(s.bases, b)
	}
	return nil
}

// limit ends a chunk that would run to end at the next snapshot instead.
func (s *snapshots) limit(end int) int {
	if len(s.bases) < len(s.steps) {
		return min(end, s.steps[len(s.bases)])
	}
	return end
}

// validateSnapshots checks Config.Snapshots.
func (c *Config) validateSnapshots() error {
	for i, s := range c.Snapshots {
		if s < 0 || s > c.Steps || i > 0 && s <= c.Snapshots[i-1] {
			return fmt.Errorf("dae: Snapshots = %v, want increasing step counts in 0 … Steps = %d", c.Snapshots, c.Steps)
		}
	}
	return nil
}
