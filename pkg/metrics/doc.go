// Package metrics measures what a diffusion model generated: whether it
// memorized its training set or generalized, and how low-dimensional its
// denoiser is.
//
//   - GL (eq. 21): the generalization score for MoLRG data,
//     GL = mean_j min_i ‖x̂_j − x⁽ⁱ⁾‖ / mean_j min_i ‖x̃_j − x⁽ⁱ⁾‖,
//     ≈ 0 when the generated x̂_j are copies of training samples x⁽ⁱ⁾ and ≈ 1
//     when they are as far from the training set as fresh samples x̃_j.
//   - ImageGL (Figure 5b): GL = 1 − (1/M)Σ_j 1[max_i ⟨f(x̂_j), f(x⁽ⁱ⁾)⟩ > 0.6]
//     with an L2-normalized copy-detection descriptor f (SSCD in the paper;
//     pluggable here, identity by default).
//   - RatioGL and CopyTest (the project's Figure 5b): the relative
//     nearest-neighbour copy test, a copy when ρ_k = d₁/((1/k)Σ_{j≤k} d_j)
//     < τ (k = 5, τ = 1/3), which does not drift with the size of the
//     training set; CopyTest also runs the cosine test with a descriptor.
//   - NumericalRank (eq. 46): the number of singular values holding a fraction
//     (0.99 in the paper) of the Frobenius norm, used for the rank of the
//     denoiser's Jacobian in Figures 3 and 7.
//
// Data sets are *mat.Dense with one sample per row.
package metrics
