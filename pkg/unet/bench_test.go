package unet

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/molrg/molrg/pkg/backend"
)

// benchBackend is the project backend, except that the pure-Go backend is
// replaced by one created with "ops_sequential": with its default
// (parallel op scheduling) compute v0.1.2 deadlocks as soon as
// 2·GOMAXPROCS large matrix products are ready at once (each occupies a
// worker and waits in workerspool.Saturate for more), which the backward
// pass of DefaultConfig at batch 64 triggers. Matrix products stay
// parallel inside; only independent ops run one after the other.
var benchBackend = sync.OnceValue(func() compute.Backend {
	be := backend.Must()
	if be.String() != gobackend.BackendName {
		return be
	}
	seq, err := gobackend.New("ops_sequential")
	if err != nil {
		panic(err)
	}
	return seq
})

// benchTrain measures optimizer steps (EDM loss, backward, Adam, EMA) of
// cfg at the given batch size on the project backend, in images per second.
func benchTrain(b *testing.B, cfg Config, batch int) {
	net, err := New(benchBackend(), cfg)
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
	if err := tr.TrainSteps(ctx, 1); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := tr.TrainSteps(ctx, b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkTrainDefault: DefaultConfig(4, 3) (716 k parameters), batch 64.
func BenchmarkTrainDefault(b *testing.B) { benchTrain(b, DefaultConfig(4, 3), 64) }

// BenchmarkTrainAuthors: AuthorsConfig(4, 3) (54.4 M parameters), batch 16
// (the paper's 512 takes minutes per step on the pure-Go backend).
func BenchmarkTrainAuthors(b *testing.B) { benchTrain(b, AuthorsConfig(4, 3), 16) }
