//go:build goexperiment.simd

package dae

import (
	"math"
	"simd/archsimd"
)

// hasAVX512 selects the AVX-512 versions of the vector primitives.
var hasAVX512 = archsimd.X86.AVX512()

// combine sets y = Σ_j alpha[j]·m[j·stride : j·stride+len(y)] (len(y) and
// stride multiples of vecWidth). Up to four 16-lane accumulators stay in
// registers while j runs over the rows.
func combine(y, alpha, m []float32, stride int) {
	if !hasAVX512 {
		combineGo(y, alpha, m, stride)
		return
	}
	if len(alpha) == 0 {
		clear(y)
		return
	}
	_ = m[(len(alpha)-1)*stride+len(y)-1]
	for c := 0; c < len(y); c += 4 * vecWidth {
		switch min(len(y)-c, 4*vecWidth) / vecWidth {
		case 1:
			var a0 archsimd.Float32x16
			for j, a := range alpha {
				s := archsimd.BroadcastFloat32x16(a)
				o := j*stride + c
				a0 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o:o+16]), a0)
			}
			a0.StoreSlice(y[c : c+16])
		case 2:
			var a0, a1 archsimd.Float32x16
			for j, a := range alpha {
				s := archsimd.BroadcastFloat32x16(a)
				o := j*stride + c
				a0 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o:o+16]), a0)
				a1 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o+16:o+32]), a1)
			}
			a0.StoreSlice(y[c : c+16])
			a1.StoreSlice(y[c+16 : c+32])
		case 3:
			var a0, a1, a2 archsimd.Float32x16
			for j, a := range alpha {
				s := archsimd.BroadcastFloat32x16(a)
				o := j*stride + c
				a0 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o:o+16]), a0)
				a1 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o+16:o+32]), a1)
				a2 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o+32:o+48]), a2)
			}
			a0.StoreSlice(y[c : c+16])
			a1.StoreSlice(y[c+16 : c+32])
			a2.StoreSlice(y[c+32 : c+48])
		default:
			var a0, a1, a2, a3 archsimd.Float32x16
			for j, a := range alpha {
				s := archsimd.BroadcastFloat32x16(a)
				o := j*stride + c
				a0 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o:o+16]), a0)
				a1 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o+16:o+32]), a1)
				a2 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o+32:o+48]), a2)
				a3 = s.MulAdd(archsimd.LoadFloat32x16Slice(m[o+48:o+64]), a3)
			}
			a0.StoreSlice(y[c : c+16])
			a1.StoreSlice(y[c+16 : c+32])
			a2.StoreSlice(y[c+32 : c+48])
			a3.StoreSlice(y[c+48 : c+64])
		}
	}
}

// dot returns Σ_i x[i]·y[i] (len(x) a multiple of vecWidth).
func dot(x, y []float32) float32 {
	if !hasAVX512 {
		return dotGo(x, y)
	}
	var acc archsimd.Float32x16
	y = y[:len(x)]
	for i := 0; i < len(x); i += 16 {
		acc = archsimd.LoadFloat32x16Slice(x[i:i+16]).MulAdd(archsimd.LoadFloat32x16Slice(y[i:i+16]), acc)
	}
	h := acc.GetLo().Add(acc.GetHi())
	q := h.GetLo().Add(h.GetHi())
	q = q.AddPairs(q)
	q = q.AddPairs(q)
	var out [4]float32
	q.StoreSlice(out[:])
	return out[0]
}

// axpy sets y += a·x (len(y) a multiple of vecWidth).
func axpy(y []float32, a float32, x []float32) {
	if !hasAVX512 {
		axpyGo(y, a, x)
		return
	}
	s := archsimd.BroadcastFloat32x16(a)
	x = x[:len(y)]
	for i := 0; i < len(y); i += 16 {
		s.MulAdd(archsimd.LoadFloat32x16Slice(x[i:i+16]), archsimd.LoadFloat32x16Slice(y[i:i+16])).StoreSlice(y[i : i+16])
	}
}

