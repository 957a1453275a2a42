package unet

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
	"math/bits"
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
	"github.com/molrg/molrg/pkg/memlimit"
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
// under a checkpoint name; a file that fails its checksum or its header
// checks (decodeCheckpoint) is skipped by Resume and LoadNet, which fall back
// to the previous one and report the skipped files.
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

// Limits of a checkpoint header (far above what SaveCheckpoint writes).
const (
	ckptMaxRank = 8
	ckptMinSize = len(ckptMagic) + 8 + 2 + 4 // magic, header length, "{}", CRC
)

// ckptDTypes are the variable dtypes a checkpoint may hold.
var ckptDTypes = map[dtypes.DType]bool{dtypes.Float32: true, dtypes.Float64: true}

// readCheckpoint reads and verifies a checkpoint file. Variables whose path
// does not pass keep are not kept.
func readCheckpoint(path string, keep func(string) bool) (*ckptHeader, map[string]*tensors.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("unet: %s is not a regular file", path)
	}
	return decodeCheckpoint(f, st.Size(), path, keep)
}

// decodeCheckpoint reads the checkpoint of size bytes in r (named name in
// errors). Nothing is allocated from what the file says before it is
// checked: (1) the CRC-32 of everything before the trailer is computed in
// one streaming pass and compared with the trailer; (2) the header length
// must fit in the file and the header must parse; (3) every variable must
// have a known dtype (Float32 or Float64), 1 ≤ rank ≤ 8 and positive
// dimensions whose product (times the dtype size) neither overflows nor
// exceeds the file, the sizes must add up to the header's "bytes" and to
// the file size minus the header and the trailer, and the variables kept
// must fit in half the available memory; (4) only then are the values read,
// hashing them again (the file may have changed since pass 1).
func decodeCheckpoint(r io.ReaderAt, size int64, name string, keep func(string) bool) (*ckptHeader, map[string]*tensors.Tensor, error) {
	if !littleEndian() {
		return nil, nil, fmt.Errorf("unet: checkpoints need a little-endian machine")
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("unet: %s: "+format, append([]any{name}, args...)...)
	}
	if size < int64(ckptMinSize) {
		return nil, nil, bad("not a checkpoint (%d bytes, a checkpoint has at least %d)", size, ckptMinSize)
	}
	head := make([]byte, len(ckptMagic)+8)
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, nil, bad("reading the header: %v", err)
	}
	if string(head[:len(ckptMagic)]) != ckptMagic {
		return nil, nil, bad("not a checkpoint (no %q magic)", ckptMagic)
	}
	// (1) CRC of everything before the trailer, streaming.
	body := size - 4
	crc := crc32.NewIEEE()
	if _, err := io.Copy(crc, io.NewSectionReader(r, 0, body)); err != nil {
		return nil, nil, bad("reading: %v", err)
	}
	var trailer [4]byte
	if _, err := r.ReadAt(trailer[:], body); err != nil {
		return nil, nil, bad("reading the checksum: %v", err)
	}
	want := binary.LittleEndian.Uint32(trailer[:])
	if crc.Sum32() != want {
		return nil, nil, bad("checksum mismatch (corrupt or partial file)")
	}
	// (2) The header.
	hl := binary.LittleEndian.Uint64(head[len(ckptMagic):])
	dataStart := int64(len(head)) + int64(hl)
	if hl > uint64(body-int64(len(head))) {
		return nil, nil, bad("header length %d exceeds the file size %d", hl, size)
	}
	if err := memlimit.Check(fmt.Sprintf("unet: %s: the checkpoint header (%d bytes)", name, hl), 16*hl); err != nil {
		return nil, nil, err
	}
	js := make([]byte, hl)
	if _, err := r.ReadAt(js, int64(len(head))); err != nil {
		return nil, nil, bad("reading the header: %v", err)
	}
	var h ckptHeader
	if err := json.Unmarshal(js, &h); err != nil {
		return nil, nil, bad("bad header: %v", err)
	}
	if h.Version != ckptVersion {
		return nil, nil, bad("checkpoint version %d, want %d", h.Version, ckptVersion)
	}
	if h.Step < 0 {
		return nil, nil, bad("step %d, want ≥ 0", h.Step)
	}
	// (3) The variables.
	dataBytes := uint64(body - dataStart)
	sizes := make([]uint64, len(h.Vars))
	var total, kept uint64
	seen := make(map[string]bool, len(h.Vars))
	for i, v := range h.Vars {
		what := fmt.Sprintf("variable %d (%q)", i, v.Path)
		if v.Path == "" || seen[v.Path] {
			return nil, nil, bad("%s: empty or repeated path", what)
		}
		seen[v.Path] = true
		if !ckptDTypes[v.DType] {
			return nil, nil, bad("%s: dtype %s, want Float32 or Float64", what, v.DType)
		}
		if len(v.Dims) < 1 || len(v.Dims) > ckptMaxRank {
			return nil, nil, bad("%s: rank %d, want 1 to %d", what, len(v.Dims), ckptMaxRank)
		}
		n := uint64(v.DType.Size())
		for _, d := range v.Dims {
			if d < 1 {
				return nil, nil, bad("%s: dimensions %v, want every dimension ≥ 1", what, v.Dims)
			}
			hi, lo := bits.Mul64(n, uint64(d))
			if hi != 0 || lo > dataBytes {
				return nil, nil, bad("%s: dimensions %v need more bytes than the file's %d bytes of values", what, v.Dims, dataBytes)
			}
			n = lo
		}
		sizes[i] = n
		if total += n; total > dataBytes {
			return nil, nil, bad("the variables need more bytes than the file's %d bytes of values", dataBytes)
		}
		if keep(v.Path) {
			kept += n
		}
	}
	if h.ByteSize < 0 || uint64(h.ByteSize) != total || total != dataBytes {
		return nil, nil, bad("the variables take %d bytes, the header says %d and the file holds %d", total, h.ByteSize, dataBytes)
	}
	if err := memlimit.Check(fmt.Sprintf("unet: %s: the checkpoint's variables (%d bytes)", name, kept), kept); err != nil {
		return nil, nil, err
	}
	// (4) The values, hashed again.
	crc.Reset()
	crc.Write(head)
	crc.Write(js)
	sr := io.NewSectionReader(r, dataStart, int64(dataBytes))
	br := bufio.NewReaderSize(io.TeeReader(sr, crc), 1<<20)
	vals := map[string]*tensors.Tensor{}
	for i, v := range h.Vars {
		if !keep(v.Path) {
			if _, err := io.CopyN(io.Discard, br, int64(sizes[i])); err != nil {
				return nil, nil, bad("reading %s: %v", v.Path, err)
			}
			continue
		}
		t := tensors.FromShape(shapes.Make(v.DType, v.Dims...))
		var rerr error
		if err := t.MutableBytes(func(data []byte) { _, rerr = io.ReadFull(br, data) }); err != nil {
			return nil, nil, bad("reading %s: %v", v.Path, err)
		}
		if rerr != nil {
			return nil, nil, bad("reading %s: %v", v.Path, rerr)
		}
		vals[v.Path] = t
	}
	if crc.Sum32() != want {
		return nil, nil, bad("checksum mismatch on the second read (the file changed while being read)")
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

// SkippedCheckpoint is a checkpoint file that Resume or LoadNet passed over
// because it could not be read: corrupt, partial, or not a checkpoint.
type SkippedCheckpoint struct {
	Path string
	Err  error
}

// String is "skipped corrupt checkpoint <path>: <reason>", the line a
// command prints for it.
func (s SkippedCheckpoint) String() string {
	return fmt.Sprintf("skipped corrupt checkpoint %s: %v", s.Path, s.Err)
}

// Resume loads the newest valid checkpoint of CheckpointDir into the trainer
// and its network: weights, EMA, Adam moments, step, statistics and history.
// It returns the checkpoint's path, or "" (and no error) when there is none,
// and the newer files it skipped because they could not be read (corrupt or
// partial), newest first, for the caller to report. The checkpoint must
// come from the same network config and the same training data; the
// hyperparameters of the current TrainConfig are used from then on. When no
// file is readable the error lists why.
func (t *Trainer) Resume() (string, []SkippedCheckpoint, error) {
	if t.cfg.CheckpointDir == "" {
		return "", nil, fmt.Errorf("unet: Resume needs CheckpointDir")
	}
	all, err := Checkpoints(t.cfg.CheckpointDir)
	if err != nil {
		return "", nil, err
	}
	var skipped []SkippedCheckpoint
	for _, p := range all {
		h, vals, err := readCheckpoint(p, func(string) bool { return true })
		if err != nil {
			skipped = append(skipped, SkippedCheckpoint{p, err})
			continue
		}
		if !sameConfig(h.Config, t.net.cfg) {
			return "", skipped, fmt.Errorf("unet: %s was written for another network config", p)
		}
		if err := compatible(h.Train, t.cfg); err != nil {
			return "", skipped, fmt.Errorf("unet: %s cannot be continued with this training configuration: %w (train in another folder, or with the same settings)", p, err)
		}
		if h.DataN != t.n || h.DataSum != t.dataSum {
			return "", skipped, fmt.Errorf("unet: %s was trained on other data (N = %d, fingerprint %x; now N = %d, %x)",
				p, h.DataN, h.DataSum, t.n, t.dataSum)
		}
		if err := t.net.setVars(vals, "/net", "/ema", "/adam"); err != nil {
			return "", skipped, err
		}
		t.step, t.acc, t.history = h.Step, h.Acc, h.History
		return p, skipped, nil
	}
	if len(skipped) > 0 {
		return "", skipped, fmt.Errorf("unet: no valid checkpoint in %s: %w", t.cfg.CheckpointDir, joinSkipped(skipped))
	}
	return "", nil, nil
}

func joinSkipped(s []SkippedCheckpoint) error {
	errs := make([]error, len(s))
	for i, x := range s {
		errs[i] = x.Err
	}
	return errors.Join(errs...)
}

// LoadNet builds the network of a checkpoint file (or of the newest valid
// checkpoint when path is a directory) with its trained and EMA weights,
// ready for DenoiseGraph / Denoise. It also returns the training history
// and, for a directory, the newer files it skipped because they could not
// be read, newest first. A file given by name must be valid.
func LoadNet(backend compute.Backend, path string) (*Net, []Record, []SkippedCheckpoint, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		all, err := Checkpoints(path)
		if err != nil {
			return nil, nil, nil, err
		}
		var skipped []SkippedCheckpoint
		for _, p := range all {
			n, hist, _, err := LoadNet(backend, p)
			if err == nil {
				return n, hist, skipped, nil
			}
			skipped = append(skipped, SkippedCheckpoint{p, err})
		}
		return nil, nil, skipped, fmt.Errorf("unet: no valid checkpoint in %s: %w", path, joinSkipped(skipped))
	}
	h, vals, err := readCheckpoint(path, func(p string) bool {
		return strings.HasPrefix(p, "/net/") || strings.HasPrefix(p, "/ema/")
	})
	if err != nil {
		return nil, nil, nil, err
	}
	// The config decides what New allocates: it must be the network whose
	// weights the file holds (so New takes no more memory than the file).
	params, err := CountParams(h.Config)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("unet: %s: bad network config: %w", path, err)
	}
	got := 0
	for p, v := range vals {
		if strings.HasPrefix(p, "/net/") {
			if v.DType() != h.Config.DType {
				return nil, nil, nil, fmt.Errorf("unet: %s: variable %s has dtype %s, the config says %s", path, p, v.DType(), h.Config.DType)
			}
			got += v.Size()
		}
	}
	if got != params {
		return nil, nil, nil, fmt.Errorf("unet: %s: the file holds %d network weights, its config needs %d", path, got, params)
	}
	n, err := New(backend, h.Config)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := n.setVars(vals, "/net", "/ema"); err != nil {
		return nil, nil, nil, err
	}
	return n, h.History, nil, nil
}
