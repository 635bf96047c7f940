#!/usr/bin/env bash
# Measures the figures docs/deterministic.md promises for `velo run --measure instructions`:
#   1. A/A false alarms: instruction-mode runs of the quick suite gated against each other,
#      consecutive pairs, until at least 1,000 (case, metric) comparisons; goal 0 flagged.
#   2. The smallest regression caught: 100 trials, each a BASE run against a HEAD run (two
#      different runs) whose instructions_per_op is scaled by 1.01 in one case (the case
#      changes from trial to trial); 2 repetitions, 1 fork; goal: caught 100 of 100, with no
#      other case flagged.
#   3. Cost: wall time of the quick suite in this mode against a timed run (default settings).
# Run it on a quiet machine; it takes a while (each instruction-mode run of the quick suite
# is measured under Valgrind).
#
# usage: tools/deterministic-figures.sh [VELO] [OUTDIR] [MIN_COMPARISONS]
#        defaults: build/cli/velo, deterministic-figures, 1000
# Smoke test (tiny): MIN_COMPARISONS=1 TRIALS=3 FILTER='counters/' tools/deterministic-figures.sh
set -euo pipefail

velo=${1:-build/cli/velo}
out=${2:-deterministic-figures}
min_comparisons=${3:-${MIN_COMPARISONS:-1000}}
trials=${TRIALS:-100}
filter=${FILTER:-}
mkdir -p "$out"
filter_args=()
[ -n "$filter" ] && filter_args=(--filter "$filter")

run_counted() {  # $1: report path
  "$velo" run --measure instructions --repetitions 2 --forks 1 -q "${filter_args[@]}" -o "$1" --format json >/dev/null
}

# 1. A/A false alarms.
echo "== A/A: gating instruction-mode runs against each other until $min_comparisons comparisons" >&2
runs=0 comparisons=0 alarms=0
run_counted "$out/aa-0.json"
while [ "$comparisons" -lt "$min_comparisons" ]; do
  runs=$((runs + 1))
  run_counted "$out/aa-$runs.json"
  "$velo" gate "$out/aa-$((runs - 1)).json" "$out/aa-$runs.json" --format json >"$out/aa-gate-$runs.json" || true
  read -r n flagged < <(python3 - "$out/aa-gate-$runs.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
findings = g.get("findings", [])
flagged = sum(1 for f in findings if f.get("kind") in ("regression", "improvement", "broke"))
print(g.get("unchanged", 0) + flagged, flagged)
PY
)
  comparisons=$((comparisons + n))
  alarms=$((alarms + flagged))
  echo "  pair $runs: $n comparisons, $flagged flagged (total $comparisons, $alarms)" >&2
done
echo "A/A: $alarms false alarms in $comparisons case comparisons over $((runs + 1)) runs" | tee "$out/summary.txt"

# 2. 1% regressions, one case at a time, BASE and HEAD from different runs.
echo "== detection: $trials trials of +1% instructions_per_op in one case" >&2
python3 - "$velo" "$out" "$runs" "$trials" <<'PY' | tee -a "$out/summary.txt"
import json, subprocess, sys
velo, out, runs, trials = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
reports = [json.load(open(f"{out}/aa-{i}.json")) for i in range(runs + 1)]
ids = [c["id"] for c in reports[0]["cases"]
       if c["status"] == "ok" and "instructions_per_op" in c["metrics"]]
caught = wrong = 0
for t in range(trials):
    base, head = reports[t % len(reports)], json.loads(json.dumps(reports[(t + 1) % len(reports)]))
    target = ids[t % len(ids)]
    for c in head["cases"]:
        if c["id"] == target:
            m = c["metrics"]["instructions_per_op"]
            m["samples"] = [x * 1.01 for x in m["samples"]]
            for key in ("median", "mean", "min", "max"):
                if key in m.get("summary", {}):
                    m["summary"][key] *= 1.01
    json.dump(base, open(f"{out}/trial-base.json", "w"))
    json.dump(head, open(f"{out}/trial-head.json", "w"))
    g = subprocess.run([velo, "gate", f"{out}/trial-base.json", f"{out}/trial-head.json", "--format", "json"],
                       capture_output=True, text=True)
    findings = json.loads(g.stdout).get("findings", []) if g.stdout else []
    hit = any(f.get("id") == target and f.get("kind") == "regression" and f.get("metric") == "instructions_per_op"
              for f in findings)
    others = [f for f in findings if f.get("kind") in ("regression", "broke") and f.get("id") != target]
    caught += hit
    wrong += bool(others)
print(f"1% regression: caught in {caught} of {trials} trials ({len(ids)} cases, 2 repetitions, 1 fork); "
      f"{wrong} trials also flagged another case")
PY

# 3. Cost of the quick suite: instructions vs time.
echo "== cost: the quick suite in both modes" >&2
start=$(date +%s%N)
"$velo" run -q "${filter_args[@]}" -o "$out/timed.json" --format json >/dev/null || true
timed=$((($(date +%s%N) - start) / 1000000))
start=$(date +%s%N)
run_counted "$out/counted.json"
counted=$((($(date +%s%N) - start) / 1000000))
echo "cost: quick suite timed (default settings) ${timed} ms; --measure instructions --repetitions 2 ${counted} ms" |
  tee -a "$out/summary.txt"
