package dae

import "math"

// Float32 vector primitives of the host kernel (host.go). Every length
// passed to them is a multiple of vecWidth: the kernel pads its rows with
// zeros, so that the vector versions (vec_amd64.go, AVX-512) need no tails.
// The portable versions here are used where AVX-512 is missing.

// vecWidth is the number of float32 lanes every padded length is a multiple of.
const vecWidth = 16

// padded rounds m up to a multiple of vecWidth.
func padded(m int) int { return (m + vecWidth - 1) / vecWidth * vecWidth }

// combineGo sets y = Σ_j alpha[j]·m[j·stride : j·stride+len(y)]: a row vector
// times a row-major matrix.
func combineGo(y, alpha, m []float32, stride int) {
	clear(y)
	for j, a := range alpha {
		row := m[j*stride : j*stride+len(y)]
		for i, v := range row {
			y[i] += a * v
		}
	}
}

// dotGo returns Σ_i x[i]·y[i].
func dotGo(x, y []float32) float32 {
	var s0, s1, s2, s3 float32
	y = y[:len(x)]
	for i := 0; i < len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyGo sets y += a·x.
func axpyGo(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += a * x[i]
	}
}

// scalGo sets x *= a.
func scalGo(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}

// mulToGo sets y = a∘x elementwise.
func mulToGo(y, a, x []float32) {
	a, x = a[:len(y)], x[:len(y)]
	for i := range y {
		y[i] = a[i] * x[i]
	}
}

// matmulSquareGo sets c = a·b for d×d matrices with row stride dp.
func matmulSquareGo(c, a, b []float32, d, dp int) {
	for i := range d {
		combine(c[i*dp:(i+1)*dp], a[i*dp:i*dp+d], b, dp)
	}
}

// mulAddGo sets y += a∘x elementwise.
func mulAddGo(y, a, x []float32) {
	a, x = a[:len(y)], x[:len(y)]
	for i := range y {
		y[i] += a[i] * x[i]
	}
}

// softmaxColumnsGo replaces the logits l [K, stride] by their soft-max over
// the K rows, column by column.
func softmaxColumnsGo(l []float32, k, stride int) {
	for c := range stride {
		top := l[c]
		for r := 1; r < k; r++ {
			top = max(top, l[r*stride+c])
		}
		sum := float32(0)
		for r := range k {
			e := float32(math.Exp(float64(l[r*stride+c] - top)))
			l[r*stride+c] = e
			sum += e
		}
		for r := range k {
			l[r*stride+c] /= sum
		}
	}
}

// combineRowsGo sets row r < rows of y (row stride ys) to
// Σ_{j<J} alpha[r·as + j]·m[j·ms : j·ms+width].
func combineRowsGo(y []float32, ys int, alpha []float32, as, J int, m []float32, ms, rows, width int) {
	for r := range rows {
		combine(y[r*ys:r*ys+width], alpha[r*as:r*as+J], m, ms)
	}
}
