#!/usr/bin/env bash
# Measures what `velo run --profile` costs a case's throughput (docs/profiling.md
# quotes the figures; issue 8's bars: within 1% at 99 Hz, within 3% at 999 Hz).
#
# Every case of the counters and channel quick scenarios is run without profiling,
# with `--profile --profile-hz 99` and with `--profile-hz 999`, interleaved round by
# round (off, 99, 999, off, 99, 999, ...) so drift in the machine's load falls on
# all three alike. The rounds of each setting are then pooled into one report
# (every repetition of every round is a sample) and `velo compare` gives, per case,
# the median ops_per_s change against "off" with its confidence interval and
# Mann-Whitney p-value. A final table lists the median throughput ratio per case.
#
# usage: tools/profiler-overhead.sh [ROUNDS] [VELO] [REPETITIONS] [MIN_TIME]
#        (defaults: 3, build/cli/velo, 5, 50ms; run from the repository root)
set -euo pipefail
rounds=${1:-3}
velo=${2:-build/cli/velo}
repetitions=${3:-5}
min_time=${4:-50ms}
scenarios=(scenarios/quick/counters.toml scenarios/quick/channel.toml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # run SETTING ROUND
  local setting=$1 round=$2 profile=()
  case $setting in
    off) ;;
    hz*) profile=(--profile --profile-hz "${setting#hz}" --profile-dir "$work/profiles-$setting-$round") ;;
  esac
  "$velo" run "${scenarios[@]}" --quiet --format json --repetitions "$repetitions" --min-time "$min_time" \
    --out "$work/$setting-$round.json" "${profile[@]}" >/dev/null || true  # failed cases show in compare
}

echo "velo: $velo; $rounds rounds of off/99 Hz/999 Hz, $repetitions repetitions x $min_time per case" >&2
echo "machine: $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
for round in $(seq "$rounds"); do
  for setting in off hz99 hz999; do
    echo "  round $round: $setting" >&2
    run "$setting" "$round"
  done
done

# Pools the rounds of one setting: the first round's report with every later
# round's samples appended (velo recomputes summaries from samples when reading).
python3 - "$work" "$rounds" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
for setting in ("off", "hz99", "hz999"):
    pooled = json.load(open(f"{work}/{setting}-1.json"))
    by_id = {c["id"]: c for c in pooled["cases"]}
    for r in range(2, rounds + 1):
        for case in json.load(open(f"{work}/{setting}-{r}.json"))["cases"]:
            target = by_id.get(case["id"])
            if target is None or target["status"] != "ok" or case["status"] != "ok":
                continue
            for name, metric in case["metrics"].items():
                if name in target["metrics"]:
                    target["metrics"][name]["samples"] += metric["samples"]
    json.dump(pooled, open(f"{work}/{setting}.json", "w"))
PY

for setting in hz99 hz999; do
  echo
  echo "== ops_per_s, off -> --profile-hz ${setting#hz} (pooled over $rounds rounds) =="
  "$velo" compare "$work/off.json" "$work/$setting.json" --metric ops_per_s --color never || true
done

echo
echo "== median throughput ratio (profiled / off) per case, and lost samples =="
python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
load = lambda s: {c["id"]: c for c in json.load(open(f"{work}/{s}.json"))["cases"]}
off, p99, p999 = load("off"), load("hz99"), load("hz999")
def ratio(case, other):
    try:
        return statistics.median(other[case]["metrics"]["ops_per_s"]["samples"]) / \
               statistics.median(off[case]["metrics"]["ops_per_s"]["samples"])
    except (KeyError, ZeroDivisionError, statistics.StatisticsError):
        return None
fmt = lambda r: "   n/a" if r is None else f"{r:6.3f}"
print(f"{'case':58} {'99 Hz':>7} {'999 Hz':>7}")
r99s, r999s = [], []
for case in off:
    r99, r999 = ratio(case, p99), ratio(case, p999)
    if r99 is None and r999 is None:
        continue
    if r99 is not None: r99s.append(r99)
    if r999 is not None: r999s.append(r999)
    print(f"{case:58} {fmt(r99):>7} {fmt(r999):>7}")
print(f"{'median over cases':58} {fmt(statistics.median(r99s) if r99s else None):>7} "
      f"{fmt(statistics.median(r999s) if r999s else None):>7}")
for s, cases in (("99 Hz", p99), ("999 Hz", p999)):
    prof = [c["details"].get("profile", {}).get("stats", {}) for c in cases.values()]
    lost = sum(p.get("lost_buffer_full", 0) + p.get("lost_unwind", 0) for p in prof)
    samples = sum(p.get("samples", 0) for p in prof)
    rates = sorted(p["effective_hz"] for p in prof if p.get("samples"))
    mid = rates[len(rates) // 2] if rates else 0
    print(f"{s}: {samples} samples in the first round's report, {lost} lost; median effective rate {mid:.0f} Hz")
PY
