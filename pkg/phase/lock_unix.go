//go:build unix

package phase

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f without waiting, so that
// two sweeps never append to the same results file at once.
func lockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("phase: %s is being written by another sweep (%v): wait for it or use another results file", f.Name(), err)
	}
	return nil
}
