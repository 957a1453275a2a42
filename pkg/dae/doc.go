// Package dae implements the theoretical denoisers (DAEs) of "Diffusion Models
// Learn Low-Dimensional Distributions via Subspace Clustering" (Wang, Zhang,
// Zhang, Chen, Ma, Qu) as GoMLX graphs, the denoising training loss (eq. 6),
// and Algorithm 1: stochastic gradient descent on the loss with the bases
// projected back onto the orthonormal matrices O^{n×d} after every step.
//
// The parameters are θ = {U_k ∈ O^{n×d_k}}. Three parameterizations are
// available:
//
//   - SoftMax (eq. 9): x_θ = 1/(s(1+σ²)) Σ_k w_k U_kU_kᵀx_t with
//     w_k = softmax_k(log π_k − (d_k/2)·log(1+σ⁻²) + φ_t‖U_kᵀx_t‖²),
//     φ_t = 1/(2s²σ²(1+σ²)): the posterior mean of a MoLRG with bases U_k.
//   - SingleGaussian (eq. 11): x_θ = UUᵀx_t/(s(1+σ²)). Training it is PCA
//     (Theorem 1).
//   - HardMax (eqs. 16–17): x_θ = U_k̂U_k̂ᵀx_t/(s(1+σ²)) with
//     k̂ = argmax_k ‖U_kᵀx₀‖ chosen by the clean sample. Training it is
//     subspace clustering, eq. (18) (Theorem 3).
//
// # Shapes
//
// Graph functions take a noisy batch x_t of shape [..., B, n] (B samples in
// ℝⁿ, optional leading "instance" axes), per-sample s_t and σ_t of shape
// [..., B] (or scalars), and bases U_k of shape [..., n, d_k] with the same
// leading axes (or [n, d_k], shared by all instances).
//
// # Training many instances at once
//
// Train runs Algorithm 1 on many independent problem instances at once. All
// randomness (minibatch indices, noise levels, ε) comes from a counter-based
// hash of (instance seed, step, position), so an instance trained inside a
// batch gets exactly the random numbers it gets when trained alone. Two
// kernels compute the same steps (Config.Kernel), to float32 rounding:
//
//   - KernelHost (the default): every step in Go, float32, with the gradient
//     of the loss (6) in closed form (hoststep.go), AVX-512 vector code where
//     available, the runs spread over GOMAXPROCS goroutines. At these sizes
//     (n = 48, d ≤ 12, batch 32) it is several times faster than the graphs,
//     on either backend.
//   - KernelGraph: GoMLX graphs with automatic differentiation on
//     Config.Backend; the data are padded into [I, N_max, n] with a
//     per-instance sample count, the bases are [I, n, d_k] per component,
//     and StepsPerExec steps run per execution (a While loop on XLA).
//
// # Step sizes and stopping
//
// Config.Schedule selects the step-size rule: geometric from StepSize to
// FinalStepSize over Steps (DefaultConfig), or η_t = StepSize/√(1 + t/t₀)
// with a final annealing window (ConvergedConfig). With Config.Tol > 0 (host
// kernel) every run stops on its own once the mean of its projections
// U_kU_kᵀ over a window of Window steps moves by at most Tol from the
// previous window's; Steps is then a maximum, and Result.Steps and
// Result.Converged record what each run did.
package dae
