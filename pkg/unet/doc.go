// Package unet is the neural denoiser of the paper's U-Net experiments
// (docs/mathematics.md#u-net-experiments, Figures 5, 7): a DDPM++-style U-Net (NVlabs/edm
// SongUNet with the DDPM++ settings), EDM preconditioning, the EDM loss, and
// a trainer with Adam, learning-rate warm-up, an EMA of the weights,
// atomic checkpoints and exact resume.
//
// # Images
//
// Images are channels-last float tensors [B, S, S, C] (MoLRG: 4×4×3, MNIST
// 28×28×1, CIFAR 32×32×3). A vector x ∈ ℝⁿ, n = S·S·C, is the row-major
// flattening of such an image (NewTrainerFromSlices, DenoiseFlat).
//
// # Network (net.go, blocks.go, groupnorm.go, embedding.go, conv.go)
//
// Config describes the network: base channels, per-level channel
// multipliers, blocks per level, attention resolutions, dropout, positional
// or Fourier noise embedding, average-pool or strided down-sampling, and
// the convolution lowering (ConvIm2col, fast on the pure-Go backend, or
// ConvStock = graph.Convolve). DefaultConfig is a 0.7 M-parameter CPU
// network; AuthorsConfig is EDM's CIFAR-10 DDPM++ network, 54 414 339
// parameters on 4×4 images (CountParams).
//
//	net, err := unet.New(backend.Must(), unet.DefaultConfig(4, 3))
//
// # Denoiser (precond.go) — what a sampler calls
//
//	func (n *Net) DenoiseGraph(x, sigma *graph.Node) *graph.Node
//
// builds D_θ(x; σ) = c_skip(σ)·x + c_out(σ)·F_θ(c_in(σ)·x; c_noise(σ)) with
// c_skip = σ_d²/(σ²+σ_d²), c_out = σσ_d/√(σ²+σ_d²), c_in = 1/√(σ²+σ_d²),
// c_noise = ln(σ)/4, σ_d = 0.5, using the EMA weights. x is [B, S, S, C]
// (float32 or float64; the result has x's dtype), sigma is [B] or a scalar.
// D_θ estimates E[x₀ | x_t = x] for the VE/EDM forward process x_t = x₀ +
// σε. It works in any graph: in a model.Exec over n.Store() the weights are
// parameters; elsewhere (a plain graph.Exec) they are constants with the
// values current when the graph is built. DenoiseGraphWeights picks the
// raw (non-EMA) weights instead. On the host:
//
//	func (n *Net) Denoise(x *tensors.Tensor, sigma []float64) (*tensors.Tensor, error)
//	func (n *Net) DenoiseFlat(x []float32, sigma []float64) ([]float32, error)
//
// # Training (loss.go, train.go, checkpoint.go)
//
// The loss is EDM's: ln σ ~ N(−1.2, 1.2²), λ(σ) = (σ²+σ_d²)/(σσ_d)², per
// image λ(σ)·‖D(x₀+σε; σ) − x₀‖², averaged over the batch. Trainer runs
// Adam with EDM's linear learning-rate warm-up (LRRampupKimg) and EMA
// (EMAHalfLifeKimg, EMARampupRatio), records loss, gradient norm (Figure 7)
// and img/s every LogEvery steps, and writes checkpoints (temp file + fsync
// + rename; a corrupt or partial file is skipped on resume). The minibatch,
// σ, ε and dropout masks of step s are functions of (Seed, s) only, so
//
//	tr, _ := unet.NewTrainer(net, data, cfg)
//	_, skipped, _ := tr.Resume() // newest valid checkpoint in cfg.CheckpointDir, if any;
//	                             // skipped: the corrupt newer files, to report
//	tr.Train(ctx)             // cancel ctx to stop; a checkpoint is written
//
// continues bit-for-bit as the uninterrupted run would on the same backend.
// LoadNet rebuilds a network from a checkpoint for sampling. A checkpoint is
// validated before anything it declares is allocated (decodeCheckpoint).
//
// # Departures from EDM
//
//   - The learning rate of step s uses the images seen including step s
//     (EDM's first step has lr = 0).
//   - Gradients are not passed through nan_to_num; a NaN loss stops training
//     with an error.
//   - No class labels and no augmentation pipeline (augment_dim = 0).
//
// # Departures from GoMLX
//
//   - Adam is written out in the training step (train.go) instead of using
//     GoMLX's ml/train/optimizer.Adam. Both compute the same update
//     (TestAdamMatchesGoMLX: the weights of five steps agree to 3.5e-5,
//     float32 rounding) at the same speed for one step per execution
//     (BenchmarkStepGoMLXAdam, BenchmarkStepOurAdam). But GoMLX's Adam keeps
//     its learning rate and step count in variables it creates while the
//     graph is built, so it cannot run inside the trainer's XLA While loop of
//     StepsPerExec steps, whose per-step learning rate (EDM's warm-up), bias
//     corrections and EMA decay are loop inputs and whose state carries every
//     variable; that loop trains DefaultConfig(4, 3) about 1.25× faster
//     (bench/README.md). GoMLX has no EMA of the weights.
//   - Checkpoints are the project's own format (checkpoint.go) instead of
//     GoMLX's ml/model/checkpoint: that Handler writes its .json and .bin
//     files in place, without a temporary file, fsync or checksum (a kill
//     during a save leaves a truncated checkpoint under a valid name), and
//     has no room for the trainer's position (step, statistics, history,
//     data fingerprint, training hyperparameters) that exact resume needs.
package unet
