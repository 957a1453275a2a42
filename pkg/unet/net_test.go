package unet

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/molrg/molrg/pkg/backend"
)

// TestCountParamsMatchesBuilt: the analytic count equals the size of the
// variables the graph actually creates.
func TestCountParamsMatchesBuilt(t *testing.T) {
	fourier := tinyConfig()
	fourier.Embedding = EmbeddingFourier
	strided := tinyConfig()
	strided.Downsample = DownStridedConv
	attn := tinyConfig()
	attn.AttnResolutions = []int{4, 2}
	three := tinyConfig()
	three.ImageSize, three.Channels, three.ChannelMult, three.NumBlocks = 8, 1, []int{1, 2, 2}, 2
	for name, c := range map[string]Config{"tiny": tinyConfig(), "fourier": fourier, "strided": strided,
		"attention": attn, "three-levels": three, "default": DefaultConfig(4, 3)} {
		want, err := CountParams(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n, err := New(backend.Must(), c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := n.NumParams(); got != want {
			t.Errorf("%s: built %d parameters, CountParams says %d", name, got, want)
		}
	}
}

// TestAuthorsParamCount compares with published counts: EDM reports
// 55.73 M parameters for its DDPM++ CIFAR-10 network (32×32×3, the same
// architecture as AuthorsConfig; EDM's extra 9→128 augmentation input adds
// only 1152), and the paper reports ≈54 M for its 4×4×3 MoLRG runs.
func TestAuthorsParamCount(t *testing.T) {
	cifar, err := CountParams(AuthorsConfig(32, 3))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(cifar+1152)/1e6-55.73) > 0.005 {
		t.Errorf("32×32 count %d, want 55.73 M (EDM)", cifar)
	}
	molrg, err := CountParams(AuthorsConfig(4, 3))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(molrg)/1e6-54) > 0.5 {
		t.Errorf("4×4 count %d, want ≈ 54 M (paper)", molrg)
	}
	t.Logf("AuthorsConfig(4, 3): %d parameters; AuthorsConfig(32, 3): %d", molrg, cifar)
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"image size", func(c *Config) { c.ImageSize = 0 }, "ImageSize"},
		{"channels", func(c *Config) { c.Channels = 0 }, "Channels"},
		{"model channels", func(c *Config) { c.ModelChannels = 0 }, "ModelChannels"},
		{"no levels", func(c *Config) { c.ChannelMult = nil }, "ChannelMult"},
		{"bad mult", func(c *Config) { c.ChannelMult = []int{1, 0} }, "ChannelMult[1]"},
		{"not divisible", func(c *Config) { c.ImageSize, c.ChannelMult = 6, []int{1, 1, 1} }, "2^(levels−1)"},
		{"blocks", func(c *Config) { c.NumBlocks = 0 }, "NumBlocks"},
		{"dropout high", func(c *Config) { c.Dropout = 1 }, "Dropout"},
		{"dropout low", func(c *Config) { c.Dropout = -0.1 }, "Dropout"},
		{"dropout NaN", func(c *Config) { c.Dropout = math.NaN() }, "Dropout"},
		{"heads", func(c *Config) { c.NumHeads = 0 }, "NumHeads"},
		{"heads divide", func(c *Config) { c.NumHeads = 3 }, "NumHeads"},
		{"emb", func(c *Config) { c.ChannelMultEmb = 0 }, "ChannelMultEmb"},
		{"embedding", func(c *Config) { c.Embedding = 7 }, "Embedding"},
		{"fourier scale", func(c *Config) { c.Embedding, c.FourierScale = EmbeddingFourier, 0 }, "FourierScale"},
		{"groups", func(c *Config) { c.ModelChannels = 18 }, "GroupNorm"},
		{"dtype", func(c *Config) { c.DType = dtypes.Int32 }, "DType"},
		{"sigma data", func(c *Config) { c.SigmaData = 0 }, "SigmaData"},
		{"conv", func(c *Config) { c.Conv = 5 }, "Conv"},
	}
	for _, c := range cases {
		cfg := tinyConfig()
		c.mutate(&cfg)
		_, err := New(backend.Must(), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %q", c.name, err, c.want)
		}
	}
	if err := DefaultConfig(4, 3).Validate(); err != nil {
		t.Errorf("DefaultConfig: %v", err)
	}
	if err := AuthorsConfig(4, 3).Validate(); err != nil {
		t.Errorf("AuthorsConfig: %v", err)
	}
}