// normals sets rc[p], rs[p] to boxMuller(word(key, step, stream, p)) for
// every p < len(rc), eight words at a time: SplitMix64 in 64-bit lanes, the
// uniforms and the final float32 operations in the graph's order, log and
// cos in float64 lanes as logUnit and cos2Pi compute them.
func normals(rc, rs []float32, key, step, stream uint64) {
	if !hasAVX512 {
		normalsGo(rc, rs, key, step, stream)
		return
	}
	var iota8 = [8]uint64{0, 1, 2, 3, 4, 5, 6, 7}
	pos := archsimd.LoadUint64x8Slice(iota8[:]).Add(archsimd.BroadcastUint64x8(step<<34 + stream<<32 + 1))
	eight := archsimd.BroadcastUint64x8(8)
	gold, m1, m2 := archsimd.BroadcastUint64x8(golden64), archsimd.BroadcastUint64x8(mixMul1), archsimd.BroadcastUint64x8(mixMul2)
	kv := archsimd.BroadcastUint64x8(key)
	mask24 := archsimd.BroadcastUint64x8(0xFFFFFF)
	inv24 := archsimd.BroadcastFloat32x8(1.0 / (1 << 24))
	half24 := archsimd.BroadcastFloat32x8(0.5 / (1 << 24))
	twoPi := archsimd.BroadcastFloat32x8(2 * math.Pi)
	minus2 := archsimd.BroadcastFloat32x8(-2)
	one32, zero32, halfF := archsimd.BroadcastFloat32x8(1), archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(0.5)
	p := 0
	for ; p+8 <= len(rc); p += 8 {
		z := kv.Add(pos.Mul(gold))
		pos = pos.Add(eight)
		z = z.Xor(z.ShiftAllRight(30)).Mul(m1)
		z = z.Xor(z.ShiftAllRight(27)).Mul(m2)
		z = z.Xor(z.ShiftAllRight(31))
		u1 := z.ShiftAllRight(40).And(mask24).ConvertToFloat32().Mul(inv24).Add(half24)
		u2 := z.ShiftAllRight(8).And(mask24).ConvertToFloat32().Mul(inv24)
		r := logUnit8(u1.ConvertToFloat64()).ConvertToFloat32().Mul(minus2).Sqrt()
		c := cos8(u2.Mul(twoPi).ConvertToFloat64()).ConvertToFloat32()
		s := one32.Sub(c.Mul(c)).Max(zero32).Sqrt()
		s = s.Merge(zero32.Sub(s), u2.Less(halfF))
		r.Mul(c).StoreSlice(rc[p : p+8])
		r.Mul(s).StoreSlice(rs[p : p+8])
	}
	for ; p < len(rc); p++ {
		rc[p], rs[p] = boxMuller(word(key, step, stream, uint64(p)))
	}
}

// logUnit8 is logUnit in eight lanes.
func logUnit8(x archsimd.Float64x8) archsimd.Float64x8 {
	bits := x.AsUint64x8()
	e := bits.ShiftAllRight(52).ConvertToFloat64().Sub(archsimd.BroadcastFloat64x8(1023))
	m := bits.And(archsimd.BroadcastUint64x8(1<<52 - 1)).Or(archsimd.BroadcastUint64x8(1023 << 52)).AsFloat64x8()
	big := m.Greater(archsimd.BroadcastFloat64x8(math.Sqrt2))
	m = m.Mul(archsimd.BroadcastFloat64x8(0.5)).Merge(m, big)
	e = e.Add(archsimd.BroadcastFloat64x8(1)).Merge(e, big)
	one := archsimd.BroadcastFloat64x8(1)
	z := m.Sub(one).Div(m.Add(one))
	z2 := z.Mul(z)
	p := archsimd.BroadcastFloat64x8(1.0 / 19)
	for _, c := range [...]float64{1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1} {
		p = p.MulAdd(z2, archsimd.BroadcastFloat64x8(c))
	}
	return e.MulAdd(archsimd.BroadcastFloat64x8(math.Ln2), z.Add(z).Mul(p))
}

// cos8 is cos θ in eight lanes, reduced as in cos2Pi.
func cos8(theta archsimd.Float64x8) archsimd.Float64x8 {
	q := theta.Mul(archsimd.BroadcastFloat64x8(2 / math.Pi)).RoundToEvenScaled(0)
	r := archsimd.BroadcastFloat64x8(-math.Pi/2).MulAdd(q, theta)
	r2 := r.Mul(r)
	cv := archsimd.BroadcastFloat64x8(1.0 / 20922789888000)
	for _, c := range [...]float64{-1.0 / 87178291200, 1.0 / 479001600, -1.0 / 3628800, 1.0 / 40320, -1.0 / 720, 1.0 / 24, -0.5, 1} {
		cv = cv.MulAdd(r2, archsimd.BroadcastFloat64x8(c))
	}
	sv := archsimd.BroadcastFloat64x8(-1.0 / 1307674368000)
	for _, c := range [...]float64{1.0 / 6227020800, -1.0 / 39916800, 1.0 / 362880, -1.0 / 5040, 1.0 / 120, -1.0 / 6, 1} {
		sv = sv.MulAdd(r2, archsimd.BroadcastFloat64x8(c))
	}
	sv = sv.Mul(r)
	qi := q.ConvertToInt64()
	one := archsimd.BroadcastInt64x8(1)
	v := sv.Merge(cv, qi.And(one).Equal(one))
	zero := archsimd.BroadcastFloat64x8(0)
	two := archsimd.BroadcastInt64x8(2)
	return zero.Sub(v).Merge(v, qi.Add(one).And(two).Equal(two))
}

