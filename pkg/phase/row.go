package phase

import (
	"fmt"
	"math"

	"github.com/molrg/molrg/pkg/results"
)

// Row is the outcome of one run: one line of the results table
// (n,K,d,Nk,instance,method,noise,error,success,seconds).
type Row struct {
	Key
	Error   float64 `csv:"error"`   // max_k ‖U_{ϖ(k)}U_{ϖ(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F after the best permutation ϖ
	Success bool    `csv:"success"` // Error ≤ τ
	Seconds float64 `csv:"seconds"` // wall time of the run (Algorithm 1: its share of the batched training)
	// Algorithm 1 only (0 and false for the classical methods):
	Steps     int  `csv:"steps"`     // SGD steps the run took (dae.Result.Steps)
	Converged bool `csv:"converged"` // it stopped on convergence before the maximum (dae.Result.Converged)
}

// Read reads a results table written by Run (a torn last line is left out)
// and checks every row.
func Read(path string) ([]Row, error) {
	rows, _, err := results.Read[Row](path)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("phase: %s row %d: %w", path, i+1, err)
		}
	}
	return rows, nil
}

func (r Row) check() error {
	if _, err := ParseMethod(string(r.Method)); err != nil {
		return err
	}
	if r.K < 1 || r.N < 1 || r.D < 1 || r.Nk < 1 || r.Instance < 0 || !(r.Noise >= 0) {
		return fmt.Errorf("values out of range: %s", r.Key)
	}
	if r.Success && !(r.Error >= 0) && !math.IsNaN(r.Error) {
		return fmt.Errorf("negative error %v", r.Error)
	}
	return nil
}
