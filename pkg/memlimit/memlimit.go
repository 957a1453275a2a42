// Package memlimit says how much memory this process may still allocate, so
// that code reading sizes from untrusted input (JSON problems, checkpoint
// headers) can refuse them with an error instead of running out of memory.
package memlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Fallback is the memory assumed available where neither /proc/meminfo nor
// a cgroup limit can be read (4 GiB).
const Fallback = 4 << 30

// Available returns the bytes this process can still allocate: the smaller
// of MemAvailable in /proc/meminfo and the room left under the cgroup
// memory limit (cgroup v2 memory.max − memory.current, or v1
// memory.limit_in_bytes − memory.usage_in_bytes), and whether any of them
// could be read. Without either it returns Fallback, false.
func Available() (uint64, bool) {
	avail, ok := uint64(0), false
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if v, found := memInfoAvailable(b); found {
			avail, ok = v, true
		}
	}
	for _, pair := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	} {
		limit, okL := readUint(pair[0])
		used, okU := readUint(pair[1])
		if !okL || !okU {
			continue
		}
		room := uint64(0)
		if limit > used {
			room = limit - used
		}
		if !ok || room < avail {
			avail, ok = room, true
		}
		break
	}
	if !ok {
		return Fallback, false
	}
	return avail, true
}

// memInfoAvailable parses the "MemAvailable: N kB" line of /proc/meminfo.
func memInfoAvailable(b []byte) (uint64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemAvailable:" {
			v, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				return 0, false
			}
			if len(f) >= 3 && strings.EqualFold(f[2], "kB") {
				v *= 1024
			}
			return v, true
		}
	}
	return 0, false
}

// readUint reads a file holding one unsigned integer ("max" is not one).
func readUint(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil
}

// Budget is the share of the available memory one allocation plan may take:
// half, leaving room for the garbage collector (which may let the heap grow
// to twice the live data) and for everything else.
func Budget() uint64 {
	a, _ := Available()
	return a / 2
}

// Check returns an error naming what when need bytes exceed Budget().
func Check(what string, need uint64) error {
	if b := Budget(); need > b {
		a, _ := Available()
		return fmt.Errorf("%s needs ≈ %s of memory, more than half of the %s available", what, Bytes(need), Bytes(a))
	}
	return nil
}

// Bytes formats a byte count (e.g. "1.5 GiB").
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), 0
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.3g %ciB", v, "KMGTPE"[i-1])
}
