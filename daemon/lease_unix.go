//go:build unix

package daemon

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this id runs on this machine.
// A process of another user is alive too (EPERM); an id reused by another
// process since reads as alive, which only makes a cycle wait.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
