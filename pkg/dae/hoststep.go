package dae

import (
	"math"

	"github.com/molrg/molrg/pkg/diffusion"
)

// One SGD step of Algorithm 1 for one run, in float32 on the host, with the
// gradient of the loss (6) in closed form. Per sample b of the minibatch,
// with a = 1/(s(1+σ²)) (shrinkage), c_k = U_kᵀx_t, e_k = U_kᵀg and
// g = ∂ℓ/∂x_θ = (2λ/B)·r, r = x_θ − x₀:
//
//	x_θ = a Σ_k w_k U_k c_k                                 (eqs. 9, 11, 16)
//	∂ℓ/∂U_k = Σ_b g (a w_k c_k)ᵀ + x_t (a w_k e_k + 2φ δ_k c_k)ᵀ,
//	δ_k = w_k (h_k − Σ_l w_l h_l),  h_k = a e_k·c_k,
//
// where the first term differentiates U_kU_kᵀx_t and the second the soft-max
// weights w_k of eq. (9) through their logits φ‖c_k‖² (δ = 0 for the single
// Gaussian, w = 1, and for the hard-max, whose choice k̂ carries no
// gradient). Samples are rows of [B, n] buffers and columns of [n, B] ones,
// so that every product is a sum of rows (combine) over a padded, contiguous
// axis.

// hostLevel is one noise level with the per-sample factors it implies,
// computed in float32 in the graph's order.
type hostLevel struct {
	s, ss, lambda float32 // s_t, s_tσ_t, λ_t
	shrink        float32 // a = 1/(s(1+σ²))
	phi           float32 // φ_t = 1/(2s²σ²(1+σ²)) (eq. 9)
	logRatio      float32 // log(1 + σ⁻²)
}

func newHostLevel(l diffusion.Level) hostLevel {
	s, sigma := float32(l.S), float32(l.Sigma)
	sigma2 := sigma * sigma
	onePlus := 1 + sigma2
	return hostLevel{
		s:        s,
		ss:       s * sigma,
		lambda:   float32(l.Lambda),
		shrink:   1 / (s * onePlus),
		phi:      1 / (2 * (s * s * (sigma2 * onePlus))),
		logRatio: float32(math.Log1p(float64(1 / sigma2))),
	}
}

// hostShape holds what every run of a Train call shares.
type hostShape struct {
	param  Parameterization
	n, np  int       // ambient dimension, padded
	b, bp  int       // minibatch size, padded
	dims   []int     // d_k
	off    []int     // U_k is rows off[k] … off[k]+d_k−1 of the transposed bases
	dsum   int       // Σ d_k
	dp     int       // max d_k, padded: row stride of the d×d Newton–Schulz matrices
	logPi  []float32 // log π_k; nil for equal weights (they cancel)
	levels []hostLevel
	polar  int // Newton–Schulz iterations
}

func newHostShape(cfg *Config, n int) *hostShape {
	h := &hostShape{param: cfg.Parameterization, n: n, np: padded(n), b: cfg.BatchSize, bp: padded(cfg.BatchSize),
		dims: cfg.Dims, polar: cfg.PolarIterations}
	dmax := 0
	for _, d := range cfg.Dims {
		h.off = append(h.off, h.dsum)
		h.dsum += d
		dmax = max(dmax, d)
	}
	h.dp = padded(dmax)
	if cfg.Pi != nil {
		for _, p := range cfg.Pi {
			h.logPi = append(h.logPi, float32(math.Log(p)))
		}
	}
	for _, l := range cfg.levels() {
		h.levels = append(h.levels, newHostLevel(l))
	}
	return h
}

// hostWork is one goroutine's scratch memory. Per-sample vectors have bp
// lanes; lanes B…bp−1 stay zero, so padded samples contribute nothing.
type hostWork struct {
	x0, gx    []float32 // [B, np] clean samples; [2bp, np]: g (rows 0…bp−1) then x_t
	xtT, gT   []float32 // [n, bp]: x_t and g, transposed
	x0T, p0   []float32 // hard-max only: x₀ transposed, U_kᵀx₀ [Σd, bp]
	ct, et    []float32 // [Σd, bp]: c = Uᵀx_t, e = Uᵀg
	ad        []float32 // [Σd, 2bp]: a·w·c, then a·w·e + 2φδc
	cw        []float32 // [B, Σd]: a·w·c per sample
	grad      []float32 // [Σd, np]: ∂ℓ/∂U, transposed
	w, aw, dk []float32 // [K, bp]: w_k, a·w_k, 2φ·δ_k
	q, hk     []float32 // [K, bp]: ‖c_k‖² (or ‖U_kᵀx₀‖²), h_k
	shrink    []float32 // [bp]: a = 1/(s(1+σ²)) per sample
	phi       []float32 // [bp]: φ per sample
	logRatio  []float32 // [bp]: log(1 + σ⁻²) per sample
	lvl       []int     // [B]: noise level per sample
	rc, rs    []float32 // [B·⌈n/2⌉]: the two halves of ε
	pol       polarWork
}

