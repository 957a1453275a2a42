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
// sampler's own 18-step Heun sample from the same noise, for an image its
// DDIM reconstruction; and the ξ = 0 column of an edit grid (computed in one
// batch with the other strengths) is that image, bit for bit. Checked for
// the true posterior (float64) and a float32 U-Net.
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
		img, err := c.e.Invert(componentSample(t, m, 1, 3), sigma, 20)
		if err != nil {
			t.Fatal(err)
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
