package editing

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"time"

	"github.com/molrg/molrg/pkg/backend"
	"github.com/molrg/molrg/pkg/edit"
	"github.com/molrg/molrg/pkg/experiment"
	"github.com/molrg/molrg/pkg/progress"
	"github.com/molrg/molrg/pkg/results"
	"github.com/molrg/molrg/pkg/sampler"
	"github.com/molrg/molrg/pkg/seed"
	"gonum.org/v1/gonum/mat"
)

// TablePath is the run's results table in dir.
func TablePath(dir string) string { return filepath.Join(dir, "edit.csv") }

// settings are what the rows depend on besides Config: the hashes of the
// input files.
type settings struct {
	Config
	PNGHash string `json:"png_sha256,omitempty"`
}

// Run computes the edits of c into the results table in c.Dir, resuming
// it: edit times whose rows are all there are not computed again (the
// U-Net is then not even loaded), the singular triplets come from the cache
// when it holds them, an interrupted U-Net training resumes from its
// checkpoints.
func Run(ctx context.Context, c Config) (*Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	be, err := c.backend()
	if err != nil {
		return nil, err
	}
	c.Backend = be
	if c.CacheDir == "" && c.Dir != "" {
		c.CacheDir = filepath.Join(c.Dir, "jacobian")
	}
	st := settings{Config: c}
	if c.Source == SourcePNG {
		if st.PNGHash, err = fileHash(c.PNG); err != nil {
			return nil, fmt.Errorf("editing: -png: %w", err)
		}
	}
	r := &runner{c: c}
	if c.Dir != "" {
		t, old, err := results.Open[Row](TablePath(c.Dir), results.Options{Settings: st, Backend: backend.Label(be)})
		if err != nil {
			return nil, err
		}
		defer t.Close()
		r.table, r.rows = t, old
	}
	todo := 0
	for _, t := range c.Times {
		todo += 2 - r.done(t)
	}
	r.counter = progress.NewCounter(c.Progress, float64(todo), "steps", 2*len(c.Times)-todo)
	err = r.run(ctx, todo)
	r.counter.Finish(err == nil)
	if err != nil {
		return nil, err
	}
	return fromRows(r.rows, c.shape())
}

// shape is [H, W, C] of the run's images.
func (c *Config) shape() []int { return []int{c.side(), c.side(), c.channels()} }

type runner struct {
	c       Config
	table   *results.Table[Row]
	rows    []Row
	counter *progress.Counter

	editor   *edit.Editor
	data     *data
	denoiser string // identity of the denoiser for the cache key
}

// count returns the rows of kind at edit time t.
func (r *runner) count(kind string, t float64) int {
	n := 0
	for _, row := range r.rows {
		if row.Kind == kind && row.T == t {
			n++
		}
	}
	return n
}

// done is how many of the two units of time t are in the table: the
// triplets (with the images of the latent and the first-order errors), and
// the edit grid.
func (r *runner) done(t float64) int {
	n := 0
	if r.count(KindTriplet, t) == r.c.R+1 && r.count(KindDirection, t) == r.c.R+1 && r.count(KindLinearity, t) == r.c.R*len(linXi(r.c.Xi)) {
		n++
	}
	if r.count(KindEdit, t) == (r.c.R+1)*len(r.c.Xi) {
		n++
	}
	return n
}

func (r *runner) append(rows []Row) error {
	if r.table != nil {
		if err := r.table.Append(rows...); err != nil {
			return err
		}
	}
	r.rows = append(r.rows, rows...)
	return nil
}

func (r *runner) run(ctx context.Context, todo int) error {
	if todo == 0 {
		return nil
	}
	c := &r.c
	var err error
	if r.data, err = loadData(c); err != nil {
		return err
	}
	r.counter.Stage("the denoiser")
	spec, ckpt, err := c.denoiser(ctx, c.Backend, r.data, r.counter)
	if err != nil {
		return err
	}
	if r.denoiser, err = denoiserID(spec, ckpt, r.data); err != nil {
		return err
	}
	if r.editor, err = edit.New(c.Backend, spec, c.dim()); err != nil {
		return err
	}
	for _, t := range c.Times {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.done(t) == 2 {
			continue
		}
		if err := r.time(t); err != nil {
			return fmt.Errorf("editing: t = %g·t_max: %w", t, err)
		}
	}
	return nil
}

// denoiserID names the denoiser for the cache key: the SHA-256 of the U-Net
// checkpoint, or of the MoLRG's bases for its posterior mean.
func denoiserID(spec experiment.DenoiserSpec, ckpt string, d *data) (string, error) {
	if ckpt != "" {
		h, err := fileHash(ckpt)
		return "unet:" + h, err
	}
	if spec.Store == nil && d.model != nil {
		b, err := json.Marshal(d.model.Bases)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("truth:%x", b), nil
	}
	return "", nil // an unsaved U-Net: nothing to key a cache on
}

