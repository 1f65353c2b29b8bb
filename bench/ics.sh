#!/usr/bin/env bash
# ICS parse + expand: sideways against the reference, Python's
# recurring_ical_events, side by side on the same generated files and window.
#
# Generates (bench/icsgen, into a temp dir, never committed) a realistic work
# calendar — 5 years, 15,000 VEVENTs, 40 recurring series with EXDATEs and
# overrides, attendees, VTIMEZONEs, X-WR-TIMEZONE, folded lines — and a
# 50,000-VEVENT one, then times read + parse + expand over one year (2026) in
# each implementation: bench/icsbench (ics.Source, what `sideways events --ics`
# runs) and bench/ics_reference.py. Each run is its own process.
#
# Peak memory is the process's max RSS (getrusage ru_maxrss) for both; it
# includes what the process holds before reading the feed (Go: the binary's
# mapped pages and runtime; Python: the interpreter and imported modules), so
# the table also shows the peak over that baseline (the same program on a
# one-event feed, median of RUNS). Targets (issue 12): sideways at least 30x faster, and its
# peak over that baseline at most 2x the file size. Exit status 1 when the two
# disagree on the occurrences or a target fails.
#
#   bash bench/ics.sh            # RUNS=3 Go runs per file (median); Python runs once
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3
if ! "$py" -c 'import recurring_ical_events, icalendar, x_wr_timezone' 2>/dev/null; then
  echo "bench/ics.sh: $py cannot import the reference; install python3-recurring-ical-events python3-icalendar python3-x-wr-timezone (apt)" >&2
  exit 2
fi
runs=${RUNS:-3}
from=2026-01-01T00:00:00Z
to=2027-01-01T00:00:00Z
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

go build -o "$dir/icsbench" ./bench/icsbench
go run ./bench/icsgen -events 15000 -years 5 -series 40 -o "$dir/work-15k.ics"
go run ./bench/icsgen -events 50000 -years 5 -series 40 -o "$dir/work-50k.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$dir/tiny.ics"


# The Go baseline moves by a few hundred KiB from run to run: take its median
# over as many runs as each file gets.
go_base=$(for _ in $(seq "$runs"); do "$dir/icsbench" -from $from -to $to "$dir/tiny.ics" | field maxrss_kb; done | median)
py_base=$("$py" bench/ics_reference.py $from $to "$dir/tiny.ics" | field maxrss_kb)

status=0
printf '\nread + parse + expand over [%s, %s); wall = median of %d Go runs, 1 Python run\n' $from $to "$runs"
printf 'peak = max RSS (getrusage); over base = peak minus the same program on a one-event feed (Go %d KiB, Python %d KiB)\n\n' "$go_base" "$py_base"
printf '%-13s %9s %7s | %9s %9s %7s | %11s %11s %9s | %11s %11s\n' \
  file size occurs "go wall" "py wall" speedup "go peak" "over base" "vs size" "py peak" "over base"
for f in work-15k work-50k; do
  path="$dir/$f.ics"
  size=$(wc -c <"$path")
  walls=() rss=()
  for _ in $(seq "$runs"); do
    out=$("$dir/icsbench" -from $from -to $to "$path")
    walls+=("$(field wall_s <<<"$out")")
    rss+=("$(field maxrss_kb <<<"$out")")
    gocc=$(field occurrences <<<"$out")
  done
  gwall=$(printf '%s\n' "${walls[@]}" | median)
  grss=$(printf '%s\n' "${rss[@]}" | median)
  out=$("$py" bench/ics_reference.py $from $to "$path")
  pwall=$(field wall_s <<<"$out")
  prss=$(field maxrss_kb <<<"$out")
  pocc=$(field occurrences <<<"$out")
  if [[ $gocc != "$pocc" ]]; then
    echo "$f: sideways found $gocc occurrences, the reference $pocc" >&2
    status=1
  fi
  speed=$(awk -v p="$pwall" -v g="$gwall" 'BEGIN {printf "%.0f", p / g}')
  printf '%-13s %7.1fMB %7d | %8.3fs %8.2fs %6sx | %8.1fMB %8.1fMB %8.1fx | %8.1fMB %8.1fMB\n' \
    "$f.ics" "$(awk -v s="$size" 'BEGIN {print s / 1e6}')" "$gocc" "$gwall" "$pwall" "$speed" \
    "$(awk -v k="$grss" 'BEGIN {print k * 1024 / 1e6}')" "$(awk -v k="$grss" -v b="$go_base" 'BEGIN {print (k - b) * 1024 / 1e6}')" \
    "$(awk -v k="$grss" -v s="$size" 'BEGIN {print k * 1024 / s}')" \
    "$(awk -v k="$prss" 'BEGIN {print k * 1024 / 1e6}')" "$(awk -v k="$prss" -v b="$py_base" 'BEGIN {print (k - b) * 1024 / 1e6}')"
  awk -v sp="$speed" -v k="$grss" -v b="$go_base" -v s="$size" -v f="$f" 'BEGIN {
    printf "  %s: speed %s (target >= 30x); peak %.1fx the file size, %.1fx over base: %s (target <= 2x over base)\n", f,
      (sp >= 30 ? "PASS" : "FAIL"), k * 1024 / s, (k - b) * 1024 / s, ((k - b) * 1024 <= 2 * s ? "PASS" : "FAIL") }'
  if ((speed < 30)); then status=1; fi
  if awk -v k="$grss" -v b="$go_base" -v s="$size" 'BEGIN {exit !((k - b) * 1024 > 2 * s)}'; then status=1; fi
done
exit $status
