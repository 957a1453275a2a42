//go:build bench

// Command unetbench times training steps of pkg/unet (EDM loss, backward,
// Adam, EMA) on random S×S×C images (-size, -channels; 4×4×3 MoLRG images by
// default, 16×16×1 and 16×16×3 for the real-image experiments) and prints one JSON line:
// {"impl":"gomlx","backend":…,"config":…,"size":…,"channels":…,"batch":…,"steps":…,"params":…,"img_per_s":…}.
// The backend is the project's (GOMLX_BACKEND selects it). Compilation is
// excluded: -warmup executions (of -steps-per-exec steps) run before the clock starts.
//
//	GOMLX_BACKEND=xla:cpu go run -tags bench ./bench/unet -config default -batch 64 -steps 20
//
// bench/unet/unet_vs_torch.sh runs it next to bench/unet/torch_unet.py.
// It is kept out of `go test ./...` and `go vet ./...` by the bench build tag.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/experiment/images"
	"github.com/molrg/molrg/pkg/unet"
)

var printSteps bool

func main() {
	config := flag.String("config", "default", "network: default (unet.DefaultConfig(S,C)), authors (unet.AuthorsConfig(S,C)) or images (the U-Net of molrg images: images.DefaultConfig(…).Net at S×S×C)")
	size := flag.Int("size", 4, "image size S (S×S pixels)")
	channels := flag.Int("channels", 3, "image channels C (1 gray, 3 RGB)")
	modelChannels := flag.Int("model-channels", 0, "U-Net base channels (0: the config's)")
	batch := flag.Int("batch", 64, "images per step")
	steps := flag.Int("steps", 10, "timed steps (rounded up to a multiple of -steps-per-exec)")
	warmup := flag.Int("warmup", 2, "untimed executions first (the first compiles)")
	nData := flag.Int("n", 1024, "random training images")
	conv := flag.String("conv", "", "convolution lowering: im2col or stock (default: the config's)")
	perExec := flag.Int("steps-per-exec", 0, "optimizer steps per execution (TrainConfig.StepsPerExec; 0: that of DefaultTrainConfig or AuthorsTrainConfig; the pure-Go backend runs 1)")
	flag.BoolVar(&printSteps, "print-steps", false, "print every timed step's seconds to stderr")
	flag.Parse()
	if err := run(*config, *conv, *size, *channels, *modelChannels, *batch, *steps, *warmup, *nData, *perExec); err != nil {
		fmt.Fprintln(os.Stderr, "unetbench:", err)
		os.Exit(1)
	}
}

func run(config, conv string, size, channels, modelChannels, batch, steps, warmup, nData, perExec int) error {
	var cfg unet.Config
	tc := unet.DefaultTrainConfig()
	switch config {
	case "default":
		cfg = unet.DefaultConfig(size, channels)
	case "authors":
		cfg, tc = unet.AuthorsConfig(size, channels), unet.AuthorsTrainConfig()
	case "images":
		ic := images.DefaultConfig("mnist")
		cfg, tc = ic.Net, ic.Train
		cfg.ImageSize, cfg.Channels = size, channels
	default:
		return fmt.Errorf("-config %q: want default, authors or images", config)
	}
	if modelChannels > 0 {
		cfg.ModelChannels = modelChannels
	}
	switch conv {
	case "":
	case "im2col":
		cfg.Conv = unet.ConvIm2col
	case "stock":
		cfg.Conv = unet.ConvStock
	default:
		return fmt.Errorf("-conv %q: want im2col or stock", conv)
	}
	be, info, err := backend.New()
	if err != nil {
		return err
	}
	net, err := unet.New(be, cfg)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([][]float32, nData)
	for i := range data {
		data[i] = make([]float32, cfg.ImageSize*cfg.ImageSize*cfg.Channels)
		for j := range data[i] {
			data[i][j] = float32(0.5 * rng.NormFloat64())
		}
	}
	if perExec > 0 {
		tc.StepsPerExec = perExec
	}
	tc.BatchSize, tc.TotalSteps, tc.LogEvery = batch, 1<<30, 1<<30
	k := tc.StepsPerExec // steps per execution: timing is per execution, divided by k
	if backend.IsGo(be) {
		k = 1
	}
	execs := (steps + k - 1) / k
	steps = execs * k
	tr, err := unet.NewTrainerFromSlices(net, data, tc)
	if err != nil {
		return err
	}
	ctx := context.Background()
	t0 := time.Now()
	if err := tr.TrainSteps(ctx, warmup*k); err != nil {
		return err
	}
	warm := time.Since(t0)
	times := make([]float64, execs) // seconds per step of each execution
	for i := range times {
		t0 := time.Now()
		if err := tr.TrainSteps(ctx, k); err != nil {
			return err
		}
		times[i] = time.Since(t0).Seconds() / float64(k)
	}
	if printSteps {
		fmt.Fprintf(os.Stderr, "seconds per step, by execution: %.3f\n", times)
	}
	el := 0.0
	for _, s := range times {
		el += s * float64(k)
	}
	slices.Sort(times)
	med := times[len(times)/2]
	out := map[string]any{
		"impl": "gomlx", "backend": be.String(), "device": info.Device,
		"config": config, "size": size, "channels": channels, "model_channels": cfg.ModelChannels, "conv": cfg.Conv.String(), "batch": batch, "steps": steps, "steps_per_exec": k, "warmup_s": warm.Seconds(),
		"params": net.NumParams(), "seconds": el, "img_per_s": float64(steps*batch) / el,
		"img_per_s_median": float64(batch) / med,
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}