func newHostWork(h *hostShape) *hostWork {
	k := len(h.dims)
	vecs := func(m int) []float32 { return make([]float32, m) }
	w := &hostWork{
		x0: vecs(h.b * h.np), gx: vecs(2 * h.bp * h.np),
		xtT: vecs(h.n * h.bp), gT: vecs(h.n * h.bp),
		ct: vecs(h.dsum * h.bp), et: vecs(h.dsum * h.bp),
		ad: vecs(h.dsum * 2 * h.bp), cw: vecs(h.b * h.dsum), grad: vecs(h.dsum * h.np),
		w: vecs(k * h.bp), aw: vecs(k * h.bp), dk: vecs(k * h.bp), q: vecs(k * h.bp), hk: vecs(k * h.bp),
		shrink: vecs(h.bp), phi: vecs(h.bp), logRatio: vecs(h.bp), lvl: make([]int, h.b),
		rc: vecs(h.b * ((h.n + 1) / 2)), rs: vecs(h.b * ((h.n + 1) / 2)),
		pol: newPolarWork(h),
	}
	if h.param == ParamHardMax {
		w.x0T = vecs(h.n * h.bp)
		w.p0 = vecs(h.dsum * h.bp)
	}
	return w
}

// transpose writes the [rows, n] block of src (row stride ss) into dst as
// [n, rows] with row stride ds.
func transpose(dst []float32, ds int, src []float32, ss, rows, n int) {
	for b := range rows {
		row := src[b*ss : b*ss+n]
		for a, v := range row {
			dst[a*ds+b] = v
		}
	}
}

// step does SGD step t of Algorithm 1 for one run: ut holds the transposed
// bases [Σd, np] (updated in place), x the run's data [N, np], key its RNG
// key, eta the step size. It returns the minibatch loss (6) before the step.
func (h *hostShape) step(w *hostWork, ut, x []float32, count int, key, t uint64, eta float32) float32 {
	loss := h.gradient(w, ut, x, count, key, t)
	for j := range h.dsum {
		axpy(ut[j*h.np:(j+1)*h.np], -eta, w.grad[j*h.np:(j+1)*h.np])
	}
	for k, d := range h.dims {
		w.pol.project(ut[h.off[k]*h.np:(h.off[k]+d)*h.np], d, h.np, h.dp, h.polar)
	}
	return loss
}

// gradient draws the minibatch of step t, sets w.grad to ∂ℓ/∂U (transposed,
// [Σd, np]) and returns the minibatch loss (6).
func (h *hostShape) gradient(w *hostWork, ut, x []float32, count int, key, t uint64) float32 {
	n, np, b, bp := h.n, h.np, h.b, h.bp
	// Minibatch (rng.go, streams 0–2): indices, levels, ε; x_t = s x₀ + sσ ε.
	xt := w.gx[bp*np:]
	fillNormals(xt, np, b, n, key, t, 2, w.rc, w.rs)
	for i := range b {
		idx := hostIndex(hostUniform(word(key, t, 0, uint64(i)), 40), count)
		w.lvl[i] = hostIndex(hostUniform(word(key, t, 1, uint64(i)), 40), len(h.levels))
		lv := &h.levels[w.lvl[i]]
		w.shrink[i], w.phi[i], w.logRatio[i] = lv.shrink, lv.phi, lv.logRatio
		src := x[idx*np : (idx+1)*np]
		copy(w.x0[i*np:(i+1)*np], src)
		row := xt[i*np : (i+1)*np]
		scal(row, lv.ss)
		axpy(row, lv.s, src)
	}
	transpose(w.xtT, bp, xt, np, b, n)
	combineRows(w.ct, bp, ut, np, n, w.xtT, bp, h.dsum, bp) // c = Uᵀx_t
	h.weights(w, ut)
	// a·w_k·c, transposed (first half of ad) and per sample (cw).
	for k, d := range h.dims {
		mulTo(w.aw[k*bp:(k+1)*bp], w.shrink, w.w[k*bp:(k+1)*bp])
		for j := h.off[k]; j < h.off[k]+d; j++ {
			ad := w.ad[j*2*bp : j*2*bp+bp]
			mulTo(ad, w.aw[k*bp:(k+1)*bp], w.ct[j*bp:(j+1)*bp])
			for i, v := range ad[:b] {
				w.cw[i*h.dsum+j] = v
			}
		}
	}
	// r = x_θ − x₀, loss λ‖r‖², g = (2λ/B)·r in the first B rows of gx.
	var loss float32
	combineRows(w.gx, np, w.cw, h.dsum, h.dsum, ut, np, b, np) // x_θ/a per sample
	for i := range b {
		g := w.gx[i*np : (i+1)*np]
		axpy(g, -1, w.x0[i*np:(i+1)*np])
		lambda := h.levels[w.lvl[i]].lambda
		loss += lambda * dot(g, g)
		scal(g, 2*lambda/float32(b))
	}
	transpose(w.gT, bp, w.gx, np, b, n)
	combineRows(w.et, bp, ut, np, n, w.gT, bp, h.dsum, bp) // e = Uᵀg
	h.xtCoefficient(w)
	combineRows(w.grad, np, w.ad, 2*bp, 2*bp, w.gx, np, h.dsum, np)
	return loss / float32(b)
}

