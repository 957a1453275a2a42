// Package experiment runs the paper's U-Net experiments end to end, shared by
// the `molrg unet-molrg` and `molrg rank` commands and by notebooks 05 and 06:
//
//   - Figure 5(a) (fig5a.go): for several subspace dimensions d and training
//     set sizes N_k, draw a MoLRG with K = 2 orthogonal d-dimensional subspaces
//     in ℝ⁴⁸ (4×4×3 images), train a U-Net with the EDM loss on K·N_k of its
//     samples, generate M images with the 18-step Heun sampler and score them
//     with the generalization score of eq. (21) against fresh samples. Plotted
//     against N_k/d the curves of the different d collapse onto one.
//   - Figures 3(b) and 7 (rank.go): the numerical rank (eq. 46) of the
//     Jacobian ∂D(x_t;σ_t)/∂x_t of a denoiser along its own 18-step Heun
//     trajectory, as rank/n against SNR = 1/σ_t, averaged over 15 initial
//     noises, for the true posterior mean (eq. 8), the soft-max DAE (eq. 9)
//     and trained U-Nets (Figure 7: snapshots along training, with the
//     gradient norm of the training history).
//
// Results are written as CSV so that long runs can be interrupted and resumed:
// RunFig5a skips the (d, N_k) rows already in its CSV and every training run
// keeps checkpoints in its own directory.
package experiment
