package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// IDX is the content of one IDX file (the format of MNIST and
// Fashion-MNIST): an array of unsigned bytes with its dimensions, the first
// dimension being the number of items.
//
// The format: two zero bytes, a type byte (0x08 = unsigned byte, the only
// type supported here), a byte giving the number of dimensions r, then r
// big-endian uint32 sizes, then the data, row-major. Files may be gzip
// compressed (as MNIST is distributed: *-ubyte.gz); that is detected from
// the content, not the file name.
type IDX struct {
	Dims []int
	Data []byte
}

const (
	idxTypeUByte = 0x08
	// idxMaxRank bounds the number of dimensions accepted.
	idxMaxRank = 4
	// gzipMaxRatio bounds the size of the data that a gzip (deflate) stream
	// of a given length can hold: deflate expands at most 1032:1, and the
	// margin covers the gzip header and trailer.
	gzipMaxRatio = 1032
	gzipMargin   = 1 << 10
)

var idxTypeNames = map[byte]string{0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64"}

// ReadIDXFile reads an IDX file, gzip-compressed or not.
func ReadIDXFile(path string) (*IDX, error) {
	data, err := readFileLimited(path)
	if err != nil {
		return nil, err
	}
	return DecodeIDX(path, data)
}

// readFileLimited reads a whole file, refusing files over maxValues bytes.
func readFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("datasets: %s is a directory, want a file", path)
	}
	if st.Size() > maxValues {
		return nil, fmt.Errorf("datasets: %s: %d bytes, over the limit of %d", path, st.Size(), int64(maxValues))
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", path, err)
	}
	return data, nil
}

// DecodeIDX decodes the bytes of an IDX file, gzip-compressed or not; name
// (the file's name) is used in error messages. The sizes declared in the
// header are checked against the length of data before anything is
// allocated for them.
func DecodeIDX(name string, data []byte) (*IDX, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		return decodeIDXGzip(name, data)
	}
	dims, payload, err := parseIDXHeader(name, data)
	if err != nil {
		return nil, err
	}
	total, _ := product(maxValues, toInt64(dims)...)
	if int64(len(payload)) != total {
		return nil, fmt.Errorf("datasets: IDX file %s: header declares %s = %d data bytes, the file holds %d after its %d-byte header",
			name, dimString(dims), total, len(payload), len(data)-len(payload))
	}
	return &IDX{Dims: dims, Data: payload}, nil
}

