//go:build unix

package results

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f without waiting, so that
// two runs never write the same table.
func lockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("results: %s is being written by another run (%v): wait for it to finish, or write to another folder", f.Name(), err)
	}
	return nil
}
