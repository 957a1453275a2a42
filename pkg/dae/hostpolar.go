package dae

import "math"

// polarWork is the scratch memory of the host Polar: d×d matrices with row
// stride dp, and one transposed n×d basis.
type polarWork struct {
	a, m, p, t []float32 // [d, dp]
	mt         []float32 // [d, dp]: a transpose
	col        []float32 // [d]
	x          []float32 // [d, np]
}

func newPolarWork(h *hostShape) polarWork {
	dmax := h.dp
	return polarWork{
		a: make([]float32, dmax*h.dp), m: make([]float32, dmax*h.dp),
		p: make([]float32, dmax*h.dp), t: make([]float32, dmax*h.dp), mt: make([]float32, dmax*h.dp),
		col: make([]float32, dmax), x: make([]float32, dmax*h.np),
	}
}

// project replaces yt, the transposed Y [d, np], by the transposed
// P_O(Y): Polar's Newton–Schulz iteration (polar.go) in the same order —
// normalization by min(‖Y‖²_F, Gershgorin bound of YᵀY), iterations on the
// d×d Gram matrices, two clean-up iterations on the n×d matrix.
func (w *polarWork) project(yt []float32, d, np, dp, iterations int) {
	gram(w.a, yt, d, np, dp)
	frob, gersh := float32(0), float32(0)
	for i := range d {
		frob += w.a[i*dp+i]
		row := float32(0)
		for _, v := range w.a[i*dp : i*dp+d] {
			row += float32(math.Abs(float64(v)))
		}
		gersh = max(gersh, row)
	}
	c := min(frob, gersh)
	inv := 1 / float32(math.Sqrt(float64(c)))
	scal(yt, inv)
	scal(w.a[:d*dp], 1/c)
	for it := range iterations {
		halfEye(w.m, w.a, d, dp) // M = 1.5I − 0.5A
		if it == 0 {
			copy(w.p, w.m)
		} else {
			matmulSquare(w.t, w.p, w.m, d, dp) // P ← PM
			w.p, w.t = w.t, w.p
		}
		matmulSquare(w.t, w.m, w.a, d, dp) // A ← MAM
		matmulSquare(w.a, w.t, w.m, d, dp)
		if nearIdentity(w.a, d, dp) {
			break
		}
	}
	w.apply(yt, w.p, d, np, dp) // X ← XP
	for range 2 {
		gram(w.a, yt, d, np, dp)
		halfEye(w.m, w.a, d, dp)
		w.apply(yt, w.m, d, np, dp) // X ← X(1.5I − 0.5XᵀX)
	}
}

// nsTol is where the Newton–Schulz iterations on the Gram matrices stop
// early: once max |A − I| ≤ nsTol the remaining iterations would change P by
// about nsTol/2, and the two clean-up iterations on X, whose error they
// square, bring X to the polar factor to float32 rounding either way (ours;
// the graph's Polar always runs all of them).
const nsTol = 1e-4

// nearIdentity reports whether max |a − I| ≤ nsTol on the d×d block.
func nearIdentity(a []float32, d, dp int) bool {
	for i := range d {
		for j, v := range a[i*dp : i*dp+d] {
			if i == j {
				v--
			}
			if v > nsTol || v < -nsTol {
				return false
			}
		}
	}
	return true
}

// gram sets a = yt·ytᵀ (the d×d Gram matrix YᵀY of the basis Y = ytᵀ).
func gram(a, yt []float32, d, np, dp int) {
	for i := range d {
		for j := i; j < d; j++ {
			v := dot(yt[i*np:(i+1)*np], yt[j*np:(j+1)*np])
			a[i*dp+j], a[j*dp+i] = v, v
		}
	}
}

// halfEye sets m = 1.5I − 0.5a on the d×d block (padding stays zero).
func halfEye(m, a []float32, d, dp int) {
	copy(m[:d*dp], a[:d*dp])
	scal(m[:d*dp], -0.5)
	for i := range d {
		m[i*dp+i] += 1.5
	}
}

// apply sets yt ← (Y·m)ᵀ: row j of the result is Σ_i m[i, j]·yt[i].
func (w *polarWork) apply(yt, m []float32, d, np, dp int) {
	for i := range d {
		for j := range d {
			w.mt[j*dp+i] = m[i*dp+j]
		}
	}
	combineRows(w.x, np, w.mt, dp, d, yt, np, d, np)
	copy(yt, w.x[:d*np])
}
