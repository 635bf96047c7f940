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
# Each round also measures how long one cache line takes to move between the two
# CPUs right then (tools/xfer_latency.cpp). On a VM that is bimodal (here 50-70 ns
# or 220-280 ns, as the host places the vCPUs), and velo's threads, one per CPU, pay
# it per message while Go's goroutines mostly share one P; so the summary gives the
# ratio over all rounds and apart for rounds with near (< NEAR_NS) and far CPUs.
#
# usage: tools/go-vs-velo.sh [ROUNDS] [VELO]        (defaults: 5, build/cli/velo)
# environment: CAPACITIES  default "0 64"
#              BYTES       message size, default 64
#              PRODUCERS, CONSUMERS   default 1, 1
#              PROCS       GOMAXPROCS for Go, default 2
#              BENCHTIME   per Go run and velo --min-time per repetition, default 200ms
#              REPS        velo repetitions per run, default 5
#              PIN=1       velo run --pin-threads
#              BASE_VELO   a second velo binary (e.g. built from main) measured in the
#                          same rounds, for an A/B of a change to go_chan
#              NEAR_NS     default 120
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
"${CXX:-c++}" -O2 -std=c++20 -pthread "$here/tools/xfer_latency.cpp" -o "$work/xfer_latency"
near_ns=${NEAR_NS:-120}
base_velo=${BASE_VELO:-}

go_once() {  # capacity -> ns/op of one Go run
  GOMAXPROCS=$procs "$work/chanbench" -cap "$1" -bytes "$bytes" -producers "$producers" -consumers "$consumers" \
    -benchtime "$benchtime" -count 1 | awk '{print $3}'
}

velo_once() {  # capacity [binary] -> median ns_per_op of one velo run
  "${2:-$velo}" run "$here/scenarios/channel.toml" --filter '^channel/go_chan/' --quiet --format json \
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
[ -n "$base_velo" ] && echo "base velo: $("$base_velo" --version 2>/dev/null || echo "$base_velo")"
echo "producers=$producers consumers=$consumers message_bytes=$bytes, $rounds rounds (transfer, Go, velo alternating)"
rows="$work/rows"
: >"$rows"
for capacity in $capacities; do
  for ((r = 1; r <= rounds; r++)); do
    x=$("$work/xfer_latency")
    g=$(go_once "$capacity")
    v=$(velo_once "$capacity")
    b=nan
    [ -n "$base_velo" ] && b=$(velo_once "$capacity" "$base_velo")
    echo "$capacity $x $g $v $b" >>"$rows"
    echo "  cap=$capacity round $r: transfer ${x} ns  go $g  velo $v$([ -n "$base_velo" ] && echo "  base $b")" >&2
  done
done
python3 - "$rows" "$near_ns" "$base_velo" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
near, with_base = float(sys.argv[2]), bool(sys.argv[3])
print(f"{'capacity':<9} {'rounds':<24} {'go ns/op':>9} {'velo ns/op':>11} {'velo/go':>8}" + (f" {'base ns/op':>11} {'base/go':>8}" if with_base else ""))
for cap in dict.fromkeys(r[0] for r in rows):
    mine = [[float(x) for x in r[1:]] for r in rows if r[0] == cap]
    for label, sel in (("all", mine), (f"transfer < {near:g} ns", [m for m in mine if m[0] < near]),
                       (f"transfer >= {near:g} ns", [m for m in mine if m[0] >= near])):
        if not sel:
            continue
        g = statistics.median(m[1] for m in sel)
        v = statistics.median(m[2] for m in sel)
        line = f"{cap:<9} {label + ' (' + str(len(sel)) + ')':<24} {g:>9.1f} {v:>11.1f} {v / g:>8.2f}"
        if with_base:
            b = statistics.median(m[3] for m in sel)
            line += f" {b:>11.1f} {b / g:>8.2f}"
        print(line)
PY
