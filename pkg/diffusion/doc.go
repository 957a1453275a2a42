// Package diffusion is the forward process of a diffusion model (eq. 3 of
// "Diffusion Models Learn Low-Dimensional Distributions via Subspace
// Clustering"):
//
//	x_t = s_t·x₀ + s_t·σ_t·ε,   ε ~ N(0, Iₙ),   (eq. 3)
//
// with the two schedules of the paper as implementations of Schedule: EDM
// (variance exploding, s_t = 1, σ_t = t, t ∈ [0.002, 80]) and VP
// (s_t = (exp(½β_d t² + β_min t))^{-1/2}, σ_t = √(1/s_t² − 1), t ∈ [10⁻⁵, 1]).
// It also gives the time grids used to discretize t (uniform in t and the EDM
// ρ-spacing of σ), the loss weights λ_t of the training loss (eq. 6) and
// AddNoise, which draws x_t from x₀.
//
// Data are stored one sample per row (N×n *mat.Dense), as in package molrg.
// Grids run from the most noisy level down to the least noisy one, the order
// in which samplers use them.
package diffusion
