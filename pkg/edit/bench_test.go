package edit_test

import (
	"os"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/datasets"
	"github.com/molrg/molrg/pkg/edit"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/unet"
)

// BenchmarkTopSVD times the top-5 singular triplets of a trained U-Net's
// Jacobian at the last MNIST test digit, DDIM-inverted to t = 0.7·t_max:
// the full Jacobian (n reverse passes and an n×n SVD) against subspace
// iteration (tol 10⁻³), one after the other in one run, each compiled
// before its timer starts. The U-Net is the checkpoint (file or folder) in
// $MOLRG_EDIT_CKPT, e.g. the one molrg edit trains:
//
//	MOLRG_EDIT_CKPT=results/edit/ckpt go test -run '^$' -bench TopSVD -benchtime 5x ./pkg/edit/
func BenchmarkTopSVD(b *testing.B) {
	path := os.Getenv("MOLRG_EDIT_CKPT")
	if path == "" {
		b.Skip("set MOLRG_EDIT_CKPT to a U-Net checkpoint (e.g. results/edit/ckpt after molrg edit)")
	}
	be := backend.Must()
	net, _, _, err := unet.LoadNet(be, path)
	if err != nil {
		b.Fatal(err)
	}
	cfg := net.Config()
	im, err := datasets.Load("mnist", datasets.Size(cfg.ImageSize), datasets.Channels(cfg.Channels))
	if err != nil {
		b.Fatal(err)
	}
	x0 := make([]float64, im.Dim())
	for i, v := range im.Row(im.N - 1) {
		x0[i] = float64(v)
	}
	e, err := edit.New(be, experiment.UNetDenoiser("U-Net", net), im.Dim())
	if err != nil {
		b.Fatal(err)
	}
	sigma, _, err := edit.TimeSigma(edit.PaperTime, sampler.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	l, err := e.Invert(x0, sigma, 40)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []edit.Method{edit.Full, edit.Iterate} {
		b.Run(m.String(), func(b *testing.B) {
			o := edit.SVDOptions{R: 5, Method: m, Seed: 1}
			tr, err := e.TopSVD(l.X, sigma, o) // compiles
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if tr, err = e.TopSVD(l.X, sigma, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tr.Iterations), "iterations")
			b.ReportMetric(float64(im.Dim()), "n")
		})
	}
}
