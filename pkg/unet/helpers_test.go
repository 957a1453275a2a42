package unet

// tinyConfig is a network small enough for fast tests on the pure-Go
// backend: 4×4×3 images, 4 base channels, two levels, one block per level,
// dropout on.
func tinyConfig() Config {
	c := DefaultConfig(4, 3)
	c.ModelChannels = 4
	c.ChannelMult = []int{1, 1}
	c.ChannelMultEmb = 2
	return c
}
