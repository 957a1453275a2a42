// Package molrg implements the mixture of low-rank Gaussians (MoLRG) of
// Definition 1 of "Diffusion Models Learn Low-Dimensional Distributions via
// Subspace Clustering" (Wang, Zhang, Zhang, Chen, Ma, Qu), its noisy variants
// (eqs. 10, 15), and the ground truth of a diffusion model trained on it: the
// posterior mean E[x₀|x_t] (Lemma 1, eq. 8), the score ∇log p_t (Prop. 1,
// eq. 28) and the rank bound of Lemma 2.
//
// Data are stored one sample per row: a data set of N points in ℝⁿ is an
// N×n *mat.Dense. A basis U_k ∈ O^{n×d_k} is an n×d_k *mat.Dense with
// orthonormal columns.
package molrg
