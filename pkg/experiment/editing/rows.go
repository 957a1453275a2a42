package editing

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/molrg/molrg/pkg/results"
	"gonum.org/v1/gonum/mat"
)

// Row is one line of the results table.
type Row struct {
	Kind       string  `csv:"kind"`         // image, triplet, direction, linearity or edit
	T          float64 `csv:"t"`            // edit time t/t_max
	Sigma      float64 `csv:"sigma"`        // σ_t
	Direction  string  `csv:"direction"`    // v1 … vr or random; image rows: input, x_t, clean
	I          int     `csv:"i"`            // singular index (0: random direction, images)
	Xi         float64 `csv:"xi"`           // strength ξ (edit, linearity)
	Value      float64 `csv:"value"`        // triplet ς_i; linearity ε_i(ξ); edit ‖x̂(ξ) − x̂(0)‖; image ‖x‖
	Residual   float64 `csv:"residual"`     // triplet: ‖Aᵀq_i − ς_i v_i‖
	Off        float64 `csv:"off_subspace"` // MoLRG: sin∠(v_i or x̂, x_t's component subspace); NaN otherwise
	Seconds    float64 `csv:"seconds"`      // triplet: time of the SVD (as computed, before caching)
	Iterations int     `csv:"iterations"`   // triplet: subspace-iteration steps (0: full SVD)
	Method     string  `csv:"method"`       // triplet: full, iterate or random
	Pixels     string  `csv:"pixels"`       // edit, image and direction rows: the image (or direction), n values, channels last
}

// Row kinds and image names.
const (
	KindImage     = "image"
	KindTriplet   = "triplet"
	KindLinearity = "linearity"
	KindDirection = "direction"
	KindEdit      = "edit"

	imageInput = "input"
	imageXt    = "x_t"
	imageClean = "clean"
	randomName = "random"
)

func dirName(i int) string { return "v" + strconv.Itoa(i+1) }

// sameUnit reports whether two rows are the same result.
func (r Row) sameUnit(o Row) bool {
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	return r.Kind == o.Kind && r.T == o.T && r.Direction == o.Direction && same(r.Xi, o.Xi)
}

// linXi are the strengths of the first-order errors: 10⁻³, 10⁻² and 10⁻¹
// of the largest |ξ|, and the positive ξ of the grid.
func linXi(xi []float64) []float64 {
	m := 0.0
	for _, x := range xi {
		m = math.Max(m, math.Abs(x))
	}
	if m == 0 {
		m = 1
	}
	out := []float64{m * 1e-3, m * 1e-2, m * 1e-1}
	for _, x := range xi {
		if x > 0 && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Float64s(out)
	return out
}

// formatPixels writes an image with float32 precision (what the U-Net
// computes in) and formatVector a vector that is computed with (x_t, the
// directions) with full float64 precision.
func formatPixels(x []float64) string { return formatFloats(x, 32) }

func formatVector(x []float64) string { return formatFloats(x, 64) }

func formatFloats(x []float64, bits int) string {
	parts := make([]string, len(x))
	for i, v := range x {
		if bits == 32 {
			v = float64(float32(v))
		}
		parts[i] = strconv.FormatFloat(v, 'g', -1, bits)
	}
	return strings.Join(parts, " ")
}

func parsePixels(s string) ([]float64, error) {
	f := strings.Fields(s)
	out := make([]float64, len(f))
	for i, p := range f {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return nil, fmt.Errorf("editing: pixel %d %q: %w", i, p, err)
		}
		out[i] = v
	}
	return out, nil
}

func norm(x []float64) float64 { return mat.Norm(mat.NewVecDense(len(x), x), 2) }

func dist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

// off is sin∠(x, span U_k) = ‖(I − U_kU_kᵀ)x‖/‖x‖ for the MoLRG component
// k, NaN for image data (k < 0).
func (r *runner) off(k int, x []float64) float64 {
	if k < 0 || r.data.model == nil {
		return math.NaN()
	}
	u := r.data.model.Bases[k]
	xv := mat.NewVecDense(len(x), x)
	var c, p mat.VecDense
	c.MulVec(u.T(), xv)
	p.MulVec(u, &c)
	p.SubVec(xv, &p)
	if nx := mat.Norm(xv, 2); nx > 0 {
		return mat.Norm(&p, 2) / nx
	}
	return 0
}

// component is the MoLRG component whose subspace holds most of x.
func (d *data) component(x []float64) int {
	best, k := -1.0, 0
	for j, u := range d.model.Bases {
		var c mat.VecDense
		c.MulVec(u.T(), mat.NewVecDense(len(x), x))
		if v := mat.Dot(&c, &c); v > best {
			best, k = v, j
		}
	}
	return k
}

// Result is a run read back: one Edits per edit time.
type Result struct {
	Shape []int // [H, W, C] of the images
	Times []Edits
}

// Edits are the results at one edit time.
type Edits struct {
	T, Sigma float64
	// The singular values ς_i of diag(m)J, their residuals, the method and
	// its time, and (MoLRG) sin∠(v_i, x_t's component).
	Values, Residual, Off []float64
	Method                string
	Iterations            int
	Seconds               float64
	Input, Xt, Clean      []float64     // the inverted image (nil for a fresh sample), x_t, x_t continued unedited
	Vectors               [][]float64   // the editing directions (unit vectors), in the order of Directions
	Directions            []string      // v1 … vr, random: the grid's rows
	Xi                    []float64     // the grid's columns
	Images                [][][]float64 // [direction][ξ]: x_t + ξ·direction continued to t = 0
	Moved                 [][]float64   // ‖x̂ − x̂(0)‖
	EditOff               [][]float64   // MoLRG: sin∠(x̂, x_t's component)
	RandomOff             float64       // MoLRG: sin∠(random direction, x_t's component)
	LinXi                 []float64     // strengths of the first-order errors
	Linearity             [][]float64   // [i][ξ]: ε_i(ξ)

	vecNames []string // the directions of Vectors as read
}

