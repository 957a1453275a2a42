package edit

import (
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
)

// ξ = 0 reproduces the unedited image exactly: for a fresh sample the
// sampler's own 18-step Heun sample from the same noise (stopped at σ_t and
// continued), for an image its DDIM reconstruction, which is close to the
// image; the ξ = 0 column of an edit grid is that image, bit for bit, and
// the other columns differ from it. Checked for the true posterior (float64)
// and a float32 U-Net.
func TestXiZeroIsTheUneditedImage(t *testing.T) {
	truth, m := truthEditor(t, 3)
	cfg := unet.DefaultConfig(4, 3)
	cfg.ModelChannels, cfg.ChannelMult, cfg.Dropout = 8, []int{1}, 0
	net, err := unet.New(backend.Must(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	un, err := New(backend.Must(), experiment.UNetDenoiser("u", net), experiment.Dim)
	if err != nil {
		t.Fatal(err)
	}
	scfg := sampler.DefaultConfig()
	sigma, index := levelAt(t, PaperTime)
	xi := []float64{-2, -1, 0, 1, 2}
	for _, c := range []struct {
		name string
		e    *Editor
	}{{"true posterior", truth}, {"U-Net (float32)", un}} {
		z := RandomDirection(experiment.Dim, 5)
		fresh, err := c.e.Sample(z, scfg, index)
		if err != nil {
			t.Fatal(err)
		}
		if fresh.Sigma != sigma {
			t.Errorf("%s: stopped at σ = %v, want %v", c.name, fresh.Sigma, sigma)
		}
		whole, err := c.e.smp.EDM(mat.NewDense(1, len(z), z), scfg, false)
		if err != nil {
			t.Fatal(err)
		}
		if d := maxAbs(whole.X.RawRowView(0), fresh.Clean); d != 0 {
			t.Errorf("%s: the sample stopped at σ_t and continued differs from the sampler's by %.3g, want 0", c.name, d)
		}
		x0 := componentSample(t, m, 1, 3)
		img, err := c.e.Invert(x0, sigma, 20)
		if err != nil {
			t.Fatal(err)
		}
		if c.e == truth {
			// DDIM inversion and back is a first-order (Euler) round trip of
			// the probability-flow ODE: 4× the steps, ≈ ¼ of the error.
			fine, err := c.e.Invert(x0, sigma, 80)
			if err != nil {
				t.Fatal(err)
			}
			e20, e80 := maxAbs(img.Clean, x0), maxAbs(fine.Clean, x0)
			t.Logf("round-trip error: %.3g with 20 steps, %.3g with 80", e20, e80)
			if e80 > e20/2.5 || e80 > 0.05 {
				t.Errorf("DDIM round trip: error %.3g with 20 steps, %.3g with 80, want ≈ ¼ and < 0.05", e20, e80)
			}
		}
		for _, l := range []*Latent{fresh, img} {
			dirs := mat.NewDense(len(z), 2, nil)
			dirs.SetCol(0, RandomDirection(len(z), 8))
			dirs.SetCol(1, RandomDirection(len(z), 9))
			g, err := c.e.Grid(l, dirs, xi)
			if err != nil {
				t.Fatal(err)
			}
			for i := range g {
				if d := maxAbs(g[i][2], l.Clean); d != 0 {
					t.Errorf("%s (%v): direction %d, ξ = 0 differs from the unedited image by %.3g, want 0", c.name, l.Method, i, d)
				}
				if d := maxAbs(g[i][3], l.Clean); d == 0 {
					t.Errorf("%s (%v): direction %d, ξ = 1 is the unedited image", c.name, l.Method, i)
				}
			}
		}
	}
}
