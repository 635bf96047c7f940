#!/usr/bin/env bash
# velo's `command` family next to hyperfine, on the same commands, side by side:
# how much each tool adds to one run (docs/external.md, "Overhead against hyperfine").
#
# Both tools time a run from starting the process to reaping it, without a shell
# (hyperfine -N, velo's default). On `true`, which does nearly nothing, the time
# each tool reports is almost all start-up and reaping, i.e. the tool's per-run
# overhead plus exec; on a 10 ms command (sleep 0.01), what lies above 10 ms is.
# The lower a tool's figure on the same command, the less it adds.
#
# For each command: ROUNDS rounds of (hyperfine, velo) in alternation, so a burst
# of load hits both alike. Each hyperfine round: --warmup WARMUP --runs RUNS, its
# median; each velo round: one `velo run` with REPS repetitions of at least
# MIN_TIME each, the median of the repetitions' ns_per_op. Prints the median over
# rounds of each side, the difference and the ratio velo / hyperfine.
#
# usage: tools/command-vs-hyperfine.sh [ROUNDS] [VELO]   (defaults: 5, build/cli/velo)
# environment: COMMANDS  default "true|sleep 0.01" (separated by |)
#              RUNS      hyperfine runs per round, default 300
#              WARMUP    hyperfine warm-up runs, default 20
#              REPS      velo repetitions per round, default 10
#              MIN_TIME  velo --min-time per repetition, default 200ms
# Run it on a quiet machine: it is a measurement.
set -euo pipefail
rounds=${1:-5}
velo=${2:-build/cli/velo}
IFS='|' read -r -a commands <<<"${COMMANDS:-true|sleep 0.01}"
runs=${RUNS:-300}
warmup=${WARMUP:-20}
reps=${REPS:-10}
min_time=${MIN_TIME:-200ms}

command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hyperfine_once() {  # command -> median seconds of one hyperfine run
  hyperfine -N --style none --warmup "$warmup" --runs "$runs" --export-json "$work/h.json" "$1" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"] * 1e9)' "$work/h.json"
}

velo_once() {  # command -> median ns_per_op of one velo run
  cat >"$work/cmd.toml" <<TOML
[scenario]
name = "command-vs-hyperfine"
family = "command"
[[variant]]
name = "cmd"
impl = "command"
params = { command = "$1" }
TOML
  "$velo" run "$work/cmd.toml" --quiet --format json --repetitions "$reps" --min-time "$min_time" \
    --warmup 50ms -o "$work/velo.json" >/dev/null
  python3 - "$work/velo.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
(case,) = [c for c in report["cases"] if c["status"] == "ok"]
print(case["metrics"]["ns_per_op"]["summary"]["median"])
PY
}

median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "$(hyperfine --version); velo: $("$velo" --version 2>/dev/null | head -1 || echo "$velo")"
echo "$rounds rounds (hyperfine, velo alternating); figures are one run's wall time, medians"
printf '%-16s %16s %16s %14s %10s\n' command "hyperfine ns" "velo ns" "velo-hf ns" velo/hf
for cmd in "${commands[@]}"; do
  hf=() vl=()
  for ((r = 0; r < rounds; r++)); do
    hf+=("$(hyperfine_once "$cmd")")
    vl+=("$(velo_once "$cmd")")
  done
  h=$(median "${hf[@]}")
  v=$(median "${vl[@]}")
  python3 -c 'import sys; c,h,v=sys.argv[1],float(sys.argv[2]),float(sys.argv[3]); print(f"{c:<16} {h:16.0f} {v:16.0f} {v-h:14.0f} {v/h:10.3f}")' \
    "$cmd" "$h" "$v"
done
