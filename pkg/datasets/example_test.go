package datasets_test

import (
	"fmt"
	"image/color"

	"github.com/molrg/molrg/pkg/datasets"
)

// Images built from bytes: reduce 4×4 to 2×2 by area averaging, pad to 4×4,
// draw 3 training images and 1 held-out image, and make a GoMLX tensor.
func Example() {
	const n = 4
	data := make([]byte, n*4*4)
	for i := range data {
		data[i] = byte(17 * (i % 16)) // each image: 0, 17, …, 255 row by row
	}
	im, _ := datasets.FromBytes(n, 4, 4, 1, data)
	im.Labels = []int{0, 1, 0, 1}

	// Means of 2×2 blocks: (0+17+68+85)/4 = 42.5 ↦ 42.5/127.5 − 1 = −2/3, …
	small, _ := im.Resize(2, 2)
	fmt.Printf("%.3f\n", small.Row(0))
	padded, _ := small.Pad(4, 4, -1)
	fmt.Println(padded)

	train, held, _ := padded.Split(3, 1, 42)
	x, _ := train.Tensor()
	fmt.Println(x.Shape(), held.N)
	// Output:
	// [-0.667 -0.400 0.400 0.667]
	// 4 images 4×4×1, labelled
	// (Float32)[3, 4, 4, 1] 1
}

// Loading a registered data set: 1000 training images of MNIST padded to
// 32×32 and 500 held-out ones, as a [N, 32, 32, 1] tensor. (Not run by go
// test: it needs no installation, but reads 70 000 images.)
func ExampleLoad() {
	mnist, err := datasets.Load("mnist")
	if err != nil {
		panic(err) // the error says how to install what is missing
	}
	padded, err := mnist.Pad(32, 32, -1)
	if err != nil {
		panic(err)
	}
	train, held, err := padded.Split(1000, 500, 1)
	if err != nil {
		panic(err)
	}
	x, err := train.Tensor()
	if err != nil {
		panic(err)
	}
	fmt.Println(x.Shape(), held.N)
}

// The colour set standing in for faces: 16×16 emoji of smiling faces on a
// grey background.
func ExampleLoad_emoji() {
	faces, err := datasets.Load("emoji-people",
		datasets.Classes("face-smiling", "face-affection"),
		datasets.Background(color.Gray{Y: 128}),
		datasets.Size(16))
	if err != nil {
		panic(err)
	}
	fmt.Println(faces, faces.Names[0])
}

// What the registry holds.
func ExampleDescribe() {
	for _, name := range datasets.Names() {
		info, _ := datasets.Describe(name)
		fmt.Printf("%-14s %5d images %d×%d×%d\n", name, info.Images, info.H, info.W, info.C)
	}
	// Output:
	// mnist          70000 images 28×28×1
	// fashion-mnist  70000 images 28×28×1
	// emoji           3786 images 32×32×3
	// emoji-people    2430 images 32×32×3
	// emoji-animals    159 images 32×32×3
	// cifar-10       60000 images 32×32×3
}
