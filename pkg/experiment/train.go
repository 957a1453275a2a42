package experiment

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/gomlx/compute"
	"github.com/molrg/molrg/pkg/unet"
	"gonum.org/v1/gonum/mat"
)

// TrainUNet trains a U-Net of config netCfg on the images x (N×(S·S·C), one
// image per row, channels-last), or resumes the run whose checkpoints are in
// tc.CheckpointDir (when set) and finishes it. Checkpoints skipped because
// they are corrupt are reported to log (nil: not reported).
func TrainUNet(ctx context.Context, be compute.Backend, netCfg unet.Config, tc unet.TrainConfig, x *mat.Dense, log io.Writer) (*unet.Trainer, error) {
	net, err := unet.New(be, netCfg)
	if err != nil {
		return nil, err
	}
	r, cols := x.Dims()
	if want := netCfg.ImageSize * netCfg.ImageSize * netCfg.Channels; cols != want {
		return nil, fmt.Errorf("experiment: training images have %d values, want %d×%d×%d = %d", cols, netCfg.ImageSize, netCfg.ImageSize, netCfg.Channels, want)
	}
	data := make([][]float32, r)
	for i := range data {
		row := x.RawRowView(i)
		data[i] = make([]float32, cols)
		for j, v := range row {
			data[i][j] = float32(v)
		}
	}
	tr, err := unet.NewTrainerFromSlices(net, data, tc)
	if err != nil {
		return nil, err
	}
	if tc.CheckpointDir != "" {
		_, skipped, err := tr.Resume()
		Notice(log, skipped)
		if err != nil {
			return nil, err
		}
	}
	if err := tr.Train(ctx); err != nil {
		return tr, err
	}
	return tr, nil
}

// Notice writes one line per skipped checkpoint to log (nil: nowhere).
func Notice(log io.Writer, skipped []unet.SkippedCheckpoint) {
	if log == nil {
		return
	}
	for _, s := range skipped {
		fmt.Fprintln(log, s)
	}
}

// MeanThroughput is the mean img/s over a training history (0 when empty).
func MeanThroughput(h []unet.Record) float64 {
	if len(h) == 0 {
		return 0
	}
	s := 0.0
	for _, r := range h {
		s += r.ImgPerSec
	}
	return s / float64(len(h))
}

func logDistance(a, b float64) float64 { return math.Abs(math.Log(a) - math.Log(b)) }
