package unet

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// A checkpoint is one file "unet-<step, 9 digits>.ckpt":
//
//	"MOLRGCK1" | uint64 LE header length | header (JSON) |
//	raw little-endian values of every variable, in header order | uint32 LE CRC-32 (IEEE) of all the above.
//
// It holds the network config, the trainer's position (step, statistics,
// history, data fingerprint) and every variable under "/net", "/ema" and
// "/adam". It is written to a temporary file in the same directory, synced,
// then renamed over its final name, so a crash never leaves a partial file
// under a checkpoint name; a file that fails its checksum is skipped by
// Resume, which then falls back to the previous one.
const (
	ckptMagic   = "MOLRGCK1"
	ckptVersion = 1
	ckptPrefix  = "unet-"
	ckptSuffix  = ".ckpt"
)

var ckptName = regexp.MustCompile(`^unet-(\d{9,})\.ckpt$`)

type ckptVar struct {
	Path  string       `json:"path"`
	DType dtypes.DType `json:"dtype"`
	Dims  []int        `json:"dims"`
}

type ckptHeader struct {
	Version  int         `json:"version"`
	Step     int         `json:"step"`
	Config   Config      `json:"config"`
	Train    TrainConfig `json:"train"`
	DataN    int         `json:"data_n"`
	DataSum  uint64      `json:"data_fingerprint"`
	Acc      accum       `json:"accumulated"`
	History  []Record    `json:"history"`
	Vars     []ckptVar   `json:"vars"`
	ByteSize int64       `json:"bytes"`
}

// CheckpointPath returns the file name of the checkpoint of step in dir.
func CheckpointPath(dir string, step int) string {
	return filepath.Join(dir, fmt.Sprintf("%s%09d%s", ckptPrefix, step, ckptSuffix))
}

// Checkpoints lists the checkpoint files of dir, newest (highest step) first.
func Checkpoints(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	type item struct {
		step int
		path string
	}
	var items []item
	for _, e := range entries {
		m := ckptName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		s, _ := strconv.Atoi(m[1])
		items = append(items, item{s, filepath.Join(dir, e.Name())})
	}
	slices.SortFunc(items, func(a, b item) int { return b.step - a.step })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.path
	}
	return out, nil
}

func fingerprint(v []float64) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
	return h.Sum64()
}

func littleEndian() bool { return binary.NativeEndian.Uint16([]byte{1, 0}) == 1 }

// SaveCheckpoint writes the trainer's state to CheckpointDir (atomically)
// and prunes old checkpoints beyond KeepCheckpoints. It returns the path.
func (t *Trainer) SaveCheckpoint() (string, error) {
	dir := t.cfg.CheckpointDir
	if dir == "" {
		return "", fmt.Errorf("unet: CheckpointDir is empty")
	}
	if !littleEndian() {
		return "", fmt.Errorf("unet: checkpoints need a little-endian machine")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	h := ckptHeader{Version: ckptVersion, Step: t.step, Config: t.net.cfg, Train: t.cfg, DataN: t.n,
		DataSum: t.dataSum, Acc: t.acc, History: t.history}
	var tens []*tensors.Tensor
	for _, prefix := range []string{"/net", "/ema", "/adam"} {
		for _, v := range t.net.vars(prefix) {
			val, err := v.Value()
			if err != nil {
				return "", fmt.Errorf("unet: reading %s: %w", v.Path(), err)
			}
			h.Vars = append(h.Vars, ckptVar{Path: v.Path(), DType: v.Shape().DType, Dims: v.Shape().Dimensions})
			h.ByteSize += val.Shape().ByteSize()
			tens = append(tens, val)
		}
	}
	final := CheckpointPath(dir, t.step)
	tmp, err := os.CreateTemp(dir, ".unet-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := writeCheckpoint(tmp, &h, tens); err != nil {
		tmp.Close()
		return "", fmt.Errorf("unet: writing checkpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename durable
		d.Close()
	}
	if k := t.cfg.KeepCheckpoints; k > 0 {
		all, err := Checkpoints(dir)
		if err == nil && len(all) > k {
			for _, p := range all[k:] {
				_ = os.Remove(p)
			}
		}
	}
	return final, nil
}

func writeCheckpoint(f io.Writer, h *ckptHeader, tens []*tensors.Tensor) error {
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := io.MultiWriter(bw, crc)
	js, err := json.Marshal(h)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(js)))
	for _, b := range [][]byte{[]byte(ckptMagic), n[:], js} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	for _, t := range tens {
		var werr error
		if err := t.ConstBytes(func(data []byte) { _, werr = w.Write(data) }); err != nil {
			return err
		}
		if werr != nil {
			return werr
		}
	}
	var c [4]byte
	binary.LittleEndian.PutUint32(c[:], crc.Sum32())
	if _, err := bw.Write(c[:]); err != nil {
		return err
	}
	return bw.Flush()
}

// crcReader hashes what it reads.
type crcReader struct {
	r io.Reader
	h hash.Hash32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	return n, err
}

