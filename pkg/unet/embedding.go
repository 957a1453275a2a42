package unet

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// PositionalMaxPositions is EDM's max_positions of PositionalEmbedding.
const PositionalMaxPositions = 10000

// PositionalEmbeddingGraph is EDM's PositionalEmbedding (endpoint=True)
// of c [B] into [B, channels] (channels even), already in the [sin, cos]
// order SongUNet.forward produces by swapping the halves:
//
//	f_j = (1/max_positions)^{j/(channels/2 − 1)},  j = 0 … channels/2 − 1,
//	emb = [sin(c·f_0) … sin(c·f_{h−1}), cos(c·f_0) … cos(c·f_{h−1})].
func PositionalEmbeddingGraph(c *Node, channels int) *Node {
	half := channels / 2
	freqs := make([]float64, half)
	for j := range freqs {
		freqs[j] = math.Pow(1.0/PositionalMaxPositions, float64(j)/float64(half-1))
	}
	return sinCosEmbedding(c, freqs)
}

// sinCosEmbedding returns [sin(c⊗f), cos(c⊗f)] for c [B] and host frequencies f.
func sinCosEmbedding(c *Node, freqs []float64) *Node {
	f := ConvertDType(Const(c.Graph(), freqs), c.DType())
	return sinCosEmbeddingNode(c, f)
}

func sinCosEmbeddingNode(c, f *Node) *Node {
	b := c.Shape().Dimensions[0]
	arg := Mul(Reshape(c, b, 1), Reshape(f, 1, f.Shape().Size()))
	return Concatenate([]*Node{Sin(arg), Cos(arg)}, 1)
}

// fourierEmbedding is EDM's FourierEmbedding (NCSN++): fixed frequencies
// 2π·f_j, f_j ~ N(0, scale²), kept in a non-trainable variable "freqs", then
// swapped to [sin, cos] like the positional one.
func (f *fwd) fourierEmbedding(scope *model.Scope, c *Node, channels int) *Node {
	freqs := f.param(scope, "freqs", []int{channels / 2}, initNormal(f.cfg.FourierScale))
	return sinCosEmbeddingNode(c, MulScalar(freqs, 2*math.Pi))
}

// embedding maps c_noise [B] to the block-conditioning vector [B, E],
// E = ModelChannels·ChannelMultEmb (SongUNet "Mapping"):
//
//	emb = SiLU(W₁·SiLU(W₀·embed(c_noise) + b₀) + b₁).
func (f *fwd) embedding(scope *model.Scope, cNoise *Node) *Node {
	nc := f.cfg.noiseChannels()
	var e *Node
	if f.cfg.Embedding == EmbeddingFourier {
		e = f.fourierEmbedding(scope.In("fourier"), cNoise, nc)
	} else {
		e = PositionalEmbeddingGraph(cNoise, nc)
	}
	e = silu(f.linear(scope.In("layer0"), e, f.cfg.embChannels(), 1))
	e = silu(f.linear(scope.In("layer1"), e, f.cfg.embChannels(), 1))
	return e
}