// latent returns x_t at edit time t: the source image inverted, or a fresh
// sample stopped at σ_t.
func (r *runner) latent(t float64) (*edit.Latent, []float64, int, error) {
	c := &r.c
	scfg := sampler.DefaultConfig()
	sigma, index, err := edit.TimeSigma(t, scfg)
	if err != nil {
		return nil, nil, -1, err
	}
	x0, alpha, k, err := r.data.sourceImage(c)
	if err != nil {
		return nil, nil, -1, err
	}
	if x0 == nil {
		z, err := sampler.Noise(1, c.dim(), seed.Derive(c.Seed, "edit/noise", c.Index))
		if err != nil {
			return nil, nil, -1, err
		}
		l, err := r.editor.Sample(z.RawRowView(0), scfg, index)
		return l, nil, -1, err
	}
	l, err := r.editor.Invert(x0, sigma, c.Steps)
	return l, alpha, k, err
}

// time does the missing units of edit time t (index ti).
func (r *runner) time(t float64) error {
	c := &r.c
	r.counter.Stage(fmt.Sprintf("t = %g·t_max: x_t", t))
	l, alpha, k, err := r.latent(t)
	if err != nil {
		return err
	}
	if k < 0 && r.data.model != nil && l.Start == nil {
		k = r.data.component(l.Clean)
	}
	mask, err := c.mask(alpha)
	if err != nil {
		return err
	}
	tr, dirs, nullV, err := r.triplets(l, mask)
	if err != nil {
		return err
	}
	n := c.dim()
	q, v := tr.matrices(n)
	random := edit.RandomDirection(n, seed.Derive(c.Seed, "edit/random"))
	if nullV != nil {
		pr, err := edit.NullProject(mat.NewDense(n, 1, random), nullV)
		if err != nil {
			return err
		}
		random = mat.Col(nil, 0, pr)
	}
	if r.done(t) == 0 || r.count(KindTriplet, t) < c.R+1 || r.count(KindDirection, t) < c.R+1 {
		r.counter.Stage(fmt.Sprintf("t = %g·t_max: first-order errors", t))
		xis := c.strengths(l.Sigma)
		lin, err := r.editor.Linearity(l, &edit.Triplets{Values: tr.Values, Q: q, V: v}, mask, linXi(xis))
		if err != nil {
			return err
		}
		rows := r.latentRows(t, l)
		for i, s := range tr.Values {
			rows = append(rows, Row{Kind: KindTriplet, T: t, Sigma: l.Sigma, Direction: dirName(i), I: i + 1, Xi: math.NaN(), Value: s,
				Residual: tr.Residual[i], Off: r.off(k, mat.Col(nil, i, v)), Seconds: tr.Seconds, Iterations: tr.Iterations, Method: tr.Method})
		}
		rows = append(rows, Row{Kind: KindTriplet, T: t, Sigma: l.Sigma, Direction: randomName, Xi: math.NaN(), Value: math.NaN(),
			Residual: math.NaN(), Off: r.off(k, random), Method: "random"})
		for i := range c.R + 1 {
			d, name := random, randomName
			if i < c.R {
				d, name = mat.Col(nil, i, dirs), dirName(i)
			}
			rows = append(rows, Row{Kind: KindDirection, T: t, Sigma: l.Sigma, Direction: name, I: (i + 1) % (c.R + 1), Xi: math.NaN(),
				Value: norm(d), Residual: math.NaN(), Off: r.off(k, d), Pixels: formatVector(d)})
		}
		for i := range lin {
			for j, x := range linXi(xis) {
				rows = append(rows, Row{Kind: KindLinearity, T: t, Sigma: l.Sigma, Direction: dirName(i), I: i + 1, Xi: x, Value: lin[i][j],
					Residual: math.NaN(), Off: math.NaN()})
			}
		}
		if err := r.append(r.missing(rows)); err != nil {
			return err
		}
		r.counter.Add(1, "")
	}
	if r.count(KindEdit, t) < (c.R+1)*len(c.Xi) {
		r.counter.Stage(fmt.Sprintf("t = %g·t_max: %d edits continued to t = 0", t, (c.R+1)*len(c.Xi)))
		all := mat.NewDense(n, c.R+1, nil)
		all.Slice(0, n, 0, c.R).(*mat.Dense).Copy(dirs)
		all.SetCol(c.R, random)
		g, err := r.editor.Grid(l, all, c.strengths(l.Sigma))
		if err != nil {
			return err
		}
		var rows []Row
		for i := range g {
			name, idx := dirName(i), i+1
			if i == c.R {
				name, idx = randomName, 0
			}
			for j, x := range c.strengths(l.Sigma) {
				rows = append(rows, Row{Kind: KindEdit, T: t, Sigma: l.Sigma, Direction: name, I: idx, Xi: x,
					Value: dist(g[i][j], l.Clean), Residual: math.NaN(), Off: r.off(k, g[i][j]), Pixels: formatPixels(g[i][j])})
			}
		}
		if err := r.append(r.missing(rows)); err != nil {
			return err
		}
		r.counter.Add(1, "")
	}
	return nil
}

