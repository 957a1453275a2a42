// Package subspace holds the classical baselines the paper compares diffusion
// training with, and the measures of recovery used by the phase-transition
// experiments (Theorems 2 and 4, Figures 4 and 8). Everything is host-side
// float64 gonum code; data are N×n matrices with one sample per row.
//
//   - PCA (Theorem 1, eq. 12): the top-d right singular vectors of the data,
//     the maximizer of Σ_i ‖Uᵀx_i‖² (PCAObjective).
//   - K-subspaces (Theorem 3, eq. 18; Wang et al., ICML 2022): KSubspaces
//     alternates fitting U_k to its cluster and reassigning samples by
//     argmax_k ‖U_kᵀx_i‖, from random labels (best of R restarts) or from
//     spectral clustering of the thresholded affinity |z_iᵀz_j| ≥ τ
//     (SpectralLabels, AffinityTau). ClusteringObjective evaluates eq. (18).
//   - Recovery: Distance ‖UUᵀ − VVᵀ‖_F, BestPermutation and Errors (exact
//     min–max matching of estimated to true components), and Success, the
//     criterion max_k ‖U_{π(k)}U_{π(k)}ᵀ − U⋆_kU⋆_kᵀ‖_F ≤ τ (DefaultTau = 0.5).
//
// Bad parameters get an error naming the parameter and its allowed range;
// every random choice takes a seed.
package subspace
