package subspace

import "testing"

// K-subspaces on the grid point n = 48, K = 3, d = 6, N_k = 12 of Figures 4 and 8.
func BenchmarkKSubspaces(b *testing.B) {
	_, s := orthogonalMoLRG(b, 48, 3, 6, 12, 1)
	for _, c := range []struct {
		name string
		opts KSubspacesOptions
	}{
		{"spectral", KSubspacesOptions{Init: InitSpectral}},
		{"random-R10", KSubspacesOptions{Init: InitRandom}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := KSubspaces(s.X, []int{6, 6, 6}, c.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPCA(b *testing.B) {
	_, s := orthogonalMoLRG(b, 48, 1, 6, 12, 1)
	for b.Loop() {
		if _, err := PCA(s.X, 6); err != nil {
			b.Fatal(err)
		}
	}
}
