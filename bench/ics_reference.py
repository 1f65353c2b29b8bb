#!/usr/bin/python3
"""The Python side of bench/ics.sh: what recurring_ical_events does for one
file. Reads, parses (icalendar), applies x_wr_timezone and expands over the
window, and prints one line like bench/icsbench: occurrences, the wall time of
read+parse+expand (imports excluded), and the process's peak resident set size
(getrusage RUSAGE_SELF ru_maxrss, interpreter included).

Usage: ics_reference.py FROM TO FILE
"""

import datetime
import resource
import sys
import time

import icalendar
import recurring_ical_events
import x_wr_timezone


def main():
    a, b, path = sys.argv[1:4]
    a = datetime.datetime.fromisoformat(a.replace("Z", "+00:00"))
    b = datetime.datetime.fromisoformat(b.replace("Z", "+00:00"))
    start = time.perf_counter()
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = recurring_ical_events.of(x_wr_timezone.to_standard(cal)).between(a, b)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"occurrences={len(events)} wall_s={wall:.4f} maxrss_kb={rss}")


if __name__ == "__main__":
    main()
