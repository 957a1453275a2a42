package unet

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
)

// benchTrain measures optimizer steps (EDM loss, backward, Adam, EMA) of
// cfg at the given batch size on the project backend, in images per second.
func benchTrain(b *testing.B, cfg Config, batch int) {
	net, err := New(backend.Must(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	data := randTensor32(rand.New(rand.NewPCG(1, 2)), 256, cfg.ImageSize, cfg.ImageSize, cfg.Channels)
	tc := DefaultTrainConfig()
	tc.BatchSize, tc.TotalSteps, tc.LogEvery = batch, 1<<30, 1<<30
	tr, err := NewTrainer(net, data, tc)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// Compile both graphs (one step, and stepsPerExec steps in a loop) before
	// timing, and time whole loop executions only.
	k := tr.stepsPerExec()
	if err := tr.TrainSteps(ctx, 2*k); err != nil {
		b.Fatal(err)
	}
	steps := (b.N + k - 1) / k * k
	b.ResetTimer()
	if err := tr.TrainSteps(ctx, steps); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(steps*batch)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkTrainDefault: DefaultConfig(4, 3) (716 k parameters), batch 64.
func BenchmarkTrainDefault(b *testing.B) { benchTrain(b, DefaultConfig(4, 3), 64) }

// BenchmarkTrainAuthors: AuthorsConfig(4, 3) (54.4 M parameters), batch 16
// (the paper's 512 takes minutes per step on the pure-Go backend).
func BenchmarkTrainAuthors(b *testing.B) { benchTrain(b, AuthorsConfig(4, 3), 16) }
