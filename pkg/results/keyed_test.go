package results

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"
)

func TestKeyedDir(t *testing.T) {
	type cfg struct {
		Steps int     `json:"steps"`
		LR    float64 `json:"lr"`
	}
	a, err := KeyedDir("root", cfg{100, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(`{"steps":100,"lr":0.1}`))
	if want := filepath.Join("root", fmt.Sprintf("%x", sum[:8])); a != want {
		t.Errorf("KeyedDir = %q, want %q", a, want)
	}
	if b, _ := KeyedDir("root", cfg{100, 0.1}); b != a {
		t.Errorf("the same settings give %q and %q", a, b)
	}
	if c, _ := KeyedDir("root", cfg{101, 0.1}); c == a {
		t.Errorf("other settings give the same folder %q", c)
	}
	if _, err := KeyedDir("root", func() {}); err == nil {
		t.Error("settings that JSON cannot encode: no error")
	}
}
