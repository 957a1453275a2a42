package datasets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// PNGOptions controls how PNG images are turned into Images.
type PNGOptions struct {
	// Channels is 1 (gray), 3 (RGB) or 0: 1 when every pixel of every
	// image (after compositing) has R = G = B, else 3. Colour images forced
	// to 1 channel become their luma (see Gray).
	Channels int
	// Background is the colour that pixels with alpha < 1 are composited
	// over: colour = α·c + (1−α)·background. nil means white.
	Background color.Color
	// MaxPixels bounds the width·height of one image, checked from the PNG
	// header before decoding; 0 means DefaultMaxPixels.
	MaxPixels int
}

// DefaultMaxPixels is the largest image (width·height) the PNG loaders
// accept unless PNGOptions.MaxPixels says otherwise: 4096×4096.
const DefaultMaxPixels = 4096 * 4096

// pngPixels is one decoded PNG image: straight (not premultiplied) RGB and
// alpha, each in [0, 1], row-major.
type pngPixels struct {
	w, h   int
	rgb    []float32 // 3·w·h
	alpha  []float32 // w·h
	opaque bool      // every alpha is 1
}

// decodePNG decodes one PNG file's bytes, refusing images larger than
// maxPixels before decoding them.
func decodePNG(name string, data []byte, maxPixels int) (*pngPixels, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("datasets: PNG file %s: unsupported or corrupt PNG: %w", name, err)
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return nil, fmt.Errorf("datasets: PNG file %s: size %d×%d, want at least 1×1", name, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(maxPixels) {
		return nil, fmt.Errorf("datasets: PNG file %s: size %d×%d = %d pixels, over the limit of %d (PNGOptions.MaxPixels)",
			name, cfg.Width, cfg.Height, px, maxPixels)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("datasets: PNG file %s: unsupported or corrupt PNG: %w", name, err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p := &pngPixels{w: w, h: h, rgb: make([]float32, 3*w*h), alpha: make([]float32, w*h), opaque: true}
	set := func(i int, r, g, bl, a float32) {
		p.rgb[3*i], p.rgb[3*i+1], p.rgb[3*i+2], p.alpha[i] = r, g, bl, a
		if a < 1 {
			p.opaque = false
		}
	}
	const k8 = 1.0 / 255
	switch m := img.(type) {
	case *image.NRGBA: // 8-bit RGBA or gray+alpha
		for y := range h {
			row := m.Pix[y*m.Stride:]
			for x := range w {
				q := row[4*x : 4*x+4]
				set(y*w+x, float32(q[0])*k8, float32(q[1])*k8, float32(q[2])*k8, float32(q[3])*k8)
			}
		}
	case *image.RGBA: // 8-bit RGB, alpha-premultiplied (opaque as png decodes it)
		for y := range h {
			row := m.Pix[y*m.Stride:]
			for x := range w {
				q := row[4*x : 4*x+4]
				a := float32(q[3]) * k8
				u := float32(k8) // straight = premultiplied / α
				if a > 0 {
					u = k8 / a
				}
				set(y*w+x, min(float32(q[0])*u, 1), min(float32(q[1])*u, 1), min(float32(q[2])*u, 1), a)
			}
		}
	case *image.Gray:
		for y := range h {
			row := m.Pix[y*m.Stride:]
			for x := range w {
				v := float32(row[x]) * k8
				set(y*w+x, v, v, v, 1)
			}
		}
	default: // paletted, 16-bit and the rest, colour by colour
		for y := range h {
			for x := range w {
				r, g, bl, a := straight(img.At(b.Min.X+x, b.Min.Y+y))
				set(y*w+x, r, g, bl, a)
			}
		}
	}
	return p, nil
}

// straight returns the straight (not premultiplied) colour and alpha of c
// in [0, 1]: exactly for the colour types image/png produces, through
// 16-bit premultiplied values for the others.
func straight(c color.Color) (r, g, b, a float32) {
	const k8, k16 = 1.0 / 0xff, 1.0 / 0xffff
	switch c := c.(type) {
	case color.NRGBA:
		return float32(c.R) * k8, float32(c.G) * k8, float32(c.B) * k8, float32(c.A) * k8
	case color.NRGBA64:
		return float32(c.R) * k16, float32(c.G) * k16, float32(c.B) * k16, float32(c.A) * k16
	case color.Gray:
		v := float32(c.Y) * k8
		return v, v, v, 1
	case color.Gray16:
		v := float32(c.Y) * k16
		return v, v, v, 1
	}
	pr, pg, pb, pa := c.RGBA() // premultiplied, 16-bit
	if pa == 0 {
		return 0, 0, 0, 0
	}
	u := 1 / float32(pa)
	return min(float32(pr)*u, 1), min(float32(pg)*u, 1), min(float32(pb)*u, 1), float32(pa) * k16
}

// background returns the background colour as straight RGB in [0, 1].
func background(c color.Color) [3]float32 {
	if c == nil {
		return [3]float32{1, 1, 1}
	}
	r, g, b, _ := straight(c)
	return [3]float32{r, g, b}
}

// LoadPNGFiles decodes the PNG files at paths, which must all have the same
// size, into Images: colour composited over opts.Background, the alpha
// channel kept in Mask when some pixel is not opaque, Names set to the paths
// as given. Files are decoded in parallel.
func LoadPNGFiles(paths []string, opts PNGOptions) (*Images, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("datasets: LoadPNGFiles: no files given")
	}
	if opts.Channels != 0 && opts.Channels != 1 && opts.Channels != 3 {
		return nil, fmt.Errorf("datasets: PNGOptions.Channels = %d, want 0 (automatic), 1 or 3", opts.Channels)
	}
	if opts.MaxPixels < 0 {
		return nil, fmt.Errorf("datasets: PNGOptions.MaxPixels = %d, want ≥ 0 (0: %d)", opts.MaxPixels, DefaultMaxPixels)
	}
	maxPixels := opts.MaxPixels
	if maxPixels == 0 {
		maxPixels = DefaultMaxPixels
	}
	decoded := make([]*pngPixels, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				data, err := readFileLimited(paths[i])
				if err == nil {
					decoded[i], err = decodePNG(paths[i], data, maxPixels)
				}
				errs[i] = err
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return stackPNG(paths, decoded, opts)
}

// stackPNG composites decoded images over the background and stacks them.
func stackPNG(names []string, decoded []*pngPixels, opts PNGOptions) (*Images, error) {
	w, h := decoded[0].w, decoded[0].h
	hasAlpha, gray := false, true
	bg := background(opts.Background)
	for i, p := range decoded {
		if p.w != w || p.h != h {
			return nil, fmt.Errorf("datasets: PNG file %s is %d×%d, %s is %d×%d: want all images the same size (resize them first)",
				names[i], p.w, p.h, names[0], w, h)
		}
		hasAlpha = hasAlpha || !p.opaque
	}
	n := len(decoded)
	if err := checkDims(n, h, w, 3); err != nil {
		return nil, err
	}
	rgb := make([]float32, n*h*w*3)
	for i, p := range decoded {
		out := rgb[i*h*w*3:]
		for j, a := range p.alpha {
			for c := range 3 {
				v := a*p.rgb[3*j+c] + (1-a)*bg[c] // in [0, 1]
				out[3*j+c] = min(max(2*v-1, -1), 1)
			}
			if gray && (out[3*j] != out[3*j+1] || out[3*j] != out[3*j+2]) {
				gray = false
			}
		}
	}
	im := &Images{N: n, H: h, W: w, C: 3, Pix: rgb, Names: slices.Clone(names)}
	if hasAlpha {
		im.Mask = make([]float32, 0, n*h*w)
		for _, p := range decoded {
			im.Mask = append(im.Mask, p.alpha...)
		}
	}
	if opts.Channels == 1 || (opts.Channels == 0 && gray) {
		return im.Gray()
	}
	return im, nil
}

// LoadPNGDir loads every *.png file in dir and in its sub-folders (one level
// down), in sorted order. The category of an image is its folder relative
// to dir ("." for dir itself); ClassNames lists the categories in sorted
// order and Labels indexes them. Names are the paths relative to dir, with
// forward slashes. Hidden files and folders (starting with '.') are skipped.
func LoadPNGDir(dir string, opts PNGOptions) (*Images, error) {
	var paths, names, cats []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("datasets: PNG folder: %w", err)
	}
	add := func(folder string, es []os.DirEntry) {
		for _, e := range es {
			if e.Type().IsRegular() && strings.EqualFold(filepath.Ext(e.Name()), ".png") && !strings.HasPrefix(e.Name(), ".") {
				rel := e.Name()
				if folder != "." {
					rel = folder + "/" + e.Name()
				}
				paths = append(paths, filepath.Join(dir, filepath.FromSlash(rel)))
				names = append(names, rel)
				cats = append(cats, folder)
			}
		}
	}
	add(".", entries)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, fmt.Errorf("datasets: PNG folder: %w", err)
			}
			add(e.Name(), sub)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("datasets: PNG folder %s: no .png files in it or its sub-folders", dir)
	}
	im, err := LoadPNGFiles(paths, opts)
	if err != nil {
		return nil, err
	}
	im.Names = names
	im.Categories = cats
	im.ClassNames, im.Labels = labelsOf(cats)
	return im, nil
}

// labelsOf returns the sorted distinct values of cats and the index of each
// element of cats in them.
func labelsOf(cats []string) ([]string, []int) {
	names := slices.Clone(cats)
	slices.Sort(names)
	names = slices.Compact(names)
	labels := make([]int, len(cats))
	for i, c := range cats {
		labels[i], _ = slices.BinarySearch(names, c)
	}
	return names, labels
}
