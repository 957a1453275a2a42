// Package phase runs the phase-transition experiments of "Diffusion Models
// Learn Low-Dimensional Distributions via Subspace Clustering" (Theorems 2
// and 4, Figures 4 and 8): over a grid of subspace dimension d and samples
// per component N_k, how often the subspaces of a mixture of K low-rank
// Gaussians (MoLRG, Definition 1) are recovered
//
//   - by Algorithm 1 ("sgd"): SGD on the denoising loss (eq. 6) with the
//     single-Gaussian DAE of eq. (11) for K = 1 and the soft-max DAE of eq. (9)
//     for K ≥ 2 (package dae), and
//   - by the classical methods ("classic"): PCA (eq. 12) for K = 1 and
//     K-subspaces with the spectral initialization (eq. 18) for K ≥ 2
//     (package subspace).
//
// Each run draws a MoLRG in ℝⁿ with K mutually orthogonal d-dimensional
// subspaces (noise level δ, eqs. 10 and 15), exactly N_k samples per
// component, fits it, and records the error max_k ‖U_{ϖ(k)}U_{ϖ(k)}ᵀ −
// U⋆_kU⋆_kᵀ‖_F after the best permutation ϖ, and success = error ≤ τ (τ = 0.5
// by default). Theorems 2 and 4 predict the jump at N_k = d.
//
// # Results
//
// Results stream to a results table (pkg/results) with one row per run,
//
//	n,K,d,Nk,instance,method,noise,error,success,seconds
//
// appended a batch at a time. Run resumes a sweep: rows already in the table
// are skipped, and a torn last line (a sweep killed in the middle of a
// write) is redone. Every run's random draws are derived from (seed, n, K, d,
// N_k, instance) alone (RunSeed), so a row is reproducible by itself, in any
// order, and a resumed sweep writes the same rows as an uninterrupted one.
// The table is locked while a sweep appends to it, and the seed, τ,
// Algorithm 1's hyperparameters and the backend are recorded beside it, so
// that a resume with other settings is refused instead of mixing
// incomparable rows. Options.Shard runs part i of n of the grid (for a Slurm
// array or a Kubernetes Indexed Job); Merge joins the shards' tables.
//
// Tabulate turns rows into heat maps (Figure) and recovery curves against
// N_k (Table.Curve, Theorems 2 and 4 for one d; CurveFigure draws them, one
// curve per n). WriteCells summarizes a runs table into a cells table
// (cells.csv, one row per cell: runs, successes, mean and standard deviation
// of the error; about a twentieth of the size), which is what the notebooks
// ship; ReadCells reads it back into the same tables, and Load reads the
// first folder that holds either.
//
// # Speed
//
// For Algorithm 1 all instances and all N_k of one (K, d) are trained in one
// dae.Train call (one graph, the sample axis padded and masked). The classical
// runs are spread over goroutines, one per core.
package phase