// readCheckpoint reads and verifies a checkpoint file. Variables whose path
// does not pass keep are skipped (read for the checksum, not kept).
func readCheckpoint(path string, keep func(string) bool) (*ckptHeader, map[string]*tensors.Tensor, error) {
	if !littleEndian() {
		return nil, nil, fmt.Errorf("unet: checkpoints need a little-endian machine")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	cr := &crcReader{r: bufio.NewReaderSize(f, 1<<20), h: crc32.NewIEEE()}
	head := make([]byte, len(ckptMagic)+8)
	if _, err := io.ReadFull(cr, head); err != nil || string(head[:len(ckptMagic)]) != ckptMagic {
		return nil, nil, fmt.Errorf("unet: %s is not a checkpoint", path)
	}
	hl := binary.LittleEndian.Uint64(head[len(ckptMagic):])
	if hl > 1<<30 {
		return nil, nil, fmt.Errorf("unet: %s: corrupt header length %d", path, hl)
	}
	js := make([]byte, hl)
	if _, err := io.ReadFull(cr, js); err != nil {
		return nil, nil, fmt.Errorf("unet: %s: truncated header: %w", path, err)
	}
	var h ckptHeader
	if err := json.Unmarshal(js, &h); err != nil {
		return nil, nil, fmt.Errorf("unet: %s: bad header: %w", path, err)
	}
	if h.Version != ckptVersion {
		return nil, nil, fmt.Errorf("unet: %s: checkpoint version %d, want %d", path, h.Version, ckptVersion)
	}
	vals := map[string]*tensors.Tensor{}
	for _, v := range h.Vars {
		shape := shapes.Make(v.DType, v.Dims...)
		if !keep(v.Path) {
			if _, err := io.CopyN(io.Discard, cr, shape.ByteSize()); err != nil {
				return nil, nil, fmt.Errorf("unet: %s: truncated: %w", path, err)
			}
			continue
		}
		t := tensors.FromShape(shape)
		var rerr error
		if err := t.MutableBytes(func(data []byte) { _, rerr = io.ReadFull(cr, data) }); err != nil {
			return nil, nil, err
		}
		if rerr != nil {
			return nil, nil, fmt.Errorf("unet: %s: truncated: %w", path, rerr)
		}
		vals[v.Path] = t
	}
	sum := cr.h.Sum32()
	var c [4]byte
	if _, err := io.ReadFull(cr.r, c[:]); err != nil {
		return nil, nil, fmt.Errorf("unet: %s: missing checksum: %w", path, err)
	}
	if binary.LittleEndian.Uint32(c[:]) != sum {
		return nil, nil, fmt.Errorf("unet: %s: checksum mismatch (corrupt or partial file)", path)
	}
	return &h, vals, nil
}

// setVars sets the net's variables from vals, checking that every wanted
// one is present with its shape.
func (n *Net) setVars(vals map[string]*tensors.Tensor, prefixes ...string) error {
	for _, prefix := range prefixes {
		for _, v := range n.vars(prefix) {
			val, ok := vals[v.Path()]
			if !ok {
				return fmt.Errorf("unet: checkpoint has no variable %s", v.Path())
			}
			if !val.Shape().Equal(v.Shape()) {
				return fmt.Errorf("unet: checkpoint variable %s has shape %s, want %s", v.Path(), val.Shape(), v.Shape())
			}
			if err := v.SetValue(val); err != nil {
				return err
			}
		}
	}
	return nil
}

func sameConfig(a, b Config) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Resume loads the newest valid checkpoint of CheckpointDir (skipping
// corrupt or partial files) into the trainer and its network: weights, EMA,
// Adam moments, step, statistics and history. It returns the checkpoint's
// path, or "" (and no error) when there is none. The checkpoint must come
// from the same network config and the same training data; the
// hyperparameters of the current TrainConfig are used from then on.
func (t *Trainer) Resume() (string, error) {
	if t.cfg.CheckpointDir == "" {
		return "", fmt.Errorf("unet: Resume needs CheckpointDir")
	}
	all, err := Checkpoints(t.cfg.CheckpointDir)
	if err != nil {
		return "", err
	}
	var errs []error
	for _, p := range all {
		h, vals, err := readCheckpoint(p, func(string) bool { return true })
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !sameConfig(h.Config, t.net.cfg) {
			return "", fmt.Errorf("unet: %s was written for another network config", p)
		}
		if err := compatible(h.Train, t.cfg); err != nil {
			return "", fmt.Errorf("unet: %s cannot be continued with this training configuration: %w (train in another folder, or with the same settings)", p, err)
		}
		if h.DataN != t.n || h.DataSum != t.dataSum {
			return "", fmt.Errorf("unet: %s was trained on other data (N = %d, fingerprint %x; now N = %d, %x)",
				p, h.DataN, h.DataSum, t.n, t.dataSum)
		}
		if err := t.net.setVars(vals, "/net", "/ema", "/adam"); err != nil {
			return "", err
		}
		t.step, t.acc, t.history = h.Step, h.Acc, h.History
		return p, nil
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("unet: no valid checkpoint in %s: %w", t.cfg.CheckpointDir, errors.Join(errs...))
	}
	return "", nil
}

// LoadNet builds the network of a checkpoint file (or of the newest valid
// checkpoint when path is a directory) with its trained and EMA weights,
// ready for DenoiseGraph / Denoise. It also returns the training history.
func LoadNet(backend compute.Backend, path string) (*Net, []Record, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		all, err := Checkpoints(path)
		if err != nil {
			return nil, nil, err
		}
		var errs []error
		for _, p := range all {
			n, hist, err := LoadNet(backend, p)
			if err == nil {
				return n, hist, nil
			}
			errs = append(errs, err)
		}
		return nil, nil, fmt.Errorf("unet: no valid checkpoint in %s: %w", path, errors.Join(errs...))
	}
	h, vals, err := readCheckpoint(path, func(p string) bool {
		return strings.HasPrefix(p, "/net/") || strings.HasPrefix(p, "/ema/")
	})
	if err != nil {
		return nil, nil, err
	}
	n, err := New(backend, h.Config)
	if err != nil {
		return nil, nil, err
	}
	if err := n.setVars(vals, "/net", "/ema"); err != nil {
		return nil, nil, err
	}
	return n, h.History, nil
}