// Read reads the results table a run wrote in dir.
func Read(dir string) (*Result, error) {
	rows, meta, err := results.Read[Row](TablePath(dir))
	if err != nil {
		return nil, err
	}
	var st settings
	if err := json.Unmarshal(meta.Settings, &st); err != nil {
		return nil, fmt.Errorf("editing: the settings of %s: %w", TablePath(dir), err)
	}
	return fromRows(rows, st.shape())
}

// fromRows assembles the rows into a Result (edit times in table order).
func fromRows(rows []Row, shape []int) (*Result, error) {
	res := &Result{Shape: shape}
	byT := map[float64]*Edits{}
	var order []float64
	get := func(row Row) *Edits {
		e, ok := byT[row.T]
		if !ok {
			e = &Edits{T: row.T, Sigma: row.Sigma, RandomOff: math.NaN()}
			byT[row.T] = e
			order = append(order, row.T)
		}
		return e
	}
	for _, row := range rows {
		e := get(row)
		switch row.Kind {
		case KindImage:
			px, err := parsePixels(row.Pixels)
			if err != nil {
				return nil, err
			}
			switch row.Direction {
			case imageInput:
				e.Input = px
			case imageXt:
				e.Xt = px
			case imageClean:
				e.Clean = px
			}
		case KindTriplet:
			if row.Direction == randomName {
				e.RandomOff = row.Off
				continue
			}
			for len(e.Values) < row.I {
				e.Values, e.Residual, e.Off = append(e.Values, math.NaN()), append(e.Residual, math.NaN()), append(e.Off, math.NaN())
			}
			e.Values[row.I-1], e.Residual[row.I-1], e.Off[row.I-1] = row.Value, row.Residual, row.Off
			e.Method, e.Iterations, e.Seconds = row.Method, row.Iterations, row.Seconds
		}
	}
	for _, row := range rows {
		e := byT[row.T]
		switch row.Kind {
		case KindLinearity:
			j := slices.Index(e.LinXi, row.Xi)
			if j < 0 {
				e.LinXi = append(e.LinXi, row.Xi)
				j = len(e.LinXi) - 1
			}
			for len(e.Linearity) < row.I {
				e.Linearity = append(e.Linearity, nil)
			}
			for len(e.Linearity[row.I-1]) <= j {
				e.Linearity[row.I-1] = append(e.Linearity[row.I-1], math.NaN())
			}
			e.Linearity[row.I-1][j] = row.Value
		case KindDirection:
			px, err := parsePixels(row.Pixels)
			if err != nil {
				return nil, err
			}
			e.Vectors = append(e.Vectors, px)
			e.vecNames = append(e.vecNames, row.Direction)
		case KindEdit:
			i := slices.Index(e.Directions, row.Direction)
			if i < 0 {
				e.Directions = append(e.Directions, row.Direction)
				e.Images, e.Moved, e.EditOff = append(e.Images, nil), append(e.Moved, nil), append(e.EditOff, nil)
				i = len(e.Directions) - 1
			}
			j := slices.Index(e.Xi, row.Xi)
			if j < 0 {
				e.Xi = append(e.Xi, row.Xi)
				j = len(e.Xi) - 1
			}
			px, err := parsePixels(row.Pixels)
			if err != nil {
				return nil, err
			}
			for len(e.Images[i]) <= j {
				e.Images[i], e.Moved[i], e.EditOff[i] = append(e.Images[i], nil), append(e.Moved[i], math.NaN()), append(e.EditOff[i], math.NaN())
			}
			e.Images[i][j], e.Moved[i][j], e.EditOff[i][j] = px, row.Value, row.Off
		}
	}
	for _, t := range order {
		e := byT[t]
		e.sortXi()
		e.orderVectors()
		res.Times = append(res.Times, *e)
	}
	return res, nil
}

// orderVectors puts Vectors in the order of Directions.
func (e *Edits) orderVectors() {
	out := make([][]float64, len(e.Directions))
	for i, name := range e.Directions {
		if j := slices.Index(e.vecNames, name); j >= 0 {
			out[i] = e.Vectors[j]
		}
	}
	e.Vectors, e.vecNames = out, nil
}

// sortXi puts the grid's columns and the errors' strengths in increasing
// order (a resumed table may hold them in another).
func (e *Edits) sortXi() {
	perm := func(xs []float64) []int {
		p := make([]int, len(xs))
		for i := range p {
			p[i] = i
		}
		sort.Slice(p, func(a, b int) bool { return xs[p[a]] < xs[p[b]] })
		return p
	}
	if p := perm(e.Xi); !sort.IntsAreSorted(p) {
		e.Xi = permute(e.Xi, p)
		for i := range e.Images {
			e.Images[i], e.Moved[i], e.EditOff[i] = permute(e.Images[i], p), permute(e.Moved[i], p), permute(e.EditOff[i], p)
		}
	}
	if p := perm(e.LinXi); !sort.IntsAreSorted(p) {
		e.LinXi = permute(e.LinXi, p)
		for i := range e.Linearity {
			e.Linearity[i] = permute(e.Linearity[i], p)
		}
	}
}

func permute[T any](xs []T, p []int) []T {
	out := make([]T, len(p))
	for i, j := range p {
		if j < len(xs) {
			out[i] = xs[j]
		}
	}
	return out
}
