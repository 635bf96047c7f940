#!/usr/bin/env bash
# Go's own channel next to velo's go_chan, on this machine, measured side by side
# (docs/families/channel.md, "Compared with Go" quotes the figures).
#
# For each capacity: ROUNDS rounds of (Go, velo) in alternation, A B A B ..., so a
# burst of load or a drift hits both alike. One measurement is the Go reference
# program (anchors/go, `go build`) printing one run's ns/op, and one `velo run` of
# channel/go_chan with the same shape (1 producer, 1 consumer by default), whose
# median ns_per_op over its repetitions is taken. Prints, per capacity, the median of
# each side over the rounds and the ratio velo / Go (1.00 = as fast as Go).
#
# usage: tools/go-vs-velo.sh [ROUNDS] [VELO]        (defaults: 5, build/cli/velo)
# environment: CAPACITIES  default "0 64"
#              BYTES       message size, default 64
#              PRODUCERS, CONSUMERS   default 1, 1
#              PROCS       GOMAXPROCS for Go, default 2
#              BENCHTIME   per Go run and velo --min-time per repetition, default 200ms
#              REPS        velo repetitions per run, default 5
#              PIN=1       velo run --pin-threads
set -euo pipefail
rounds=${1:-5}
velo=${2:-build/cli/velo}
capacities=${CAPACITIES:-0 64}
bytes=${BYTES:-64}
producers=${PRODUCERS:-1}
consumers=${CONSUMERS:-1}
procs=${PROCS:-2}
benchtime=${BENCHTIME:-200ms}
reps=${REPS:-5}
pin=()
[[ ${PIN:-0} == 1 ]] && pin=(--pin-threads)

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here/anchors/go" && go build -o "$work/chanbench" .)

go_once() {  # capacity -> ns/op of one Go run
  GOMAXPROCS=$procs "$work/chanbench" -cap "$1" -bytes "$bytes" -producers "$producers" -consumers "$consumers" \
    -benchtime "$benchtime" -count 1 | awk '{print $3}'
}

velo_once() {  # capacity -> median ns_per_op of one velo run
  "$velo" run "$here/scenarios/channel.toml" --filter '^channel/go_chan/' --quiet --format json \
    --param "producers=$producers" --param "consumers=$consumers" --param "capacity=$1" \
    --param "message_bytes=$bytes" --repetitions "$reps" --min-time "$benchtime" --warmup 50ms \
    "${pin[@]}" -o "$work/velo.json" >/dev/null
  python3 - "$work/velo.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
(case,) = [c for c in report["cases"] if c["status"] == "ok"]
print(case["metrics"]["ns_per_op"]["summary"]["median"])
PY
}

median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "go: $(go version | awk '{print $3}'), GOMAXPROCS=$procs; velo: $("$velo" --version 2>/dev/null || echo "$velo")"
echo "producers=$producers consumers=$consumers message_bytes=$bytes, $rounds rounds (Go, velo alternating)"
printf '%-10s %14s %14s %10s\n' capacity "go ns/op" "velo ns/op" velo/go
for capacity in $capacities; do
  go_runs=() velo_runs=()
  for ((r = 1; r <= rounds; r++)); do
    go_runs+=("$(go_once "$capacity")")
    velo_runs+=("$(velo_once "$capacity")")
    echo "  cap=$capacity round $r: go ${go_runs[-1]}  velo ${velo_runs[-1]}" >&2
  done
  g=$(median "${go_runs[@]}")
  v=$(median "${velo_runs[@]}")
  printf '%-10s %14.1f %14.1f %10.2f\n' "$capacity" "$g" "$v" "$(python3 -c "print($v / $g)")"
done
