package jacobian_test

import (
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/jacobian"
	"github.com/molrg/molrg/pkg/molrg"
)

// The Jacobians of Figure 3 at one step: 15 points, n = 48, ground truth.
func BenchmarkJacobianMoLRG(b *testing.B) {
	m, _ := molrg.New(molrg.Params{N: 48, Dims: []int{6, 6}, Orthogonal: true}, 1)
	c, _ := jacobian.New(backend.Must(), truth(m), jacobian.Options{})
	x := gaussian(15, 48, 1)
	if _, err := c.At(x, 1); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := c.At(x, 1); err != nil {
			b.Fatal(err)
		}
	}
}
