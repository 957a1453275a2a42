package phase_test

import (
	"context"
	"fmt"
	"os"

	"github.com/molrg/molrg/pkg/phase"
)

// A small noise-free sweep of the classical methods: PCA recovers the
// subspace exactly from N_k ≥ d samples and never from fewer (Theorem 2).
func Example() {
	g := phase.Grid{Ns: []int{12}, Ks: []int{1}, Ds: []int{2, 3}, Nks: phase.Range(1, 4), Instances: 4,
		Methods: []phase.Method{phase.Classic}, Seed: 1}
	var rows []phase.Row
	err := phase.Sweep(context.Background(), g, phase.DefaultOptions(), nil, func(b []phase.Row) error {
		rows = append(rows, b...)
		return nil
	})
	if err != nil {
		panic(err)
	}
	t := phase.Tabulate(rows)[0]
	for _, nk := range t.Nks {
		fmt.Printf("N_k = %d:", nk)
		for _, d := range t.Ds {
			c, _ := t.Cell(d, nk)
			fmt.Printf("  d = %d: %d/%d", d, c.Successes, c.Runs)
		}
		fmt.Println()
	}
	phase.WriteBoundary(os.Stdout, []*phase.Table{t})
	// Output:
	// N_k = 1:  d = 2: 0/4  d = 3: 0/4
	// N_k = 2:  d = 2: 4/4  d = 3: 0/4
	// N_k = 3:  d = 2: 4/4  d = 3: 4/4
	// N_k = 4:  d = 2: 4/4  d = 3: 4/4
	// noise  n     K   method   Nk = d-1       Nk = d         Nk = d+1
	// 0      12    1   classic    0.0% (8)     100.0% (8)     100.0% (8)
}
