package results

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path/filepath"
)

// KeyedDir returns a folder under root named by settings: root/<the first
// 16 hex digits of the SHA-256 of their JSON>. A notebook that keeps a run
// there finds it again when it runs with the same settings, and starts a new
// folder with other settings (where the table would refuse to resume).
func KeyedDir(root string, settings any) (string, error) {
	b, err := json.Marshal(settings)
	if err != nil {
		return "", fmt.Errorf("results: settings cannot be keyed as JSON: %w", err)
	}
	sum := sha256.Sum256(b)
	return filepath.Join(root, fmt.Sprintf("%x", sum[:8])), nil
}
