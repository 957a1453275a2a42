package editing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/edit"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/molrg"
	"github.com/molrg/molrg/pkg/seed"
	"gonum.org/v1/gonum/mat"
)

// data is what a run trains on and edits.
type data struct {
	train *mat.Dense   // N×n training images
	held  *mat.Dense   // held-out images (nil when Held = 0)
	masks [][]float64  // per image of the source set: alpha (H·W), nil without
	model *molrg.Model // the MoLRG (Data = "molrg")
	label []int        // molrg: the component of every held-out (or training) sample
}

// loadData returns the training and held-out images of the run: for a data
// set its images split by seed.Derive(Seed, "edit/split") (datasets.Split),
// for the MoLRG N and Held samples drawn from seed.Derive(Seed, "edit/train")
// and "edit/held" (half of each component, component 0 first).
func loadData(c *Config) (*data, error) {
	if c.Data == MoLRG {
		m, err := experiment.MoLRG(c.D, c.Seed)
		if err != nil {
			return nil, err
		}
		d := &data{model: m}
		half := func(n int) []int { return []int{max(1, (n+1)/2), max(1, n/2)} }
		tr, err := m.SampleCounts(half(c.N), seed.Derive(c.Seed, "edit/train"))
		if err != nil {
			return nil, err
		}
		d.train = tr.X
		held, err := m.SampleCounts(half(max(c.Held, 2)), seed.Derive(c.Seed, "edit/held"))
		if err != nil {
			return nil, err
		}
		d.held, d.label = held.X, held.Labels
		if c.Source == SourceTrain {
			d.label = tr.Labels
		}
		return d, nil
	}
	var opts []datasets.Option
	opts = append(opts, datasets.Size(c.Size), datasets.Channels(c.channels()))
	if len(c.Classes) > 0 {
		opts = append(opts, datasets.Classes(c.Classes...))
	}
	im, err := datasets.Load(c.Data, opts...)
	if err != nil {
		return nil, err
	}
	if c.N+c.Held > im.N {
		return nil, fmt.Errorf("editing: %s has %d images, fewer than n + held = %d + %d", c.Data, im.N, c.N, c.Held)
	}
	tr, held, err := im.Split(c.N, c.Held, seed.Derive(c.Seed, "edit/split"))
	if err != nil {
		return nil, err
	}
	d := &data{}
	if d.train, err = tr.Matrix(); err != nil {
		return nil, err
	}
	src := tr
	if held != nil {
		if d.held, err = held.Matrix(); err != nil {
			return nil, err
		}
		if c.Source == SourceHeld {
			src = held
		}
	}
	if src.Mask != nil {
		for i := range src.N {
			d.masks = append(d.masks, toFloat64(src.MaskRow(i)))
		}
	}
	return d, nil
}

func toFloat64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// sourceImage returns the image to invert (nil for a fresh sample), its
// alpha (nil when it has none) and, for the MoLRG, its component (−1
// otherwise).
func (d *data) sourceImage(c *Config) (x, alpha []float64, k int, err error) {
	k = -1
	switch c.Source {
	case SourceSample:
		return nil, nil, -1, nil
	case SourcePNG:
		return loadPNG(c)
	case SourceHeld:
		if d.held == nil || c.Index >= d.held.RawMatrix().Rows {
			return nil, nil, -1, fmt.Errorf("editing: held-out image %d does not exist", c.Index)
		}
		x = append([]float64(nil), d.held.RawRowView(c.Index)...)
	case SourceTrain:
		x = append([]float64(nil), d.train.RawRowView(c.Index)...)
	}
	if d.masks != nil {
		alpha = d.masks[c.Index]
	}
	if d.label != nil {
		k = d.label[c.Index]
	}
	return x, alpha, k, nil
}

// loadPNG reads c.PNG, resized to the run's size and channels.
func loadPNG(c *Config) (x, alpha []float64, k int, err error) {
	im, err := datasets.LoadPNGFiles([]string{c.PNG}, datasets.PNGOptions{Channels: c.channels()})
	if err != nil {
		return nil, nil, -1, err
	}
	if im.H != c.Size || im.W != c.Size {
		if im, err = im.Resize(c.Size, c.Size); err != nil {
			return nil, nil, -1, err
		}
	}
	x = toFloat64(im.Row(0))
	if im.Mask != nil {
		alpha = toFloat64(im.MaskRow(0))
	}
	return x, alpha, -1, nil
}

// fileHash is the SHA-256 of a file, in hex.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// mask returns the run's output mask over the n values (nil for none).
func (c *Config) mask(alpha []float64) ([]float64, error) {
	switch c.Mask {
	case "":
		return nil, nil
	case "alpha":
		if alpha == nil {
			return nil, fmt.Errorf("editing: -mask alpha, but the image has no alpha channel")
		}
		return edit.PixelMask(alpha, c.channels())
	}
	rect, err := c.pixelMaskRect()
	if err != nil {
		return nil, err
	}
	return edit.PixelMask(rect, c.channels())
}
