#!/usr/bin/env bash
# Peak memory of `sideways run --once` on the hostile ICS feeds of issue 8,
# as the OS counts it.
#
# Builds the binary, writes each feed (into a temporary folder, never
# committed) with a report-mode config that reads it as an ICS file calendar,
# and runs `sideways run --once` on it once, with the clock fixed
# (SIDEWAYS_NOW) and a fresh state folder. bench/peakrss runs the process and
# reports its wall time and peak resident set size (the child's ru_maxrss from
# wait4, what /usr/bin/time -v reports). The feeds:
#
#   bysetpos_x4   four events of FREQ=HOURLY;BYSETPOS=2 from 2020 (never match;
#                 each took 15 s and the cycle a minute before the budget)
#   bysecond_x20  twenty events of FREQ=DAILY;BYHOUR=0..23;BYMINUTE=0..59;
#                 BYSECOND=0..59 (every second; 3.8 GiB and out of memory)
#   hourly_x200   200 FREQ=HOURLY events without COUNT (1.9 GiB)
#   normal        a small ordinary feed, for the baseline
#
# Each hostile feed also holds a weekly 1:1 with a peer, which must survive.
# Target: peak RSS under 300 MB for each. Exit status 1 when a run fails or
# passes the target.
#
#   bash bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb=${LIMIT_MB:-300}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

go build -o "$dir/sideways" ./cmd/sideways
go build -o "$dir/peakrss" ./bench/peakrss

crlf() { sed 's/$/\r/'; }

# one_on_one is a weekly 1:1 with Dana, the peer of the config.
one_on_one() {
  cat <<'EOF'
BEGIN:VEVENT
UID:dana-weekly@test
DTSTART:20260105T150000Z
DTEND:20260105T153000Z
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Dana / Alex
ORGANIZER:mailto:alex@acme.test
ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@acme.test
ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@acme.test
END:VEVENT
EOF
}

feed() { # name: writes $dir/name.ics
  local name=$1
  {
    printf 'BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//sideways bench//EN\n'
    case $name in
    bysetpos_x4)
      for i in 1 2 3 4; do
        printf 'BEGIN:VEVENT\nUID:setpos%d@test\nDTSTART:20200101T100000Z\nRRULE:FREQ=HOURLY;BYSETPOS=2\nEND:VEVENT\n' "$i"
      done ;;
    bysecond_x20)
      local h m
      h=$(seq -s, 0 23)
      m=$(seq -s, 0 59)
      for i in $(seq 20); do
        printf 'BEGIN:VEVENT\nUID:second%d@test\nDTSTART:20200101T000000Z\nRRULE:FREQ=DAILY;BYHOUR=%s;BYMINUTE=%s;BYSECOND=%s\nEND:VEVENT\n' "$i" "$h" "$m" "$m"
      done ;;
    hourly_x200)
      for i in $(seq 200); do
        printf 'BEGIN:VEVENT\nUID:hourly%d@test\nSUMMARY:Hourly %d\nDTSTART:20200101T%02d0000Z\nDURATION:PT30M\nRRULE:FREQ=HOURLY\nEND:VEVENT\n' "$i" "$i" $((i % 24))
      done ;;
    normal)
      for i in $(seq 40); do
        printf 'BEGIN:VEVENT\nUID:series%d@test\nSUMMARY:Series %d\nDTSTART;TZID=America/New_York:20250106T%02d0000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH\nEND:VEVENT\n' "$i" "$i" $((8 + i % 9))
      done ;;
    esac
    one_on_one
    printf 'END:VCALENDAR\n'
  } | crlf >"$dir/$name.ics"
}

config() { # name: writes $dir/name.yaml
  cat >"$dir/$1.yaml" <<EOF
me:
  name: Alex Rivera
  emails: [alex@acme.test]
  department: Engineering
  timezone: America/New_York
calendars:
  - name: work
    ics: $dir/$1.ics
mode: report
peers:
  - name: Dana Whitfield
    email: dana@acme.test
    department: Finance
    interdependence: high
  - name: Erin Oduya
    email: erin@acme.test
    department: Sales
rules:
  - name: strong interdependence meets weekly
    when: peer.interdependence == "high"
    cadence: weekly
  - name: everyone else monthly
    cadence: monthly
EOF
}

status=0
printf '%-13s %9s %6s %8s %12s %9s  %s\n' feed size exit wall_s "peak RSS MB" warnings verdict
for name in normal bysetpos_x4 bysecond_x20 hourly_x200; do
  feed "$name"
  config "$name"
  size=$(wc -c <"$dir/$name.ics")
  mkdir -p "$dir/state-$name"
  set +e
  SIDEWAYS_NOW=2026-11-23T09:00:00-05:00 "$dir/peakrss" "$dir/sideways" run --once \
    --config "$dir/$name.yaml" --state "$dir/state-$name" >"$dir/$name.out" 2>"$dir/$name.err"
  set -e
  line=$(grep '^peakrss:' "$dir/$name.err" | tail -1)
  code=$(sed -n 's/.*exit=\([0-9]*\).*/\1/p' <<<"$line")
  wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' <<<"$line")
  kb=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' <<<"$line")
  mb=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }')
  warnings=$(grep -c '^sideways: warning: calendar ' "$dir/$name.err" || true)
  verdict=ok
  if [ "$code" != 0 ]; then
    verdict="FAIL: exit $code"
    status=1
  elif awk -v mb="$mb" -v lim="$limit_mb" 'BEGIN { exit !(mb >= lim) }'; then
    verdict="FAIL: over $limit_mb MB"
    status=1
  fi
  printf '%-13s %9s %6s %8s %12s %9s  %s\n' "$name" "$size" "$code" "$wall" "$mb" "$warnings" "$verdict"
  if [ "$code" != 0 ]; then
    sed 's/^/    /' "$dir/$name.err" | head -20
  fi
done
exit $status
