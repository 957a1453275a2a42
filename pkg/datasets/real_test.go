package datasets

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
)

// These tests read the real data sets. MNIST comes with the module graph
// (building this package fetches it), so its test always runs. The npm sets
// need `make setup`: their tests skip when no data folder is found, except
// under `make test` ($MOLRG_ROOT set), where a missing data set fails.

// realRoot returns the data folder, or skips (fails under make test).
func realRoot(t *testing.T, pkg string) string {
	t.Helper()
	root, err := DataRoot()
	if err == nil && !exists(filepath.Join(root, "node_modules", pkg, "package.json")) {
		err = os.ErrNotExist
	}
	if err != nil {
		if os.Getenv("MOLRG_ROOT") != "" {
			t.Fatalf("data set %s not installed (%v): run `make setup`", pkg, err)
		}
		t.Skipf("data set %s not installed (%v): run `make setup`", pkg, err)
	}
	return root
}

// checkInfo fails unless Describe(name) gives the size of the images Load
// returned with no options.
func checkInfo(t *testing.T, name string, im *Images) {
	t.Helper()
	info, err := Describe(name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Images != im.N || info.H != im.H || info.W != im.W || info.C != im.C || !slices.Equal(info.Classes, im.ClassNames) {
		t.Fatalf("Describe(%s) says %d images %d×%d×%d, classes %q; Load gave %v, classes %q",
			name, info.Images, info.H, info.W, info.C, info.Classes, im, im.ClassNames)
	}
}

// meanPixel returns the mean of the images' values mapped back to [0, 1].
func meanPixel(im *Images) float64 {
	s := 0.0
	for _, v := range im.Pix {
		s += float64(v)
	}
	return (s/float64(len(im.Pix)) + 1) / 2
}

// The version in root.go is the one go.mod requires.
func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range mf.Require {
		if r.Mod.Path == goMNISTModule {
			if r.Mod.Version != goMNISTVersion {
				t.Fatalf("go.mod requires %s %s, root.go names %s", goMNISTModule, r.Mod.Version, goMNISTVersion)
			}
			if r.Indirect {
				t.Fatalf("go.mod marks %s indirect; it is imported by pkg/datasets", goMNISTModule)
			}
			return
		}
	}
	t.Fatalf("go.mod does not require %s", goMNISTModule)
}

// MNIST: the files are the published ones (MD5 sums as published with
// MNIST), the digit counts are the published counts of the training and
// test sets, the first training digit is a 5 and the first test digit a 7,
// and the mean intensity of the training set is the well-known 0.1307.
func TestRealMNIST(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]string{
		"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
		"train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
		"t10k-images-idx3-ubyte.gz":  "9fb629c4189551a2d022fa330f9573f3",
		"t10k-labels-idx1-ubyte.gz":  "ec29112dd5afa0611ce80d1b7f02629c",
	}
	for f, sum := range published {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if got := md5.Sum(data); hex.EncodeToString(got[:]) != sum {
			t.Fatalf("MD5 of %s = %x, want %s", f, got, sum)
		}
	}
	t0 := time.Now()
	im, err := Load("mnist")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load(mnist): %v in %v", im, time.Since(t0))
	if im.N != 70000 || im.H != 28 || im.W != 28 || im.C != 1 {
		t.Fatalf("got %v, want 70000 images 28×28×1", im)
	}
	checkInfo(t, "mnist", im)
	train := []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	test := []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
	trainIdx := make([]int, 60000)
	for i := range trainIdx {
		trainIdx[i] = i
	}
	trainSet, _ := im.Subset(trainIdx)
	if got := trainSet.CountLabels(); !slices.Equal(got, train) {
		t.Fatalf("training digit counts %v, want %v", got, train)
	}
	testIdx := make([]int, 10000)
	for i := range testIdx {
		testIdx[i] = 60000 + i
	}
	testSet, _ := im.Subset(testIdx)
	if got := testSet.CountLabels(); !slices.Equal(got, test) {
		t.Fatalf("test digit counts %v, want %v", got, test)
	}
	if im.Labels[0] != 5 || im.Labels[60000] != 7 {
		t.Fatalf("first training / test labels %d, %d; want 5, 7", im.Labels[0], im.Labels[60000])
	}
	if m := meanPixel(trainSet); m < 0.1302 || m > 0.1312 {
		t.Fatalf("mean training intensity %.4f, want 0.1307 ± 0.0005", m)
	}
}

// Fashion-MNIST: 7000 images per class, almost all distinct, mean
// intensity that of Fashion-MNIST (0.2860 on its training set, 0.2868 on
// its test set: 0.2861 on both).
func TestRealFashionMNIST(t *testing.T) {
	realRoot(t, "fashion-mnist")
	t0 := time.Now()
	im, err := Load("fashion-mnist")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load(fashion-mnist): %v in %v", im, time.Since(t0))
	if im.N != 70000 || im.H != 28 || im.C != 1 {
		t.Fatalf("got %v, want 70000 images 28×28×1", im)
	}
	checkInfo(t, "fashion-mnist", im)
	for c, n := range im.CountLabels() {
		if n != 7000 {
			t.Fatalf("class %d (%s) has %d images, want 7000", c, im.ClassNames[c], n)
		}
	}
	if m := meanPixel(im); m < 0.2851 || m > 0.2871 {
		t.Fatalf("mean intensity %.4f, want 0.2861 ± 0.001", m)
	}
	distinct := map[string]bool{}
	for i := range im.N {
		b := make([]byte, 784)
		for p, v := range im.Row(i) {
			b[p] = PixelToByte(v)
		}
		distinct[string(b)] = true
	}
	if len(distinct) < 69900 {
		t.Fatalf("%d distinct images of 70000, want ≥ 69900", len(distinct))
	}
}

// The emoji: 3786 images 32×32 with the category counts of emoji.json, a
// grinning face that is yellow in the middle and transparent (so white) in
// its corner, and the two subsets.
func TestRealEmoji(t *testing.T) {
	realRoot(t, "emoji-datasource-google")
	t0 := time.Now()
	im, err := Load("emoji")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load(emoji): %v in %v", im, time.Since(t0))
	want := []int{169, 2261, 5, 159, 131, 218, 85, 264, 224, 270}
	if got := im.CountLabels(); im.N != 3786 || !slices.Equal(got, want) {
		t.Fatalf("%d images, category counts %v; want 3786, %v", im.N, got, want)
	}
	checkInfo(t, "emoji", im)
	g := slices.Index(im.Names, "1f600.png")
	if g < 0 {
		t.Fatal("no 1f600.png (grinning face)")
	}
	face, mask := im.Row(g), im.MaskRow(g)
	centre := 16*32 + 16
	if r, gg, b := face[3*centre], face[3*centre+1], face[3*centre+2]; !(r > 0.5 && gg > 0 && b < gg && b < r) || mask[centre] != 1 {
		t.Fatalf("grinning face centre (R, G, B) = (%.2f, %.2f, %.2f), alpha %.2f; want yellow and opaque", r, gg, b, mask[centre])
	}
	if mask[0] != 0 || face[0] != 1 || face[1] != 1 || face[2] != 1 {
		t.Fatalf("grinning face corner: alpha %v, colour %v; want 0 and white", mask[0], face[:3])
	}
	for _, name := range []string{"emoji-people", "emoji-animals"} {
		t0 := time.Now()
		sub, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Load(%s): %v in %v", name, sub, time.Since(t0))
		checkInfo(t, name, sub)
	}
}
