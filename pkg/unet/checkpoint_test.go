package unet

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/molrg/molrg/pkg/backend"
)

// microConfig is the smallest network: 2×2×1 images, one level, 4 channels.
func microConfig() Config {
	c := DefaultConfig(2, 1)
	c.ModelChannels = 4
	c.ChannelMult = []int{1}
	c.ChannelMultEmb = 1
	return c
}

var microCkpt struct {
	sync.Once
	raw []byte
	err error
}

// microCheckpoint returns the bytes of a real checkpoint of microConfig
// (an untrained net: weights, EMA and zero Adam moments).
func microCheckpoint(t testing.TB) []byte {
	t.Helper()
	microCkpt.Do(func() {
		net, err := New(backend.Must(), microConfig())
		if err != nil {
			microCkpt.err = err
			return
		}
		tc := tinyTrainConfig()
		tc.CheckpointDir, err = os.MkdirTemp("", "ckpt")
		if err != nil {
			microCkpt.err = err
			return
		}
		defer os.RemoveAll(tc.CheckpointDir)
		tr, err := NewTrainer(net, randTensor32(rand.New(rand.NewPCG(1, 2)), 3, 2, 2, 1), tc)
		if err != nil {
			microCkpt.err = err
			return
		}
		p, err := tr.SaveCheckpoint()
		if err != nil {
			microCkpt.err = err
			return
		}
		microCkpt.raw, microCkpt.err = os.ReadFile(p)
	})
	if microCkpt.err != nil {
		t.Fatal(microCkpt.err)
	}
	return microCkpt.raw
}

// splitCheckpoint returns the header JSON and the values of a checkpoint.
func splitCheckpoint(t testing.TB, raw []byte) (map[string]any, []byte) {
	t.Helper()
	hl := binary.LittleEndian.Uint64(raw[8:16])
	var h map[string]any
	if err := json.Unmarshal(raw[16:16+hl], &h); err != nil {
		t.Fatal(err)
	}
	return h, raw[16+hl : len(raw)-4]
}

// assemble builds a checkpoint file from a header and values, with a valid
// CRC: what a hostile file looks like.
func assemble(t testing.TB, h any, data []byte) []byte {
	t.Helper()
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return withCRC(append(append(append([]byte(ckptMagic), le64(uint64(len(js)))...), js...), data...))
}

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// withCRC appends the CRC trailer to body.
func withCRC(body []byte) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc32.ChecksumIEEE(body))
}

func decodeAll(raw []byte) error {
	_, _, err := decodeCheckpoint(bytes.NewReader(raw), int64(len(raw)), "test.ckpt", func(string) bool { return true })
	return err
}

// microFile is microCheckpoint stored in testdata, the fuzz seed (so that
// fuzz workers need no backend); UNET_WRITE_TESTDATA=1 rewrites it.
const microFile = "testdata/micro.ckpt"

