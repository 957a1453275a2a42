package dae

import (
	"math"
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

func newHostLevel(l Level) hostLevel {
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

// hostWork is one goroutine's scratch memory.
type hostWork struct {
	lvl       []int     // [B] noise level of each sample
	x0, gx    []float32 // [B, np] clean samples; [2B, np]: g (rows 0…B−1) then x_t
	xtT, gT   []float32 // [n, bp]: x_t and g, transposed
	x0T, p0   []float32 // hard-max only: x₀ transposed, U_kᵀx₀ [Σd, bp]
	ct, et    []float32 // [Σd, bp]: c = Uᵀx_t, e = Uᵀg
	ad        []float32 // [Σd, 2B]: a·w·c, then a·w·e + 2φδc
	cw        []float32 // [B, Σd]: a·w·c per sample
	grad      []float32 // [Σd, np]: ∂ℓ/∂U, transposed
	w, hk     []float32 // [K, bp]: soft-max weights w_k, h_k
	logit     []float32 // [K]
	pol       polarWork
	sampleIdx []int
	rc, rs    []float32 // [B·⌈n/2⌉]: the two halves of ε
}

func newHostWork(h *hostShape) *hostWork {
	k := len(h.dims)
	w := &hostWork{
		lvl: make([]int, h.b), sampleIdx: make([]int, h.b),
		x0: make([]float32, h.b*h.np), gx: make([]float32, 2*h.b*h.np),
		xtT: make([]float32, h.n*h.bp), gT: make([]float32, h.n*h.bp),
		ct: make([]float32, h.dsum*h.bp), et: make([]float32, h.dsum*h.bp),
		ad: make([]float32, h.dsum*2*h.b), cw: make([]float32, h.b*h.dsum),
		grad: make([]float32, h.dsum*h.np),
		w:    make([]float32, k*h.bp), hk: make([]float32, k*h.bp), logit: make([]float32, k),
		pol: newPolarWork(h),
		rc:  make([]float32, h.b*((h.n+1)/2)), rs: make([]float32, h.b*((h.n+1)/2)),
	}
	if h.param == ParamHardMax {
		w.x0T = make([]float32, h.n*h.bp)
		w.p0 = make([]float32, h.dsum*h.bp)
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
	numT := len(h.levels)
	// Minibatch (rng.go, streams 0–2): indices, levels, ε; x_t = s x₀ + sσ ε.
	xt := w.gx[b*np:]
	fillNormals(xt, np, b, n, key, t, 2, w.rc, w.rs)
	for i := range b {
		w.sampleIdx[i] = hostIndex(hostUniform(word(key, t, 0, uint64(i)), 40), count)
		w.lvl[i] = hostIndex(hostUniform(word(key, t, 1, uint64(i)), 40), numT)
		lv := &h.levels[w.lvl[i]]
		src := x[w.sampleIdx[i]*np : w.sampleIdx[i]*np+n]
		copy(w.x0[i*np:], src)
		row := xt[i*np : i*np+n]
		for a, v := range src {
			row[a] = lv.s*v + lv.ss*row[a]
		}
	}
	transpose(w.xtT, bp, xt, np, b, n)
	// c = Uᵀx_t.
	for j := range h.dsum {
		combine(w.ct[j*bp:(j+1)*bp], ut[j*np:j*np+n], w.xtT, bp)
	}
	h.weights(w, ut)
	// a·w_k·c, per sample (cw) and transposed (first half of ad).
	for k, d := range h.dims {
		for j := h.off[k]; j < h.off[k]+d; j++ {
			c, ad := w.ct[j*bp:], w.ad[j*2*b:]
			wk := w.w[k*bp:]
			for i := range b {
				v := h.levels[w.lvl[i]].shrink * wk[i] * c[i]
				ad[i] = v
				w.cw[i*h.dsum+j] = v
			}
		}
	}
	// r = x_θ − x₀, loss λ‖r‖², g = (2λ/B)·r in the first B rows of gx.
	var loss float32
	for i := range b {
		g := w.gx[i*np : (i+1)*np]
		combine(g, w.cw[i*h.dsum:(i+1)*h.dsum], ut, np)
		axpy(g, -1, w.x0[i*np:(i+1)*np])
		lambda := h.levels[w.lvl[i]].lambda
		loss += lambda * dot(g, g)
		scale(g, 2*lambda/float32(b))
	}
	transpose(w.gT, bp, w.gx, np, b, n)
	// e = Uᵀg.
	for j := range h.dsum {
		combine(w.et[j*bp:(j+1)*bp], ut[j*np:j*np+n], w.gT, bp)
	}
	h.xtCoefficient(w)
	for j := range h.dsum {
		combine(w.grad[j*np:(j+1)*np], w.ad[j*2*b:(j+1)*2*b], w.gx, np)
	}
	return loss / float32(b)
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
		for i := range b {
			best, bestK := float32(0), 0
			for k, d := range h.dims {
				q := float32(0)
				for j := h.off[k]; j < h.off[k]+d; j++ {
					q += w.p0[j*bp+i] * w.p0[j*bp+i]
				}
				w.w[k*bp+i] = 0
				if k == 0 || q > best {
					best, bestK = q, k
				}
			}
			w.w[bestK*bp+i] = 1
		}
	default:
		for i := range b {
			lv := &h.levels[w.lvl[i]]
			top := float32(math.Inf(-1))
			for k, d := range h.dims {
				q := float32(0)
				for j := h.off[k]; j < h.off[k]+d; j++ {
					q += w.ct[j*bp+i] * w.ct[j*bp+i]
				}
				l := lv.phi*q - float32(d)/2*lv.logRatio
				if h.logPi != nil {
					l += h.logPi[k]
				}
				w.logit[k] = l
				top = max(top, l)
			}
			sum := float32(0)
			for k, l := range w.logit {
				e := float32(math.Exp(float64(l - top)))
				w.w[k*bp+i] = e
				sum += e
			}
			for k := range h.dims {
				w.w[k*bp+i] /= sum
			}
		}
	}
}

// xtCoefficient sets the second half of ad: a·w_k·e_k + 2φ·δ_k·c_k per
// sample (the soft-max term only for eq. (9)).
func (h *hostShape) xtCoefficient(w *hostWork) {
	b, bp := h.b, h.bp
	softmax := h.param == ParamSoftMax
	if softmax {
		for i := range b {
			a := h.levels[w.lvl[i]].shrink
			mean := float32(0)
			for k, d := range h.dims {
				s := float32(0)
				for j := h.off[k]; j < h.off[k]+d; j++ {
					s += w.et[j*bp+i] * w.ct[j*bp+i]
				}
				w.hk[k*bp+i] = a * s
				mean += w.w[k*bp+i] * w.hk[k*bp+i]
			}
			for k := range h.dims {
				w.hk[k*bp+i] = 2 * h.levels[w.lvl[i]].phi * w.w[k*bp+i] * (w.hk[k*bp+i] - mean) // 2φδ_k
			}
		}
	}
	for k, d := range h.dims {
		wk, dk := w.w[k*bp:], w.hk[k*bp:]
		for j := h.off[k]; j < h.off[k]+d; j++ {
			c, e, ad := w.ct[j*bp:], w.et[j*bp:], w.ad[j*2*b+b:]
			for i := range b {
				v := h.levels[w.lvl[i]].shrink * wk[i] * e[i]
				if softmax {
					v += dk[i] * c[i]
				}
				ad[i] = v
			}
		}
	}
}

// scale sets x *= a.
func scale(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}
