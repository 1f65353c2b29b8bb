// Command peakrss runs a command and prints, on stderr after the command's
// own output, its wall time and peak resident set size as the OS counted
// them (the child's rusage from wait4: ru_maxrss), the way /usr/bin/time -v
// does, but with the same output on Linux and macOS:
//
//	peakrss: exit=0 wall_s=1.234 maxrss_kb=45678
//
// bench/hostile.sh uses it. It exits with the command's status.
//
//	go run ./bench/peakrss sideways run --once
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peakrss COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(1)
	}
	rss, err := childMaxRSSKiB(cmd.ProcessState)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(1)
	}
	code := cmd.ProcessState.ExitCode()
	fmt.Fprintf(os.Stderr, "peakrss: exit=%d wall_s=%.3f maxrss_kb=%d\n", code, wall.Seconds(), rss)
	os.Exit(code)
}