// strengths are the ξ of the grid at level σ: Xi, or Xi·σ with XiPerSigma.
func (c *Config) strengths(sigma float64) []float64 {
	if !c.XiPerSigma {
		return c.Xi
	}
	out := make([]float64, len(c.Xi))
	for i, x := range c.Xi {
		out[i] = x * sigma
	}
	return out
}

// latentRows are the image rows of a latent: the input (when inverted),
// x_t and x_t continued unedited.
func (r *runner) latentRows(t float64, l *edit.Latent) []Row {
	var rows []Row
	add := func(name string, x []float64) {
		rows = append(rows, Row{Kind: KindImage, T: t, Sigma: l.Sigma, Direction: name, Xi: math.NaN(), Value: norm(x),
			Residual: math.NaN(), Off: math.NaN(), Pixels: formatVector(x)})
	}
	if l.Start != nil {
		add(imageInput, l.Start)
	}
	add(imageXt, l.X)
	add(imageClean, l.Clean)
	return rows
}

// missing drops the rows already in the table (same kind, t, direction, ξ).
func (r *runner) missing(rows []Row) []Row {
	var out []Row
	for _, row := range rows {
		if !slices.ContainsFunc(r.rows, func(o Row) bool { return o.sameUnit(row) }) {
			out = append(out, row)
		}
	}
	return out
}

// triplets returns the leading triplets of diag(m)J at (x_t, σ_t), from
// the cache or computed and cached, and the editing directions: the v_i,
// or with a mask and NullRank > 0 their LOCO-Edit projections off the
// leading right singular vectors of diag(1−m)J (nullV, n×NullRank).
func (r *runner) triplets(l *edit.Latent, mask []float64) (t *triplets, dirs, nullV *mat.Dense, err error) {
	c := &r.c
	m, _ := edit.ParseMethod(c.Method)
	key := tripletKey{Denoiser: r.denoiser, X: l.X, Sigma: l.Sigma, R: c.R, Mask: mask, Method: c.Method, Tol: c.Tol,
		MaxIter: c.MaxIter, Oversample: c.Oversample, Seed: c.Seed, Backend: backend.Label(c.Backend)}
	opts := edit.SVDOptions{R: c.R, Mask: mask, Method: m, Tol: c.Tol, MaxIter: c.MaxIter, Oversample: c.Oversample,
		Seed: seed.Derive(c.Seed, "edit/svd")}
	r.counter.Stage(fmt.Sprintf("σ_t = %.4g: top-%d singular triplets of the Jacobian", l.Sigma, c.R))
	if t, err = r.cached(key, l, opts); err != nil {
		return nil, nil, nil, err
	}
	_, v := t.matrices(c.dim())
	dirs = v
	if mask != nil && c.NullRank > 0 {
		key.R, key.Mask = c.NullRank, edit.Complement(mask)
		opts.R, opts.Mask = c.NullRank, key.Mask
		r.counter.Stage(fmt.Sprintf("σ_t = %.4g: top-%d singular triplets outside the mask", l.Sigma, c.NullRank))
		nt, err := r.cached(key, l, opts)
		if err != nil {
			return nil, nil, nil, err
		}
		_, nullV = nt.matrices(c.dim())
		if dirs, err = edit.NullProject(v, nullV); err != nil {
			return nil, nil, nil, err
		}
	}
	return t, dirs, nullV, nil
}

// cached returns the triplets of key from the cache folder, or computes
// them with opts and writes them there (no cache for a denoiser without an
// identity: a U-Net trained without checkpoints).
func (r *runner) cached(key tripletKey, l *edit.Latent, opts edit.SVDOptions) (*triplets, error) {
	dir := r.c.CacheDir
	if key.Denoiser == "" {
		dir = ""
	}
	if t, err := loadTriplets(dir, key); err != nil || t != nil {
		return t, err
	}
	t0 := time.Now()
	et, err := r.editor.TopSVD(l.X, l.Sigma, opts)
	if err != nil {
		return nil, err
	}
	t := &triplets{Key: key, Values: et.Values, Residual: et.Residual, Iterations: et.Iterations, Method: et.Method.String(),
		Seconds: time.Since(t0).Seconds(), Q: append([]float64(nil), et.Q.RawMatrix().Data...), V: append([]float64(nil), et.V.RawMatrix().Data...)}
	return t, saveTriplets(dir, t)
}
