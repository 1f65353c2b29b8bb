//go:build !unix

package main

import (
	"errors"
	"os"
)

// childMaxRSSKiB is not available here: Windows does not report a child's
// peak working set after it exits.
func childMaxRSSKiB(*os.ProcessState) (int64, error) {
	return 0, errors.New("a child's peak RSS is not reported on this OS")
}
