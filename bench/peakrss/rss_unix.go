//go:build unix

package main

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// childMaxRSSKiB returns a finished child's peak resident set size in KiB:
// its rusage's ru_maxrss, which Linux and the BSDs give in KiB and macOS in
// bytes.
func childMaxRSSKiB(ps *os.ProcessState) (int64, error) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, errors.New("no rusage for the child")
	}
	rss := int64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		rss /= 1024
	}
	return rss, nil
}
