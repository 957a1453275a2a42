package unet

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

type modKind int

const (
	modConv  modKind = iota // the encoder's first 3×3 conv
	modBlock                // a UNetBlock
	modOut                  // the decoder's output head: GroupNorm, SiLU, 3×3 conv
)

// module is one entry of SongUNet's enc/dec ModuleDicts.
type module struct {
	name          string
	kind          modKind
	in, out       int
	res           int // output resolution
	up, down      bool
	attn, catSkip bool // self-attention; concatenate a skip before the block
}

func (m module) hasSkipConv() bool { return m.in != m.out || m.up || m.down }

// normChannels lists the channel counts of the GroupNorms of m.
func (m module) normChannels() []int {
	switch m.kind {
	case modBlock:
		if m.attn {
			return []int{m.in, m.out, m.out}
		}
		return []int{m.in, m.out}
	case modOut:
		return []int{m.in}
	}
	return nil
}

// numParams counts the trainable parameters of m (weights and biases).
func (m module) numParams(c Config) int {
	conv := func(in, out, k int) int { return k*k*in*out + out }
	switch m.kind {
	case modConv:
		return conv(m.in, m.out, 3)
	case modOut:
		return 2*m.in + conv(m.in, m.out, 3)
	}
	p := 2*m.in + conv(m.in, m.out, 3) + // norm0, conv0
		c.embChannels()*m.out + m.out + // affine
		2*m.out + conv(m.out, m.out, 3) // norm1, conv1
	if m.hasSkipConv() {
		p += conv(m.in, m.out, 1)
	}
	if m.attn {
		p += 2*m.out + conv(m.out, 3*m.out, 1) + conv(m.out, m.out, 1) // norm2, qkv, proj
	}
	return p
}

// planNet lists the modules of SongUNet in execution order (EDM
// networks.py, SongUNet.__init__, standard encoder and decoder).
func planNet(c Config) []module {
	var mods []module
	var skips []int
	cout := c.Channels
	for level, mult := range c.ChannelMult {
		res := c.ImageSize >> level
		if level == 0 {
			mods = append(mods, module{name: fmt.Sprintf("enc_%dx%d_conv", res, res), kind: modConv,
				in: cout, out: c.ModelChannels, res: res})
			cout = c.ModelChannels
		} else {
			mods = append(mods, module{name: fmt.Sprintf("enc_%dx%d_down", res, res), kind: modBlock,
				in: cout, out: cout, res: res, down: true})
		}
		skips = append(skips, cout)
		for idx := range c.NumBlocks {
			cin := cout
			cout = c.ModelChannels * mult
			mods = append(mods, module{name: fmt.Sprintf("enc_%dx%d_block%d", res, res, idx), kind: modBlock,
				in: cin, out: cout, res: res, attn: c.hasAttn(res)})
			skips = append(skips, cout)
		}
	}
	for level := len(c.ChannelMult) - 1; level >= 0; level-- {
		res, mult := c.ImageSize>>level, c.ChannelMult[level]
		if level == len(c.ChannelMult)-1 {
			mods = append(mods,
				module{name: fmt.Sprintf("dec_%dx%d_in0", res, res), kind: modBlock, in: cout, out: cout, res: res, attn: true},
				module{name: fmt.Sprintf("dec_%dx%d_in1", res, res), kind: modBlock, in: cout, out: cout, res: res})
		} else {
			mods = append(mods, module{name: fmt.Sprintf("dec_%dx%d_up", res, res), kind: modBlock,
				in: cout, out: cout, res: res, up: true})
		}
		for idx := range c.NumBlocks + 1 {
			skip := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			cin := cout + skip
			cout = c.ModelChannels * mult
			mods = append(mods, module{name: fmt.Sprintf("dec_%dx%d_block%d", res, res, idx), kind: modBlock,
				in: cin, out: cout, res: res, attn: idx == c.NumBlocks && c.hasAttn(res), catSkip: true})
		}
		if level == 0 {
			mods = append(mods, module{name: fmt.Sprintf("dec_%dx%d_aux", res, res), kind: modOut,
				in: cout, out: c.Channels, res: res})
		}
	}
	return mods
}

// CountParams returns the number of trainable parameters of the network
// described by c (the fixed Fourier frequencies, a buffer in EDM, are not
// counted), computed from the architecture without building it.
func CountParams(c Config) (int, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	e, nc := c.embChannels(), c.noiseChannels()
	total := nc*e + e + e*e + e // map_layer0, map_layer1
	for _, m := range planNet(c) {
		total += m.numParams(c)
	}
	return total, nil
}

