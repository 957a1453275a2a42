package unet

import (
	"fmt"
	"math"
	"slices"

	"github.com/molrg/molrg/pkg/param"

	"github.com/gomlx/compute/dtypes"
	"github.com/molrg/molrg/pkg/diffusion"
)

// EmbeddingType selects the noise-level embedding of c_noise.
type EmbeddingType int

const (
	// EmbeddingPositional is the sinusoidal embedding of DDPM++ (EDM's
	// PositionalEmbedding, endpoint=True, max_positions=10000).
	EmbeddingPositional EmbeddingType = iota
	// EmbeddingFourier is the random Fourier feature embedding of NCSN++
	// (EDM's FourierEmbedding, frequencies ~ N(0, FourierScale²), fixed).
	EmbeddingFourier
)

// String returns "positional" or "fourier".
func (e EmbeddingType) String() string {
	switch e {
	case EmbeddingPositional:
		return "positional"
	case EmbeddingFourier:
		return "fourier"
	}
	return fmt.Sprintf("EmbeddingType(%d)", int(e))
}

// Downsample selects how the encoder halves the resolution.
type Downsample int

const (
	// DownAvgPool is EDM's DDPM++ choice (resample_filter [1,1]): a 2×2
	// average pool before the block's 3×3 convolution and its 1×1 skip.
	DownAvgPool Downsample = iota
	// DownStridedConv replaces pool+conv by stride-2 convolutions.
	DownStridedConv
)

// String returns "avgpool" or "strided".
func (d Downsample) String() string {
	switch d {
	case DownAvgPool:
		return "avgpool"
	case DownStridedConv:
		return "strided"
	}
	return fmt.Sprintf("Downsample(%d)", int(d))
}

// Config describes a DDPM++-style U-Net (EDM's SongUNet with the DDPM++
// settings: standard encoder/decoder, adaptive_scale=False, skip_scale=√½,
// GroupNorm ε=1e-6, one attention head) wrapped in EDM preconditioning.
// Images are square, channels-last [B, ImageSize, ImageSize, Channels].
//
// The resolution of level ℓ is ImageSize/2^ℓ, ℓ = 0 … len(ChannelMult)−1.
type Config struct {
	ImageSize        int           // H = W ≥ 1, divisible by 2^(len(ChannelMult)−1)
	Channels         int           // image channels (input = output), ≥ 1
	ModelChannels    int           // base channel count (EDM model_channels), ≥ 4
	ChannelMult      []int         // per-level channel multipliers (EDM channel_mult), each ≥ 1
	ChannelMultEmb   int           // embedding width = ModelChannels·ChannelMultEmb (EDM: 4)
	ChannelMultNoise int           // noise-embedding width = ModelChannels·ChannelMultNoise (DDPM++: 1)
	NumBlocks        int           // residual blocks per level (EDM num_blocks), ≥ 1
	AttnResolutions  []int         // resolutions with self-attention (EDM attn_resolutions); the bottleneck always has one
	NumHeads         int           // attention heads (DDPM++: 1)
	Dropout          float64       // dropout probability in [0, 1) inside residual blocks
	Embedding        EmbeddingType // noise embedding
	FourierScale     float64       // σ of the Fourier frequencies (EDM: 16); only for EmbeddingFourier
	Downsample       Downsample    // DownAvgPool (EDM) or DownStridedConv
	Conv             ConvImpl      // convolution lowering, ConvIm2col by default
	DType            dtypes.DType  // Float32 (default) or Float64
	SigmaData        float64       // σ_d of EDM preconditioning, > 0 (EDM: 0.5)
	Seed             uint64        // weight initialisation seed
}

// DefaultConfig is a small U-Net for CPU training: 32 base channels,
// multipliers [1, 2], one block per level, no attention but the
// bottleneck's, dropout 0.1, positional embedding, float32, im2col
// convolutions.
func DefaultConfig(imageSize, channels int) Config {
	return Config{
		ImageSize:        imageSize,
		Channels:         channels,
		ModelChannels:    32,
		ChannelMult:      []int{1, 2},
		ChannelMultEmb:   4,
		ChannelMultNoise: 1,
		NumBlocks:        1,
		AttnResolutions:  nil,
		NumHeads:         1,
		Dropout:          0.10,
		Embedding:        EmbeddingPositional,
		FourierScale:     16,
		Downsample:       DownAvgPool,
		Conv:             ConvIm2col,
		DType:            dtypes.Float32,
		SigmaData:        diffusion.SigmaData,
		Seed:             1,
	}
}

// AuthorsConfig is the network of the paper's U-Net runs (EDM's CIFAR-10
// DDPM++ network, run by the authors on 4×4×3 MoLRG images): 128 base
// channels, channel_mult [2, 2, 2], 4 blocks per level, attention at
// resolution 16, dropout 0.13 (EDM train.py default), positional embedding.
//
// With 4×4 images the levels are 4×4, 2×2 and 1×1, so resolution 16 never
// occurs: the only attention layer is the one SongUNet always puts in the
// first decoder block of the lowest level. This removes the 5 attention
// layers the 32×32 CIFAR network has at 16×16 (≈1.3 M parameters) and gives
// CountParams(AuthorsConfig(4, 3)) = 54 414 339 (the 32×32 CIFAR-10 network gives 55 732 739, EDM's 55.73 M), the "≈54 M" of the paper.
func AuthorsConfig(imageSize, channels int) Config {
	c := DefaultConfig(imageSize, channels)
	c.ModelChannels = 128
	c.ChannelMult = []int{2, 2, 2}
	c.NumBlocks = 4
	c.AttnResolutions = []int{16}
	c.Dropout = 0.13
	return c
}