// scal sets x *= a (len(x) a multiple of vecWidth).
func scal(x []float32, a float32) {
	if !hasAVX512 {
		scalGo(x, a)
		return
	}
	s := archsimd.BroadcastFloat32x16(a)
	for i := 0; i < len(x); i += 16 {
		s.Mul(archsimd.LoadFloat32x16Slice(x[i : i+16])).StoreSlice(x[i : i+16])
	}
}

// mulTo sets y = a∘x elementwise (len(y) a multiple of vecWidth).
func mulTo(y, a, x []float32) {
	if !hasAVX512 {
		mulToGo(y, a, x)
		return
	}
	a, x = a[:len(y)], x[:len(y)]
	for i := 0; i < len(y); i += 16 {
		archsimd.LoadFloat32x16Slice(a[i : i+16]).Mul(archsimd.LoadFloat32x16Slice(x[i : i+16])).StoreSlice(y[i : i+16])
	}
}

// matmulSquare sets c = a·b for d×d matrices with row stride dp; with
// dp = vecWidth every row is one register.
func matmulSquare(c, a, b []float32, d, dp int) {
	if !hasAVX512 || dp != vecWidth {
		matmulSquareGo(c, a, b, d, dp)
		return
	}
	_ = b[d*16-1]
	for i := range d {
		var acc archsimd.Float32x16
		for l, v := range a[i*16 : i*16+d] {
			acc = archsimd.BroadcastFloat32x16(v).MulAdd(archsimd.LoadFloat32x16Slice(b[l*16:l*16+16]), acc)
		}
		acc.StoreSlice(c[i*16 : i*16+16])
	}
}

// mulAdd sets y += a∘x elementwise (len(y) a multiple of vecWidth).
func mulAdd(y, a, x []float32) {
	if !hasAVX512 {
		mulAddGo(y, a, x)
		return
	}
	a, x = a[:len(y)], x[:len(y)]
	for i := 0; i < len(y); i += 16 {
		yi := archsimd.LoadFloat32x16Slice(y[i : i+16])
		archsimd.LoadFloat32x16Slice(a[i:i+16]).MulAdd(archsimd.LoadFloat32x16Slice(x[i:i+16]), yi).StoreSlice(y[i : i+16])
	}
}

// softmaxColumns replaces the logits l [K, stride] by their soft-max over
// the K rows, lane by lane (len(l) = K·stride, stride a multiple of
// vecWidth), with exp as in expNeg16.
func softmaxColumns(l []float32, k, stride int) {
	if !hasAVX512 {
		softmaxColumnsGo(l, k, stride)
		return
	}
	for c := 0; c < stride; c += 16 {
		top := archsimd.LoadFloat32x16Slice(l[c : c+16])
		for r := 1; r < k; r++ {
			top = top.Max(archsimd.LoadFloat32x16Slice(l[r*stride+c : r*stride+c+16]))
		}
		var sum archsimd.Float32x16
		for r := range k {
			o := r*stride + c
			e := expNeg16(archsimd.LoadFloat32x16Slice(l[o : o+16]).Sub(top))
			e.StoreSlice(l[o : o+16])
			sum = sum.Add(e)
		}
		for r := range k {
			o := r*stride + c
			archsimd.LoadFloat32x16Slice(l[o : o+16]).Div(sum).StoreSlice(l[o : o+16])
		}
	}
}

// expNeg16 is exp x for x ≤ 0 in sixteen float32 lanes: x = n·ln 2 + r,
// |r| ≤ ln 2/2 (Cody–Waite), exp r by its Taylor polynomial to r⁷ (relative
// error below 2e-7), times 2ⁿ built in the exponent bits; x < −87 gives
// about 2⁻¹²⁶ instead of a denormal.
func expNeg16(x archsimd.Float32x16) archsimd.Float32x16 {
	x = x.Max(archsimd.BroadcastFloat32x16(-87))
	n := x.Mul(archsimd.BroadcastFloat32x16(math.Log2E)).RoundToEvenScaled(0)
	r := archsimd.BroadcastFloat32x16(-0.693145751953125).MulAdd(n, x) // ln 2 in two parts
	r = archsimd.BroadcastFloat32x16(-1.428606765330187e-06).MulAdd(n, r)
	p := archsimd.BroadcastFloat32x16(1.0 / 5040)
	for _, c := range [...]float32{1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1} {
		p = p.MulAdd(r, archsimd.BroadcastFloat32x16(c))
	}
	scale := n.ConvertToInt32().Add(archsimd.BroadcastInt32x16(127)).ShiftAllLeft(23).AsFloat32x16()
	return p.Mul(scale)
}

