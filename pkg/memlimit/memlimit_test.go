package memlimit

import (
	"strings"
	"testing"
)

func TestMemInfoAvailable(t *testing.T) {
	in := "MemTotal:       32768000 kB\nMemFree:         1000 kB\nMemAvailable:   23877464 kB\n"
	if v, ok := memInfoAvailable([]byte(in)); !ok || v != 23877464*1024 {
		t.Errorf("got %d, %v; want %d", v, ok, 23877464*1024)
	}
	if _, ok := memInfoAvailable([]byte("MemTotal: 1 kB\n")); ok {
		t.Error("no MemAvailable line: want not found")
	}
	if _, ok := memInfoAvailable([]byte("MemAvailable: x kB\n")); ok {
		t.Error("bad number: want not found")
	}
}

func TestAvailableAndCheck(t *testing.T) {
	a, _ := Available()
	if a == 0 {
		t.Skip("no memory available at all")
	}
	if err := Check("a small thing", 1<<10); err != nil {
		t.Errorf("1 KiB refused: %v", err)
	}
	err := Check("the moon", a)
	if err == nil || !strings.Contains(err.Error(), "the moon needs") || !strings.Contains(err.Error(), "available") {
		t.Errorf("all the available memory accepted or unclear error: %v", err)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[uint64]string{512: "512 B", 1536: "1.5 KiB", 3 << 30: "3 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
