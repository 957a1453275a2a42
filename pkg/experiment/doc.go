// Package experiment holds what the paper's U-Net experiments share — the
// MoLRG shown as 4×4×3 images, denoisers as the sampler and the Jacobian
// see them, the rank of a denoiser's Jacobian along its own Heun
// trajectory, training a U-Net on a data set, curve crossings — and, one
// subpackage per figure, the experiments themselves:
//
//   - fig5a: Figure 5(a), the GL score of U-Nets trained on MoLRG data
//     against N_k/d;
//   - rank: Figures 3(b) and 7, the numerical rank of denoisers' Jacobians
//     along the sampling trajectory;
//   - images: Figures 5(b) and 3(a), U-Nets trained on N real images (MNIST,
//     Fashion-MNIST, emoji): the image GL score against N with its
//     calibration, and the rank of the generalizing U-Net's Jacobian.
//
// (Figures 4 and 8, the phase transition, are package phase.)
//
// Every experiment has the same shape: a Config with defaults
// (DefaultConfig, and the paper's size where it differs) and Validate, whose
// errors name the setting (pkg/param); a Run that streams its rows into one
// resumable results table (pkg/results: locked, settings and backend
// recorded and checked, fsync per row, torn last line redone) in Config.Dir,
// keeps U-Net checkpoints there, reports to Config.Progress (pkg/progress)
// and takes a Config.Shard; a Read of the table; and a Figure drawn from the
// rows. The command `molrg` parses flags into the Config and calls Run;
// notebooks call the same Run with small configs, or read the tables the
// command wrote.
package experiment