// unet builds F_θ(x_in; c_noise) (SongUNet.forward) for x [B, S, S, C] and
// cNoise [B] with the variables of scope.
func (f *fwd) unet(scope *model.Scope, x, cNoise *Node) *Node {
	emb := f.embedding(scope.In("map"), cNoise)
	var skips []*Node
	for _, m := range planNet(*f.cfg) {
		s := scope.In("%s", m.name)
		switch m.kind {
		case modConv:
			x = f.conv(s, x, m.out, 3, gainInit, 1)
			skips = append(skips, x)
		case modBlock:
			if m.catSkip {
				x = Concatenate([]*Node{x, skips[len(skips)-1]}, 3)
				skips = skips[:len(skips)-1]
			}
			x = f.block(s, x, emb, m)
			if !strings.HasPrefix(m.name, "dec_") {
				skips = append(skips, x)
			}
		case modOut:
			x = f.conv(s.In("conv"), silu(f.groupNorm(s.In("norm"), x)), m.out, 3, gainZero, 1)
		}
	}
	return x
}

// Weights selects which copy of the parameters a graph uses.
type Weights int

const (
	// WeightsEMA are the exponential moving averages of the trained
	// weights (what EDM samples from).
	WeightsEMA Weights = iota
	// WeightsRaw are the weights the optimizer updates.
	WeightsRaw
)

func (w Weights) scope() string {
	if w == WeightsRaw {
		return "/net"
	}
	return "/ema"
}

// Net is a DDPM++ U-Net with EDM preconditioning. Its variables live in a
// model.Store: the trained weights under "/net", their EMA under "/ema"
// (and, once a Trainer is attached, Adam's moments under "/adam").
type Net struct {
	cfg     Config
	backend compute.Backend
	store   *model.Store

	mu    sync.Mutex
	execs map[Weights]*model.Exec
}

// New builds the network described by cfg on backend and initialises its
// weights (SongUNet's xavier-uniform scheme, seeded by cfg.Seed); the EMA
// weights start as a copy (EDM: ema = deepcopy(net)).
func New(backend compute.Backend, cfg Config) (*Net, error) {
	if backend == nil {
		return nil, fmt.Errorf("unet: backend is nil")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := &Net{cfg: cfg.clone(), backend: backend, store: model.NewStore(), execs: map[Weights]*model.Exec{}}
	// Create the variables by building the graph once (not compiled).
	inits := map[string]initSpec{}
	err := exceptions.TryCatch[error](func() {
		g := NewGraph(backend, "unet_variables")
		defer g.Finalize()
		s := n.cfg.ImageSize
		x := Parameter(g, "x", shapes.Make(n.cfg.DType, 1, s, s, n.cfg.Channels))
		c := Parameter(g, "c_noise", shapes.Make(n.cfg.DType, 1))
		f := &fwd{cfg: &n.cfg, g: g, inits: inits}
		f.unet(n.store.Scope("/net"), x, c)
	})
	if err != nil {
		return nil, fmt.Errorf("unet: building the network: %w", err)
	}
	// Initialise on the host (no graph to compile): the same values the
	// variables' graph initialisers would produce.
	for v := range n.store.IterVariables() {
		if v.HasValue() {
			continue
		}
		spec, ok := inits[v.Path()]
		if !ok {
			return nil, fmt.Errorf("unet: no initialiser recorded for %s", v.Path())
		}
		if err := v.SetValue(spec.hostTensor(n.cfg.Seed, v.Path(), v.Shape())); err != nil {
			return nil, err
		}
	}
	if err := n.CopyRawToEMA(); err != nil {
		return nil, err
	}
	return n, nil
}

// Config returns (a copy of) the network's configuration.
func (n *Net) Config() Config { return n.cfg.clone() }

// Backend returns the backend the network runs on.
func (n *Net) Backend() compute.Backend { return n.backend }

// Store returns the model.Store holding the variables ("/net", "/ema", "/adam").
func (n *Net) Store() *model.Store { return n.store }

// vars returns the variables under prefix ("/net", "/ema", "/adam"), in creation order.
func (n *Net) vars(prefix string) []*model.Variable {
	var out []*model.Variable
	for v := range n.store.IterVariables() {
		if strings.HasPrefix(v.Path(), prefix+"/") {
			out = append(out, v)
		}
	}
	return out
}

// trainable reports whether a "/net" variable is trained (everything but
// the fixed Fourier frequencies).
func trainable(v *model.Variable) bool { return v.Name() != "freqs" }

// NumParams returns the number of trainable parameters (equal to
// CountParams(n.Config())).
func (n *Net) NumParams() int {
	total := 0
	for _, v := range n.vars("/net") {
		if trainable(v) {
			total += v.Shape().Size()
		}
	}
	return total
}

// CopyRawToEMA sets the EMA weights to (copies of) the raw weights.
func (n *Net) CopyRawToEMA() error {
	for _, v := range n.vars("/net") {
		val, err := v.Value()
		if err != nil {
			return fmt.Errorf("unet: reading %s: %w", v.Path(), err)
		}
		cp, err := val.Clone()
		if err != nil {
			return fmt.Errorf("unet: copying %s: %w", v.Path(), err)
		}
		path := "/ema" + strings.TrimPrefix(v.Path(), "/net")
		if e := n.store.GetVariable(path); e != nil {
			if err := e.SetValue(cp); err != nil {
				return err
			}
			continue
		}
		e, err := n.store.CreateVariable(path, cp)
		if err != nil {
			return err
		}
		e.SetTrainable(false)
	}
	return nil
}
