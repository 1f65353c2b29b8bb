package daemon

import (
	"errors"
	"os"
	"syscall"
)

// errInvalidParameter is ERROR_INVALID_PARAMETER, OpenProcess's answer for a
// process id no process has.
const errInvalidParameter = syscall.Errno(87)

// processAlive reports whether a process with this id runs on this machine.
// One that cannot be opened for another reason (another user's) is alive; an
// id reused by another process since reads as alive, which only makes a
// cycle wait.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return !errors.Is(err, errInvalidParameter)
	}
	p.Release()
	return true
}
