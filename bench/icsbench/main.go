// Command icsbench measures what `sideways events --ics FILE` does for one
// file: read, parse and expand over a window, through ics.Source. It prints
// one line: the occurrences found, the wall time of read+parse+expand, and
// the process's peak resident set size (getrusage RUSAGE_SELF ru_maxrss on
// Unix, the peak working set on Windows; either counts the Go runtime too). bench/ics.sh runs it beside the Python
// reference, one process per file so the peaks do not mix.
//
//	go run ./bench/icsbench -from 2026-01-01T00:00:00Z -to 2027-01-01T00:00:00Z work.ics
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"time"

	"github.com/sidewayscal/sideways/calendar/ics"
)

func main() {
	from := flag.String("from", "2026-01-01T00:00:00Z", "window start (RFC 3339)")
	to := flag.String("to", "2027-01-01T00:00:00Z", "window end, exclusive (RFC 3339)")
	whole := flag.Bool("whole", false, "keep every event of the feed, not only what the window needs (for comparison)")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: icsbench [-from T] [-to T] FILE")
	}
	f, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		log.Fatal(err)
	}
	t, err := time.Parse(time.RFC3339, *to)
	if err != nil {
		log.Fatal(err)
	}
	src := &ics.Source{Name: "bench", Location: flag.Arg(0), Floating: time.UTC,
		Logger: slog.New(slog.DiscardHandler)}
	start := time.Now()
	if *whole {
		// A first read for a window at the start of time keeps every event:
		// the read of the window then uses that copy.
		if _, err := src.Events(context.Background(), time.Time{}, time.Time{}.Add(time.Second)); err != nil {
			log.Fatal(err)
		}
	}
	evs, err := src.Events(context.Background(), f, t)
	if err != nil {
		log.Fatal(err)
	}
	wall := time.Since(start)
	rss, err := maxRSSKiB()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("occurrences=%d wall_s=%.4f maxrss_kb=%d\n", len(evs), wall.Seconds(), rss)
}