// decodeIDXGzip decompresses and decodes a gzip-compressed IDX file: the
// header's declared size must be one a gzip stream of len(data) bytes can
// hold, and the stream must hold exactly that many bytes after the header.
func decodeIDXGzip(name string, data []byte) (*IDX, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("datasets: IDX file %s: bad gzip header: %w", name, err)
	}
	defer zr.Close()
	head := make([]byte, 4+4*idxMaxRank)
	n, err := io.ReadFull(zr, head[:4])
	if err != nil {
		return nil, fmt.Errorf("datasets: IDX file %s: truncated: %d of the 4 header bytes after decompression (%v)", name, n, err)
	}
	rank := int(head[3])
	if rank >= 1 && rank <= idxMaxRank {
		if n, err := io.ReadFull(zr, head[4:4+4*rank]); err != nil {
			return nil, fmt.Errorf("datasets: IDX file %s: truncated: %d of the %d header bytes after decompression (%v)", name, 4+n, 4+4*rank, err)
		}
	}
	dims, _, err := parseIDXHeader(name, head[:4+4*min(max(rank, 0), idxMaxRank)])
	if err != nil {
		return nil, err
	}
	total, _ := product(maxValues, toInt64(dims)...)
	if limit := int64(len(data))*gzipMaxRatio + gzipMargin; total > limit {
		return nil, fmt.Errorf("datasets: IDX file %s: header declares %s = %d data bytes, more than a %d-byte gzip file can hold (at most %d)",
			name, dimString(dims), total, len(data), limit)
	}
	// Read at most total+1 bytes: the buffer grows only as far as the
	// stream really goes.
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(zr, total+1)); err != nil {
		return nil, fmt.Errorf("datasets: IDX file %s: gzip data: %w", name, err)
	}
	switch got := int64(buf.Len()); {
	case got < total:
		return nil, fmt.Errorf("datasets: IDX file %s: header declares %s = %d data bytes, the decompressed file holds %d",
			name, dimString(dims), total, got)
	case got > total:
		return nil, fmt.Errorf("datasets: IDX file %s: header declares %s = %d data bytes, the decompressed file holds more",
			name, dimString(dims), total)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

// parseIDXHeader checks the header at the start of data and returns the
// dimensions and the bytes after the header. It checks the magic, the type,
// the rank and that every dimension is ≥ 1 with a product within maxValues.
func parseIDXHeader(name string, data []byte) ([]int, []byte, error) {
	if len(data) < 4 {
		return nil, nil, fmt.Errorf("datasets: IDX file %s: truncated: %d bytes, the header alone needs at least 4", name, len(data))
	}
	if data[0] != 0 || data[1] != 0 {
		return nil, nil, fmt.Errorf("datasets: IDX file %s: wrong magic number 0x%02x%02x%02x%02x, want 0x0000TTRR (two zero bytes, type, rank)",
			name, data[0], data[1], data[2], data[3])
	}
	if t := data[2]; t != idxTypeUByte {
		what := idxTypeNames[t]
		if what == "" {
			what = "unknown"
		}
		return nil, nil, fmt.Errorf("datasets: IDX file %s: data type 0x%02x (%s), only 0x08 (unsigned byte) is supported", name, t, what)
	}
	rank := int(data[3])
	if rank < 1 || rank > idxMaxRank {
		return nil, nil, fmt.Errorf("datasets: IDX file %s: %d dimensions, want 1 to %d", name, rank, idxMaxRank)
	}
	if len(data) < 4+4*rank {
		return nil, nil, fmt.Errorf("datasets: IDX file %s: truncated: %d bytes, the header of a %d-dimensional array needs %d", name, len(data), rank, 4+4*rank)
	}
	dims := make([]int, rank)
	for i := range dims {
		d := binary.BigEndian.Uint32(data[4+4*i:])
		if d == 0 {
			return nil, nil, fmt.Errorf("datasets: IDX file %s: dimension %d is 0, want ≥ 1", name, i)
		}
		if uint64(d) > maxValues {
			return nil, nil, fmt.Errorf("datasets: IDX file %s: dimension %d is %d, over the limit of %d", name, i, d, int64(maxValues))
		}
		dims[i] = int(d)
	}
	if _, ok := product(maxValues, toInt64(dims)...); !ok {
		return nil, nil, fmt.Errorf("datasets: IDX file %s: declared size %s is over the limit of %d bytes", name, dimString(dims), int64(maxValues))
	}
	return dims, data[4+4*rank:], nil
}

func toInt64(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// dimString formats dimensions as "60000×28×28".
func dimString(dims []int) string {
	s := ""
	for i, d := range dims {
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(d)
	}
	return s
}

// LoadIDX reads an IDX image file (N×H×W gray, or N×H×W×C with C = 1 or 3)
// and, when labelsPath is not empty, an IDX label file of N bytes, into
// Images. Label values must be < 256; ClassNames is left nil.
func LoadIDX(imagesPath, labelsPath string) (*Images, error) {
	x, err := ReadIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	im, err := x.Images(imagesPath)
	if err != nil {
		return nil, err
	}
	if labelsPath == "" {
		return im, nil
	}
	y, err := ReadIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(y.Dims) != 1 {
		return nil, fmt.Errorf("datasets: IDX label file %s: %d dimensions (%s), want 1", labelsPath, len(y.Dims), dimString(y.Dims))
	}
	if y.Dims[0] != im.N {
		return nil, fmt.Errorf("datasets: IDX label file %s has %d labels, the image file %s has %d images",
			labelsPath, y.Dims[0], filepath.Base(imagesPath), im.N)
	}
	im.Labels = make([]int, im.N)
	for i, v := range y.Data {
		im.Labels[i] = int(v)
	}
	return im, nil
}

// Images interprets the array as images: 3 dimensions N×H×W (gray) or 4
// dimensions N×H×W×C with C = 1 or 3. name is used in error messages.
func (x *IDX) Images(name string) (*Images, error) {
	var n, h, w, c int
	switch len(x.Dims) {
	case 3:
		n, h, w, c = x.Dims[0], x.Dims[1], x.Dims[2], 1
	case 4:
		n, h, w, c = x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3]
	default:
		return nil, fmt.Errorf("datasets: IDX image file %s: %d dimensions (%s), want 3 (N×H×W) or 4 (N×H×W×C)", name, len(x.Dims), dimString(x.Dims))
	}
	if c != 1 && c != 3 {
		return nil, fmt.Errorf("datasets: IDX image file %s: %d channels, want 1 or 3", name, c)
	}
	return &Images{N: n, H: h, W: w, C: c, Pix: bytesToPix(x.Data)}, nil
}

// Encode returns the bytes of the array as an uncompressed IDX file of
// unsigned bytes.
func (x *IDX) Encode() []byte {
	out := make([]byte, 4+4*len(x.Dims), 4+4*len(x.Dims)+len(x.Data))
	out[2], out[3] = idxTypeUByte, byte(len(x.Dims))
	for i, d := range x.Dims {
		binary.BigEndian.PutUint32(out[4+4*i:], uint32(d))
	}
	return append(out, x.Data...)
}
