package editing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"
)

// tripletKey is everything the singular triplets of a run depend on: the
// denoiser, the point x_t and level σ_t, the mask, and how they are computed
// (and on which backend). Its SHA-256 names the cache file.
type tripletKey struct {
	Denoiser   string    `json:"denoiser"` // "truth:<bases hash>" or "unet:<checkpoint SHA-256>"
	X          []float64 `json:"x_t"`
	Sigma      float64   `json:"sigma"`
	R          int       `json:"r"`
	Mask       []float64 `json:"mask,omitempty"`
	NullRank   int       `json:"null_rank"`
	Method     string    `json:"method"`
	Tol        float64   `json:"tol"`
	MaxIter    int       `json:"max_iter"`
	Oversample int       `json:"oversample"`
	Seed       uint64    `json:"seed"`
	Backend    string    `json:"backend"`
}

func (k tripletKey) hash() (string, error) {
	b, err := json.Marshal(k)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// triplets are the cached results: the leading triplets of diag(m)J and the
// editing directions (v_i, or with a mask their LOCO-Edit projections).
type triplets struct {
	Key        tripletKey `json:"key"`
	Values     []float64  `json:"values"`
	Residual   []float64  `json:"residual"`
	Iterations int        `json:"iterations"`
	Method     string     `json:"method"`
	Seconds    float64    `json:"seconds"`
	Q          []float64  `json:"q"` // n×R, row-major
	V          []float64  `json:"v"` // n×R
}

func (t *triplets) matrices(n int) (q, v *mat.Dense) {
	r := len(t.Values)
	return mat.NewDense(n, r, t.Q), mat.NewDense(n, r, t.V)
}

// loadTriplets reads the cache file of key in dir; (nil, nil) when absent
// or written for another key (a hash collision or a damaged file is
// recomputed, never used).
func loadTriplets(dir string, key tripletKey) (*triplets, error) {
	if dir == "" {
		return nil, nil
	}
	h, err := key.hash()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, h+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var t triplets
	if json.Unmarshal(b, &t) != nil {
		return nil, nil
	}
	kb, _ := json.Marshal(key)
	tb, _ := json.Marshal(t.Key)
	n, r := len(key.X), key.R
	if string(kb) != string(tb) || len(t.Values) != r || len(t.Q) != n*r || len(t.V) != n*r {
		return nil, nil
	}
	return &t, nil
}

// saveTriplets writes t atomically (temporary file, fsync, rename).
func saveTriplets(dir string, t *triplets) error {
	if dir == "" {
		return nil
	}
	h, err := t.Key.hash()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("editing: Jacobian cache: %w", err)
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, h+".json")
	f, err := os.CreateTemp(dir, h+".*.tmp")
	if err != nil {
		return fmt.Errorf("editing: Jacobian cache: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("editing: Jacobian cache: %w", err)
	}
	return nil
}