// combineRows sets row r < rows of y (row stride ys) to
// Σ_{j<J} alpha[r·as + j]·m[j·ms : j·ms+width]: combine for several rows at
// once. Four rows share every load of m, with up to eight accumulators in
// registers (width, ys and ms multiples of vecWidth).
func combineRows(y []float32, ys int, alpha []float32, as, J int, m []float32, ms, rows, width int) {
	if !hasAVX512 {
		combineRowsGo(y, ys, alpha, as, J, m, ms, rows, width)
		return
	}
	if J == 0 {
		for r := range rows {
			clear(y[r*ys : r*ys+width])
		}
		return
	}
	_ = m[(J-1)*ms+width-1]
	r := 0
	for ; r+4 <= rows; r += 4 {
		a0, a1, a2, a3 := alpha[r*as:r*as+J], alpha[(r+1)*as:(r+1)*as+J], alpha[(r+2)*as:(r+2)*as+J], alpha[(r+3)*as:(r+3)*as+J]
		c := 0
		for ; c+32 <= width; c += 32 {
			var s00, s01, s10, s11, s20, s21, s30, s31 archsimd.Float32x16
			for j := range J {
				o := j*ms + c
				m0 := archsimd.LoadFloat32x16Slice(m[o : o+16])
				m1 := archsimd.LoadFloat32x16Slice(m[o+16 : o+32])
				b0, b1 := archsimd.BroadcastFloat32x16(a0[j]), archsimd.BroadcastFloat32x16(a1[j])
				b2, b3 := archsimd.BroadcastFloat32x16(a2[j]), archsimd.BroadcastFloat32x16(a3[j])
				s00, s01 = b0.MulAdd(m0, s00), b0.MulAdd(m1, s01)
				s10, s11 = b1.MulAdd(m0, s10), b1.MulAdd(m1, s11)
				s20, s21 = b2.MulAdd(m0, s20), b2.MulAdd(m1, s21)
				s30, s31 = b3.MulAdd(m0, s30), b3.MulAdd(m1, s31)
			}
			s00.StoreSlice(y[r*ys+c : r*ys+c+16])
			s01.StoreSlice(y[r*ys+c+16 : r*ys+c+32])
			s10.StoreSlice(y[(r+1)*ys+c : (r+1)*ys+c+16])
			s11.StoreSlice(y[(r+1)*ys+c+16 : (r+1)*ys+c+32])
			s20.StoreSlice(y[(r+2)*ys+c : (r+2)*ys+c+16])
			s21.StoreSlice(y[(r+2)*ys+c+16 : (r+2)*ys+c+32])
			s30.StoreSlice(y[(r+3)*ys+c : (r+3)*ys+c+16])
			s31.StoreSlice(y[(r+3)*ys+c+16 : (r+3)*ys+c+32])
		}
		if c < width {
			var s0, s1, s2, s3 archsimd.Float32x16
			for j := range J {
				o := j*ms + c
				m0 := archsimd.LoadFloat32x16Slice(m[o : o+16])
				s0 = archsimd.BroadcastFloat32x16(a0[j]).MulAdd(m0, s0)
				s1 = archsimd.BroadcastFloat32x16(a1[j]).MulAdd(m0, s1)
				s2 = archsimd.BroadcastFloat32x16(a2[j]).MulAdd(m0, s2)
				s3 = archsimd.BroadcastFloat32x16(a3[j]).MulAdd(m0, s3)
			}
			s0.StoreSlice(y[r*ys+c : r*ys+c+16])
			s1.StoreSlice(y[(r+1)*ys+c : (r+1)*ys+c+16])
			s2.StoreSlice(y[(r+2)*ys+c : (r+2)*ys+c+16])
			s3.StoreSlice(y[(r+3)*ys+c : (r+3)*ys+c+16])
		}
	}
	for ; r < rows; r++ {
		combine(y[r*ys:r*ys+width], alpha[r*as:r*as+J], m, ms)
	}
}
