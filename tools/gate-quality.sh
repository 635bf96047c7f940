#!/usr/bin/env bash
# Measures how trustworthy `velo gate` is on this machine (docs/gate.md quotes the figures).
#
#   A/A: the same code measured twice, PAIRS times; every case the gate flags
#        (regression or improvement) is a false alarm.
#   A/B: the counters family with a calibrated busy delay per op (delay_ns); HEAD gets
#        5% and 10% more delay; the gate should catch the slowdown.
#
# usage: tools/gate-quality.sh [PAIRS] [VELO]      (defaults: 10, build/cli/velo)
set -euo pipefail
pairs=${1:-10}
velo=${2:-build/cli/velo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flags() {  # number of flagged (case, metric) findings in a gate JSON
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d["findings"] if f["kind"] in ("regression","improvement","broke")))' "$1"
}
cases() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for c in d["cases"] if c["status"]=="ok"))' "$1"
}

echo "A/A: the built-in quick suite, $pairs pairs" >&2
aa_flags=0; aa_cases=0; aa_failed_pairs=0
for i in $(seq "$pairs"); do
  "$velo" run --quiet --format json --out "$work/a.json" >/dev/null
  "$velo" run --quiet --format json --out "$work/b.json" >/dev/null
  "$velo" gate "$work/a.json" "$work/b.json" --format json >"$work/gate.json" || aa_failed_pairs=$((aa_failed_pairs + 1))
  n=$(flags "$work/gate.json"); c=$(cases "$work/a.json")
  aa_flags=$((aa_flags + n)); aa_cases=$((aa_cases + c))
  echo "  pair $i: $n flagged of $c cases" >&2
done

scenario="$work/delay.toml"
cat >"$scenario" <<'TOML'
# A/B target: one thread, one increment plus a calibrated delay per op.
[scenario]
name = "gate-quality"
family = "counters"
[run]
repetitions = 10
min_time = "50ms"
[params]
threads = 1
increments = 1
delay_ns = 1000
[[variant]]
name = "atomic"
impl = "atomic_fetch_add"
TOML
ab() {  # ab PERCENT -> caught count over PAIRS
  local extra=$1 caught=0
  for i in $(seq "$pairs"); do
    "$velo" run "$scenario" --quiet --format json --out "$work/base.json" --param delay_ns=1000 >/dev/null
    "$velo" run "$scenario" --quiet --format json --out "$work/head.json" --param delay_ns=$((1000 + 10 * extra)) >/dev/null
    # The extra delay stands in for slower code: give HEAD's case the base case's id.
    sed -i "s/delay_ns=$((1000 + 10 * extra))/delay_ns=1000/g" "$work/head.json"
    if ! "$velo" gate "$work/base.json" "$work/head.json" --max-regression 3% --format json >/dev/null; then
      caught=$((caught + 1))
    fi
  done
  echo "$caught"
}
echo "A/B: +5% and +10% per-op delay, $pairs pairs each (gate limit 3%)" >&2
ab5=$(ab 5); ab10=$(ab 10)

echo "A/A false alarms: $aa_flags flagged of $aa_cases case comparisons ($aa_failed_pairs of $pairs gates failed)"
echo "A/B +5%:  caught $ab5 of $pairs"
echo "A/B +10%: caught $ab10 of $pairs"
