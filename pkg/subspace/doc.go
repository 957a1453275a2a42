// Package subspace holds the classical baselines the paper compares diffusion
// training with: PCA (Theorem 1, eq. 12), K-subspaces clustering (eq. 18),
// and the measures of recovery: the subspace distance ‖UUᵀ − U⋆U⋆ᵀ‖_F, the
// best permutation of components, and the success criterion of Figures 4 and 8.
package subspace
