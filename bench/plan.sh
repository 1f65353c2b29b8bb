#!/usr/bin/env bash
# Measures assessment + planning (rules.Plan) for 200 peers at 5,000 and 50,000
# events, side by side in one run, and prints how the time grows: 10x the events
# should cost at most 12x the time.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-8}
out=$(mktemp)
go test ./rules -run '^$' -bench '^BenchmarkPlan$' -benchmem -count "$count" | tee "$out" | grep -E '^Benchmark'
awk '
  /^BenchmarkPlan\/events=5000-/  { small[++ns] = $3; sa = $7; sb = $5 }
  /^BenchmarkPlan\/events=50000-/ { large[++nl] = $3; la = $7; lb = $5 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    s = median(small, ns); l = median(large, nl)
    printf "\nmedian of %d runs each\n", ns
    printf "%-14s %14s %12s %12s\n", "events", "ns/op", "B/op", "allocs/op"
    printf "%-14s %14.0f %12d %12d\n", "5,000", s, sb, sa
    printf "%-14s %14.0f %12d %12d\n", "50,000", l, lb, la
    printf "time ratio 50,000 / 5,000 events: %.2fx (target: at most 12x)\n", l / s
    exit (l / s > 12)
  }' "$out"
