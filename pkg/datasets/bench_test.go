package datasets

import (
	"testing"
)

// Load time of each installed data set with its defaults:
//
//	go test -run XXX -bench Load -benchtime 3x ./pkg/datasets/
func BenchmarkLoad(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			if _, err := Load(name); err != nil {
				b.Skip(err)
			}
			for b.Loop() {
				if _, err := Load(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Area resize of 1000 RGB images 64×64 → 32×32 and 28×28 → 20×20 (a
// non-integer factor).
func BenchmarkResize(b *testing.B) {
	for _, tc := range []struct{ h, w, c, oh int }{{64, 64, 3, 32}, {28, 28, 1, 20}} {
		im := randomImages(1000, tc.h, tc.w, tc.c, 1)
		b.Run(dimString([]int{tc.h, tc.oh}), func(b *testing.B) {
			for b.Loop() {
				if _, err := im.Resize(tc.oh, tc.oh); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
