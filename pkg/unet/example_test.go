package unet_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/unet"
)

// Train a small U-Net on a few 4×4×3 "images" (vectors of ℝ⁴⁸) with the EDM
// loss, then denoise two noisy inputs with the EMA weights.
func Example() {
	cfg := unet.DefaultConfig(4, 3)
	cfg.ModelChannels = 8
	net, err := unet.New(backend.Must(), cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("parameters:", net.NumParams())

	rng := rand.New(rand.NewPCG(1, 2))
	data := make([][]float32, 16)
	for i := range data {
		data[i] = make([]float32, 48)
		for j := range data[i] {
			data[i][j] = float32(rng.NormFloat64())
		}
	}
	tc := unet.DefaultTrainConfig()
	tc.BatchSize, tc.TotalSteps, tc.LogEvery = 8, 20, 10
	tr, err := unet.NewTrainerFromSlices(net, data, tc)
	if err != nil {
		panic(err)
	}
	if err := tr.Train(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("steps:", tr.Step(), "records:", len(tr.History()))

	x := append(append([]float32{}, data[0]...), data[1]...)
	d, err := net.DenoiseFlat(x, []float64{0.5, 2})
	if err != nil {
		panic(err)
	}
	fmt.Println("denoised values:", len(d))
	// Output:
	// parameters: 46035
	// steps: 20 records: 2
	// denoised values: 96
}