// Validate checks every field and returns an error naming the first bad
// one and its allowed range.
func (c Config) Validate() error {
	if c.ImageSize < 1 {
		return param.Errorf("unet", "ImageSize", c.ImageSize, "≥ 1")
	}
	if c.Channels < 1 {
		return param.Errorf("unet", "Channels", c.Channels, "≥ 1")
	}
	if c.ModelChannels < 4 {
		return param.Errorf("unet", "ModelChannels", c.ModelChannels, "≥ 4 (GroupNorm needs ≥ 4 channels per group)")
	}
	if len(c.ChannelMult) < 1 {
		return fmt.Errorf("unet: len(ChannelMult) = 0, want ≥ 1 level")
	}
	for i, m := range c.ChannelMult {
		if m < 1 {
			return fmt.Errorf("unet: ChannelMult[%d] = %d, want ≥ 1", i, m)
		}
	}
	if f := 1 << (len(c.ChannelMult) - 1); c.ImageSize%f != 0 {
		return fmt.Errorf("unet: ImageSize = %d with %d levels, want a multiple of 2^(levels−1) = %d",
			c.ImageSize, len(c.ChannelMult), f)
	}
	if c.ChannelMultEmb < 1 {
		return param.Errorf("unet", "ChannelMultEmb", c.ChannelMultEmb, "≥ 1")
	}
	if c.ChannelMultNoise < 1 {
		return param.Errorf("unet", "ChannelMultNoise", c.ChannelMultNoise, "≥ 1")
	}
	if c.NumBlocks < 1 {
		return param.Errorf("unet", "NumBlocks", c.NumBlocks, "≥ 1")
	}
	for i, r := range c.AttnResolutions {
		if r < 1 {
			return fmt.Errorf("unet: AttnResolutions[%d] = %d, want ≥ 1", i, r)
		}
	}
	if c.NumHeads < 1 {
		return param.Errorf("unet", "NumHeads", c.NumHeads, "≥ 1")
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		return param.Errorf("unet", "Dropout", c.Dropout, "in [0, 1)")
	}
	if c.Embedding != EmbeddingPositional && c.Embedding != EmbeddingFourier {
		return fmt.Errorf("unet: Embedding = %d, want EmbeddingPositional (0) or EmbeddingFourier (1)", int(c.Embedding))
	}
	if c.Embedding == EmbeddingFourier && !(c.FourierScale > 0) {
		return param.Errorf("unet", "FourierScale", c.FourierScale, "> 0")
	}
	if c.Downsample != DownAvgPool && c.Downsample != DownStridedConv {
		return fmt.Errorf("unet: Downsample = %d, want DownAvgPool (0) or DownStridedConv (1)", int(c.Downsample))
	}
	if c.Conv != ConvIm2col && c.Conv != ConvStock {
		return fmt.Errorf("unet: Conv = %d, want ConvIm2col (0) or ConvStock (1)", int(c.Conv))
	}
	if c.DType != dtypes.Float32 && c.DType != dtypes.Float64 {
		return param.Errorf("unet", "DType", c.DType, "Float32 or Float64")
	}
	if !(c.SigmaData > 0) || math.IsInf(c.SigmaData, 0) {
		return param.Errorf("unet", "SigmaData", c.SigmaData, "finite > 0")
	}
	// Every GroupNorm needs C divisible by its group count, and attention
	// needs C divisible by the number of heads.
	for _, m := range planNet(c) {
		for _, ch := range m.normChannels() {
			if g := GroupCount(ch); g < 1 || ch%g != 0 {
				return param.Errorf("unet", "ModelChannels", c.ModelChannels, "a value that gives every GroupNorm a channel count "+
					"divisible by its min(32, C/4) groups (%s has %d channels, %d groups; a multiple of 32 always works)", m.name, ch, g)
			}
		}
		if m.attn && m.out%c.NumHeads != 0 {
			return fmt.Errorf("unet: NumHeads = %d does not divide the %d channels of %s", c.NumHeads, m.out, m.name)
		}
	}
	return nil
}

// hasAttn reports whether resolution res has self-attention.
func (c Config) hasAttn(res int) bool { return slices.Contains(c.AttnResolutions, res) }

func (c Config) embChannels() int   { return c.ModelChannels * c.ChannelMultEmb }
func (c Config) noiseChannels() int { return c.ModelChannels * c.ChannelMultNoise }

// clone returns a deep copy (slices included).
func (c Config) clone() Config {
	c.ChannelMult = slices.Clone(c.ChannelMult)
	c.AttnResolutions = slices.Clone(c.AttnResolutions)
	return c
}
