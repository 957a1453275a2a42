// Package theorem computes the quantities the notebooks use to check the
// theorems of "Diffusion Models Learn Low-Dimensional Distributions via
// Subspace Clustering" numerically:
//
//   - Theorems 1 and 3: the exact expected training loss (eq. 6) of the
//     single-Gaussian DAE (eq. 11) and of the hard-max DAE (eq. 16) on a data
//     set, in closed form over the noise ε, and the affine relations
//     ℓ(U) = a − b·F(U)/N with the PCA objective (eq. 12) and the
//     subspace-clustering objective (eq. 18); a Monte-Carlo estimate of the
//     loss through the DAE graphs of pkg/dae to check them against;
//   - Theorem 2: the lower bound √(2(d−N)) on the error of any basis fitted
//     to N < d samples (the recovery curves themselves are sweeps of
//     pkg/phase).
//
// Training itself is pkg/dae's (dae.Config.Snapshots keeps the bases along
// the way).
//
// Data are N×n *mat.Dense with one sample per row, bases n×d *mat.Dense with
// orthonormal columns, as in packages molrg, subspace and dae. Algorithm 1
// draws a noise level uniformly from its T levels, so "the loss" here is the
// uniform average over the levels of λ_t times the expected squared error.
package theorem
