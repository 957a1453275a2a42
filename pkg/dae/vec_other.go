//go:build !amd64 || !goexperiment.simd

package dae

// Without GOEXPERIMENT=simd on amd64 the host kernel uses the portable
// primitives.

func combine(y, alpha, m []float32, stride int) { combineGo(y, alpha, m, stride) }

func dot(x, y []float32) float32 { return dotGo(x, y) }

func axpy(y []float32, a float32, x []float32) { axpyGo(y, a, x) }

func normals(rc, rs []float32, key, step, stream uint64) { normalsGo(rc, rs, key, step, stream) }

func scal(x []float32, a float32) { scalGo(x, a) }

func mulTo(y, a, x []float32) { mulToGo(y, a, x) }

func matmulSquare(c, a, b []float32, d, dp int) { matmulSquareGo(c, a, b, d, dp) }

func mulAdd(y, a, x []float32) { mulAddGo(y, a, x) }

func softmaxColumns(l []float32, k, stride int) { softmaxColumnsGo(l, k, stride) }

func combineRows(y []float32, ys int, alpha []float32, as, J int, m []float32, ms, rows, width int) {
	combineRowsGo(y, ys, alpha, as, J, m, ms, rows, width)
}
