// Package jacobian computes the Jacobian ∂x_θ(x_t, t)/∂x_t of a denoiser
// given as a GoMLX graph function, by reverse-mode automatic
// differentiation, batched over points; its SVD on the host (gonum); and its
// numerical rank (eq. 46) along a sampling trajectory (Figures 3 and 7). The
// leading singular vectors are the editing directions of Figures 6 and 9:
// to first order x_θ(x_t + λv_i) ≈ x_θ(x_t) + λ s_i u_i.
//
// Lemma 2 bounds the rank of the ground-truth Jacobian by Σ_k d_k. At a
// point near subspace k and high SNR (small σ) the soft-max weights of eq. (8)
// are one-hot and the Jacobian is ≈ U_kU_kᵀ/(1+σ²), of rank d_k; at low SNR
// (large σ) the weights tend to π_k and the Jacobian ≈ Σ_k π_k U_kU_kᵀ/(1+σ²)
// reaches the bound Σ_k d_k.
//
// All B Jacobians of a batch come from one graph: the batch is tiled R times
// (R output coordinates per pass) and the gradient of Σ_r Σ_b y_{r,b}[r] with
// respect to the tiled input gives R rows of every Jacobian at once. The
// function must treat the items of a batch independently (no batch
// normalization across items).
package jacobian
