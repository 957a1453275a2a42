package sampler_test

import (
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/sampler"
)

// The paper's sampler (18 Heun steps, 35 denoiser calls) with the
// ground-truth denoiser, n = 48, K = 2, d = 6, for a batch of 256.
func BenchmarkEDMHeunMoLRG(b *testing.B) {
	m, _ := molrg.New(molrg.Params{N: 48, Dims: []int{6, 6}, Orthogonal: true}, 1)
	s, _ := sampler.New(backend.Must(), truthDenoiser(m), sampler.Options{})
	z, _ := sampler.Noise(256, 48, 1)
	if _, err := s.EDM(z, sampler.DefaultConfig(), false); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.EDM(z, sampler.DefaultConfig(), false); err != nil {
			b.Fatal(err)
		}
	}
}