// sumSquares sets q_k = Σ_{j∈k} x_j∘y_j for every component k, from the
// per-sample rows x, y [Σd, bp].
func (h *hostShape) sumProducts(q, x, y []float32) {
	bp := h.bp
	clear(q)
	for k, d := range h.dims {
		for j := h.off[k]; j < h.off[k]+d; j++ {
			mulAdd(q[k*bp:(k+1)*bp], x[j*bp:(j+1)*bp], y[j*bp:(j+1)*bp])
		}
	}
}

// weights sets w_k per sample: eq. (9)'s soft-max of
// log π_k − (d_k/2)·log(1+σ⁻²) + φ‖c_k‖², eq. (16)'s one-hot of
// argmax_k ‖U_kᵀx₀‖, or 1 for eq. (11).
func (h *hostShape) weights(w *hostWork, ut []float32) {
	b, bp, np := h.b, h.bp, h.np
	switch h.param {
	case ParamSingleGaussian:
		for i := range b {
			w.w[i] = 1
		}
	case ParamHardMax:
		transpose(w.x0T, bp, w.x0, np, b, h.n)
		for j := range h.dsum {
			combine(w.p0[j*bp:(j+1)*bp], ut[j*np:j*np+h.n], w.x0T, bp)
		}
		h.sumProducts(w.q, w.p0, w.p0)
		for i := range b {
			best := 0
			for k := range h.dims {
				w.w[k*bp+i] = 0
				if w.q[k*bp+i] > w.q[best*bp+i] {
					best = k
				}
			}
			w.w[best*bp+i] = 1
		}
	default:
		// Logits log π_k − (d_k/2)·log(1+σ⁻²) + φ‖c_k‖², then their soft-max.
		h.sumProducts(w.q, w.ct, w.ct)
		for k, d := range h.dims {
			l, q := w.w[k*bp:(k+1)*bp], w.q[k*bp:(k+1)*bp]
			for i := range b { // the graph's rounding: two products, then their difference
				l[i] = w.phi[i]*q[i] - float32(d)/2*w.logRatio[i]
				if h.logPi != nil {
					l[i] += h.logPi[k]
				}
			}
		}
		softmaxColumns(w.w, len(h.dims), bp)
	}
}

// xtCoefficient sets the second half of ad: a·w_k·e_k + 2φ·δ_k·c_k per
// sample (the soft-max term only for eq. (9)).
func (h *hostShape) xtCoefficient(w *hostWork) {
	b, bp := h.b, h.bp
	softmax := h.param == ParamSoftMax
	if softmax {
		h.sumProducts(w.hk, w.et, w.ct)
		for i := range b {
			mean := float32(0)
			for k := range h.dims {
				w.hk[k*bp+i] *= w.shrink[i]
				mean += w.w[k*bp+i] * w.hk[k*bp+i]
			}
			for k := range h.dims {
				w.dk[k*bp+i] = 2 * w.phi[i] * w.w[k*bp+i] * (w.hk[k*bp+i] - mean)
			}
		}
	}
	for k, d := range h.dims {
		for j := h.off[k]; j < h.off[k]+d; j++ {
			ad := w.ad[j*2*bp+bp : (j+1)*2*bp]
			mulTo(ad, w.aw[k*bp:(k+1)*bp], w.et[j*bp:(j+1)*bp])
			if softmax {
				mulAdd(ad, w.dk[k*bp:(k+1)*bp], w.ct[j*bp:(j+1)*bp])
			}
		}
	}
}