func TestDecodeRealCheckpoint(t *testing.T) {
	raw := microCheckpoint(t)
	if os.Getenv("UNET_WRITE_TESTDATA") == "1" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(microFile, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, vals, err := decodeCheckpoint(bytes.NewReader(raw), int64(len(raw)), "micro", func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	// The stored seed still has the variables a fresh checkpoint has.
	stored, err := os.ReadFile(microFile)
	if err != nil {
		t.Fatal(err)
	}
	hs, _, err := decodeCheckpoint(bytes.NewReader(stored), int64(len(stored)), microFile, func(string) bool { return true })
	if err != nil {
		t.Fatalf("%s: %v (rewrite it with UNET_WRITE_TESTDATA=1)", microFile, err)
	}
	if len(hs.Vars) != len(h.Vars) {
		t.Fatalf("%s has %d variables, a fresh checkpoint %d (rewrite it with UNET_WRITE_TESTDATA=1)", microFile, len(hs.Vars), len(h.Vars))
	}
	for i := range h.Vars {
		if hs.Vars[i].Path != h.Vars[i].Path || !slices.Equal(hs.Vars[i].Dims, h.Vars[i].Dims) {
			t.Fatalf("%s: variable %d is %v, a fresh checkpoint has %v (rewrite it with UNET_WRITE_TESTDATA=1)", microFile, i, hs.Vars[i], h.Vars[i])
		}
	}
	if len(vals) != len(h.Vars) || len(vals) == 0 {
		t.Fatalf("%d values for %d variables", len(vals), len(h.Vars))
	}
	var total int64
	for _, v := range vals {
		total += v.Shape().ByteSize()
	}
	if total != h.ByteSize {
		t.Errorf("values take %d bytes, header says %d", total, h.ByteSize)
	}
	t.Logf("micro checkpoint: %d bytes, %d variables", len(raw), len(h.Vars))
}

// TestCraftedCheckpointHeaders: headers that lie, with a valid CRC (anyone can
// compute one), are errors before anything they declare is allocated.
func TestCraftedCheckpointHeaders(t *testing.T) {
	raw := microCheckpoint(t)
	h, data := splitCheckpoint(t, raw)
	vars := h["vars"].([]any)
	mutate := func(f func(h map[string]any, v0 map[string]any)) []byte {
		var c map[string]any
		js, _ := json.Marshal(h)
		if err := json.Unmarshal(js, &c); err != nil {
			t.Fatal(err)
		}
		f(c, c["vars"].([]any)[0].(map[string]any))
		return assemble(t, c, data)
	}
	manyVars := make([]any, 200000)
	for i := range manyVars {
		manyVars[i] = map[string]any{"path": "/net/v" + string(rune('a'+i%26)) + strings.Repeat("x", i%7), "dtype": "Float32", "dims": []int{1}}
	}
	header := raw[:16]
	for _, c := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"negative dimension", mutate(func(_, v map[string]any) { v["dims"] = []int{-1, 4} }), "want every dimension ≥ 1"},
		{"zero dimension", mutate(func(_, v map[string]any) { v["dims"] = []int{0} }), "want every dimension ≥ 1"},
		{"dimension 4e8", mutate(func(_, v map[string]any) { v["dims"] = []int{400000000} }), "need more bytes than the file's"},
		{"product overflows", mutate(func(_, v map[string]any) { v["dims"] = []int{1 << 31, 1 << 31, 1 << 31} }), "need more bytes than the file's"},
		{"sum exceeds the file", mutate(func(h, v map[string]any) {
			h["vars"] = append(h["vars"].([]any), map[string]any{"path": "/net/extra", "dtype": "Float32", "dims": []int{len(data) / 4}})
		}), "the variables need more bytes"},
		{"huge number of vars", mutate(func(h, _ map[string]any) { h["vars"] = manyVars }), "repeated path"},
		{"rank 0", mutate(func(_, v map[string]any) { v["dims"] = []int{} }), "rank 0, want 1 to 8"},
		{"rank 9", mutate(func(_, v map[string]any) { v["dims"] = []int{1, 1, 1, 1, 1, 1, 1, 1, 1} }), "rank 9"},
		{"unknown dtype", mutate(func(_, v map[string]any) { v["dtype"] = "Float128" }), "bad header"},
		{"sub-byte dtype", mutate(func(_, v map[string]any) { v["dtype"] = "Int4" }), "dtype Int4, want Float32 or Float64"},
		{"bool dtype", mutate(func(_, v map[string]any) { v["dtype"] = "Bool" }), "dtype Bool"},
		{"dtype as a number", mutate(func(_, v map[string]any) { v["dtype"] = 99 }), "bad header"},
		{"Float64 over float32 data", mutate(func(_, v map[string]any) { v["dtype"] = "Float64" }), "the variables"},
		{"bytes field lies", mutate(func(h, _ map[string]any) { h["bytes"] = 1 << 40 }), "the header says 1099511627776"},
		{"negative bytes field", mutate(func(h, _ map[string]any) { h["bytes"] = -8 }), "the header says -8"},
		{"version", mutate(func(h, _ map[string]any) { h["version"] = 2 }), "version 2"},
		{"negative step", mutate(func(h, _ map[string]any) { h["step"] = -3 }), "step -3"},
		{"empty path", mutate(func(_, v map[string]any) { v["path"] = "" }), "empty or repeated path"},
		{"repeated path", mutate(func(h, _ map[string]any) { h["vars"] = append(h["vars"].([]any), vars[0]) }), "empty or repeated path"},
		{"vars not a list", mutate(func(h, _ map[string]any) { h["vars"] = "many" }), "bad header"},
		{"header length 2^63", withCRC(append(append([]byte(ckptMagic), le64(1<<63)...), raw[16:len(raw)-4]...)), "exceeds the file size"},
		{"header length = file size", withCRC(append(append([]byte(ckptMagic), le64(uint64(len(raw)))...), raw[16:len(raw)-4]...)), "exceeds the file size"},
		{"header length 0", withCRC(append(append([]byte(ckptMagic), le64(0)...), raw[16:len(raw)-4]...)), "bad header"},
		{"header length short", withCRC(append(append([]byte(ckptMagic), le64(10)...), raw[16:len(raw)-4]...)), "bad header"},
		{"no magic", withCRC(append([]byte("NOTACKPT"), raw[8:len(raw)-4]...)), "no \"MOLRGCK1\" magic"},
		{"bad CRC", append(append([]byte(nil), raw[:len(raw)-1]...), raw[len(raw)-1]^1), "checksum mismatch"},
		{"flipped value byte", func() []byte {
			b := append([]byte(nil), raw...)
			b[len(b)-100] ^= 0x40
			return b
		}(), "checksum mismatch"},
		{"too short", header[:10], "not a checkpoint"},
		{"empty", nil, "not a checkpoint"},
	} {
		err := decodeAll(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestLoadNetCraftedConfig: a valid-looking file whose config asks for a much
// bigger network (or another dtype) than its weights is refused before New
// allocates that network.
func TestLoadNetCraftedConfig(t *testing.T) {
	raw := microCheckpoint(t)
	h, data := splitCheckpoint(t, raw)
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		mutate func(cfg map[string]any)
		want   string
	}{
		{"huge network", func(cfg map[string]any) { cfg["ModelChannels"] = 1 << 20 }, "its config needs"},
		{"invalid config", func(cfg map[string]any) { cfg["ModelChannels"] = -4 }, "bad network config"},
		{"other dtype", func(cfg map[string]any) { cfg["DType"] = "Float64" }, "the config says Float64"},
	} {
		var hc map[string]any
		js, _ := json.Marshal(h)
		if err := json.Unmarshal(js, &hc); err != nil {
			t.Fatal(err)
		}
		c.mutate(hc["config"].(map[string]any))
		p := filepath.Join(dir, c.name+".ckpt")
		if err := os.WriteFile(p, assemble(t, hc, data), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := LoadNet(backend.Must(), p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: LoadNet error %v, want one containing %q", c.name, err, c.want)
		}
	}
	p := filepath.Join(dir, "good.ckpt")
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := LoadNet(backend.Must(), p); err != nil {
		t.Errorf("the real checkpoint: %v", err)
	}
	if _, _, err := readCheckpoint(dir, func(string) bool { return true }); err == nil {
		t.Error("a directory read as a checkpoint")
	}
}

// TestTruncatedCheckpoint: the checkpoint cut at every byte offset is an
// error, never a panic.
func TestTruncatedCheckpoint(t *testing.T) {
	raw := microCheckpoint(t)
	for i := range len(raw) {
		if err := decodeAll(raw[:i]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", i, len(raw))
		}
	}
	if err := decodeAll(raw); err != nil {
		t.Fatal(err)
	}
	// Cut and given a fresh valid CRC, the header checks alone must refuse
	// it: at every offset of the header, then every 61st byte of the values
	// and the last 64 (each of these parses the whole header).
	hl := int(binary.LittleEndian.Uint64(raw[8:16]))
	for i := 16; i < len(raw)-4; i++ {
		if i > 16+hl && i < len(raw)-68 && i%61 != 0 {
			continue
		}
		if err := decodeAll(withCRC(raw[:i])); err == nil {
			t.Fatalf("truncated to %d bytes with a valid CRC: no error", i)
		}
	}
}

// FuzzReadCheckpoint: arbitrary bytes, as they are and with a valid CRC
// appended (so that the fuzzer reaches the header checks), never panic, and
// what is accepted is consistent.
func FuzzReadCheckpoint(f *testing.F) {
	raw, err := os.ReadFile(microFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(raw[:len(raw)/2])
	h, data := splitCheckpoint(f, raw)
	h["vars"] = []any{map[string]any{"path": "/net/x", "dtype": "Float32", "dims": []int{-1}}}
	f.Add(assemble(f, h, data))
	h["vars"] = []any{map[string]any{"path": "/net/x", "dtype": "Float32", "dims": []int{400000000}}}
	f.Add(assemble(f, h, data))
	f.Add([]byte(ckptMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, withCRC(b)} {
			hdr, vals, err := decodeCheckpoint(bytes.NewReader(in), int64(len(in)), "fuzz", func(p string) bool { return !strings.HasPrefix(p, "/adam/") })
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error")
				}
				continue
			}
			var total int64
			for _, v := range hdr.Vars {
				if val, ok := vals[v.Path]; ok {
					total += val.Shape().ByteSize()
				}
			}
			if total > int64(len(in)) {
				t.Fatalf("accepted %d bytes of values from a %d-byte file", total, len(in))
			}
		}
	})
}

// TestResumeSkipsCorruptNewest: with the newest checkpoint corrupt (a flipped
// byte) and an even newer one crafted (valid CRC, impossible dimensions),
// Resume and LoadNet fall back to the previous good one and report both
// skipped files with their reasons.
func TestResumeSkipsCorruptNewest(t *testing.T) {
	be := backend.Must()
	tc := tinyTrainConfig()
	tc.TotalSteps, tc.StepsPerExec, tc.LogEvery, tc.CheckpointEvery = 4, 1, 1, 2
	tc.CheckpointDir = t.TempDir()
	data := randTensor32(rand.New(rand.NewPCG(3, 4)), 3, 2, 2, 1)
	net, err := New(be, microConfig())
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(net, data, tc)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	p2, p4, p6 := CheckpointPath(tc.CheckpointDir, 2), CheckpointPath(tc.CheckpointDir, 4), CheckpointPath(tc.CheckpointDir, 6)
	raw, err := os.ReadFile(p4)
	if err != nil {
		t.Fatal(err)
	}
	h, vals := splitCheckpoint(t, raw)
	h["vars"].([]any)[0].(map[string]any)["dims"] = []int{400000000}
	if err := os.WriteFile(p6, assemble(t, h, vals), 0o644); err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 1
	if err := os.WriteFile(p4, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	net2, err := New(be, microConfig())
	if err != nil {
		t.Fatal(err)
	}
	tr2, err := NewTrainer(net2, data, tc)
	if err != nil {
		t.Fatal(err)
	}
	path, skipped, err := tr2.Resume()
	if err != nil {
		t.Fatal(err)
	}
	if path != p2 || tr2.Step() != 2 || len(tr2.History()) != 2 {
		t.Errorf("resumed from %s at step %d with %d records, want %s at step 2 with 2", path, tr2.Step(), len(tr2.History()), p2)
	}
	check := func(who string, skipped []SkippedCheckpoint) {
		if len(skipped) != 2 || skipped[0].Path != p6 || skipped[1].Path != p4 {
			t.Fatalf("%s skipped %v, want %s then %s", who, skipped, p6, p4)
		}
		for i, want := range []string{"need more bytes than the file's", "checksum mismatch"} {
			s := skipped[i].String()
			if !strings.HasPrefix(s, "skipped corrupt checkpoint "+skipped[i].Path+": ") || !strings.Contains(s, want) {
				t.Errorf("%s: %q, want \"skipped corrupt checkpoint %s: …%s…\"", who, s, skipped[i].Path, want)
			}
		}
	}
	check("Resume", skipped)
	_, hist, skipped, err := LoadNet(be, tc.CheckpointDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Errorf("LoadNet: history of %d records, want 2 (step 2)", len(hist))
	}
	check("LoadNet", skipped)
	// With every file corrupt, the error says why for each.
	if err := os.WriteFile(p2, raw[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	_, skipped, err = tr2.Resume()
	if err == nil || len(skipped) != 3 || !strings.Contains(err.Error(), "no valid checkpoint") || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("all corrupt: skipped %d, error %v", len(skipped), err)
	}
}
