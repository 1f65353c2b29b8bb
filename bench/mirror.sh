#!/usr/bin/env bash
# Measures what a user of a 50,000-event Google calendar waits for, side by
# side with the plan benchmark on the same world (rules/rulestest.World: 200
# peers, a year of calendar): an idle cycle (run --once that finds nothing new),
# status, and plan --json, each against the mirror in the state database, and
# the database's size next to the size of the mirrored events themselves.
# Goals (issue 10): each command within 5x the plan's own time, and the
# database under 3x the events' compact form. The events come from the fake
# Google (googletest) on loopback; the generator is mirrorWorld in
# cmd/sideways/mirror_bench_test.go.
#
#   bench/mirror.sh              # 5 runs of each command, 8 of the plan
#   RUNS=3 bench/mirror.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
out=$(mktemp)
go test ./rules -run '^$' -bench '^BenchmarkPlan$/events=50000' -count 8 | tee "$out" | grep -E '^Benchmark'
go test ./cmd/sideways -run '^$' -bench '^BenchmarkMirror$' -benchtime "${runs}x" -timeout 30m | tee -a "$out" | grep -E '^Benchmark'
awk '
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  /^BenchmarkPlan\/events=50000-/ { plan[++np] = $3 }
  /^BenchmarkMirror\// {
    split($1, parts, "/"); name = parts[2]; sub(/-[0-9]+$/, "", name)
    t[name] = $3
    for (i = 4; i <= NF; i++) { if ($i == "db-bytes") db = $(i-1); if ($i == "mirror-bytes") mirror = $(i-1) }
  }
  END {
    p = median(plan, np)
    printf "\n%-24s %12s %10s\n", "50,000 events", "seconds", "x plan"
    printf "%-24s %12.3f %10.1f\n", "rules.Plan (median)", p / 1e9, 1
    fail = 0
    n = split("cycle status plan", order, " ")
    for (k = 1; k <= n; k++) {
      c = order[k]; r = t[c] / p
      printf "%-24s %12.3f %10.1f%s\n", (c == "cycle" ? "idle cycle" : c == "plan" ? "plan --json" : c), t[c] / 1e9, r, (r > 5 ? "  (goal: at most 5x)" : "")
      if (r > 5) fail = 1
    }
    printf "\nstate database %.1f MB; mirrored events %.1f MB: %.2fx%s\n", db / 1e6, mirror / 1e6, db / mirror, (db / mirror >= 3 ? "  (goal: under 3x)" : "")
    if (db / mirror >= 3) fail = 1
    exit fail
  }' "$out"
