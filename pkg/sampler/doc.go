// Package sampler integrates the probability-flow ODE of a diffusion model in
// the EDM / VE parameterization (s_t = 1, σ_t = t; eq. 3 of the paper, Karras
// et al. 2022): dx/dσ = (x − D(x;σ))/σ, where D(x;σ) ≈ E[x₀ | x₀ + σε] is a
// denoiser given as a GoMLX graph function.
//
// It offers
//   - the EDM Heun sampler (Karras et al. 2022, Algorithm 1, deterministic,
//     S_churn = 0) on the time steps of their eq. (5): 18 steps, σ_min = 0.002,
//     σ_max = 80, ρ = 7 (the settings of the paper, docs/mathematics.md#heun-sampler);
//   - deterministic DDIM sampling and DDIM inversion, which in this
//     parameterization are Euler steps of the same ODE,
//     x_{σ'} = D(x;σ) + (σ'/σ)(x − D(x;σ)), on any grid of noise levels, going
//     down (sampling) or up (inversion, used for editing, Figures 6 and 9);
//   - the whole trajectory (x_i, σ_i and D(x_i;σ_i) at every step) on request,
//     which Figure 3 needs to evaluate the denoiser's Jacobian along it.
//
// Data live on the host as *mat.Dense, one sample per row (B×n). A sample may
// be an image: the Sampler reshapes every row to its per-sample shape (e.g.
// C×H×W) before calling the denoiser. The ODE arithmetic is done in float64;
// the denoiser sees its own dtype. Each step graph is compiled once per batch
// shape and the loop over steps runs on the host.
package sampler
