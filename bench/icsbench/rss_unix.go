//go:build unix

package main

import (
	"runtime"
	"syscall"
)

// maxRSSKiB returns the process's peak resident set size in KiB: getrusage's
// ru_maxrss, which Linux and the BSDs give in KiB and macOS in bytes.
func maxRSSKiB() (int64, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	rss := int64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		rss /= 1024
	}
	return rss, nil
}