// TestDenoiseShapes runs the network on MNIST- and CIFAR-sized images.
func TestDenoiseShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, sc := range [][2]int{{28, 1}, {32, 3}} {
		c := tinyConfig()
		c.ImageSize, c.Channels = sc[0], sc[1]
		c.AttnResolutions = []int{sc[0] / 2}
		n, err := New(backend.Must(), c)
		if err != nil {
			t.Fatal(err)
		}
		out, err := n.Denoise(randTensor32(rng, 2, sc[0], sc[0], sc[1]), []float64{0.3, 3})
		if err != nil {
			t.Fatal(err)
		}
		if d := out.Shape().Dimensions; len(d) != 4 || d[0] != 2 || d[1] != sc[0] || d[2] != sc[0] || d[3] != sc[1] {
			t.Errorf("%dx%dx%d: output shape %s", sc[0], sc[0], sc[1], out.Shape())
		}
	}
}

// TestDenoiseGraphPaths: DenoiseGraph in a plain graph.Exec (weights as
// constants, called twice as a Heun step would, scalar σ) equals Denoise
// (model.Exec, weights as parameters), and DenoiseFlat agrees.
func TestDenoiseGraphPaths(t *testing.T) {
	c := tinyConfig()
	c.DType = dtypes.Float64
	c.AttnResolutions = []int{4}
	n, err := New(backend.Must(), c)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(15, 16))
	x := randTensor64(rng, 3, 4, 4, 3)
	const sigma = 0.7
	want, err := n.Denoise(x, []float64{sigma, sigma, sigma})
	if err != nil {
		t.Fatal(err)
	}
	out := MustExecOnceN(backend.Must(), func(x *Node) []*Node {
		s := Scalar(x.Graph(), dtypes.Float64, sigma)
		d1 := n.DenoiseGraph(x, s)
		d2 := n.DenoiseGraph(x, BroadcastToDims(s, 3))
		return []*Node{d1, d2}
	}, x)
	w := tensors.MustCopyFlatData[float64](want)
	for i, o := range out {
		if d := maxAbsDiff(tensors.MustCopyFlatData[float64](o), w); d > 1e-12 {
			t.Errorf("graph call %d differs from Denoise by %g", i, d)
		}
	}
	// Float32 flat helper on a float32 network.
	c.DType = dtypes.Float32
	n32, err := New(backend.Must(), c)
	if err != nil {
		t.Fatal(err)
	}
	x32 := randTensor32(rng, 2, 4, 4, 3)
	ref, err := n32.Denoise(x32, []float64{0.1, 2})
	if err != nil {
		t.Fatal(err)
	}
	flat, err := n32.DenoiseFlat(tensors.MustCopyFlatData[float32](x32), []float64{0.1, 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range tensors.MustCopyFlatData[float32](ref) {
		if flat[i] != v {
			t.Fatalf("DenoiseFlat[%d] = %v, Denoise %v", i, flat[i], v)
		}
	}
	if _, err := n32.DenoiseFlat(make([]float32, 5), []float64{1}); err == nil {
		t.Error("DenoiseFlat accepted a wrong length")
	}
	if _, err := n32.Denoise(x32, []float64{1, -1}); err == nil || !strings.Contains(err.Error(), "sigma") {
		t.Errorf("Denoise with σ < 0: error %v", err)
	}
}

// TestNetStockMatchesIm2col: the whole network gives the same output with
// either convolution lowering (float64, same weights).
func TestNetStockMatchesIm2col(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	x := randTensor64(rng, 2, 4, 4, 3)
	var outs [][]float64
	for _, impl := range []ConvImpl{ConvIm2col, ConvStock} {
		c := tinyConfig()
		c.DType, c.Conv, c.Downsample = dtypes.Float64, impl, DownStridedConv
		n, err := New(backend.Must(), c)
		if err != nil {
			t.Fatal(err)
		}
		// Random weights everywhere (the output layers start near zero), the
		// same for both networks.
		wrng := rand.New(rand.NewPCG(19, 20))
		for v := range n.Store().IterVariables() {
			v.MustSetValue(randTensor64(wrng, v.Shape().Dimensions...))
		}
		out, err := n.DenoiseWeights(WeightsEMA, x, []float64{0.4, 1.3})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, tensors.MustCopyFlatData[float64](out))
	}
	if d := maxAbsDiff(outs[0], outs[1]); d > 1e-9 {
		t.Errorf("im2col vs stock network outputs differ by %g", d)
	}
}
