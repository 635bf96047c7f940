#!/usr/bin/env bash
# Measures the figures docs/deterministic.md promises for `velo run --measure instructions`:
#   aa      A/A false alarms: instruction-mode runs of the quick suite gated against each other,
#           consecutive pairs; goal 0 flagged in 1,000 (case, metric) comparisons.
#   detect  The smallest regression caught: 100 trials, each a BASE run against a HEAD run (two
#           different runs) whose instructions_per_op is scaled by 1.01 in one case (the case
#           changes from trial to trial); 2 repetitions, 1 fork; goal: caught 100 of 100, with no
#           other case flagged. Uses the A/A runs (at least two). Scaling every sample of the
#           case moves every repetition's pair by +1%, so counts that differ between repetitions
#           are caught by the comparison repetition by repetition (docs/deterministic.md).
#   cost    Wall time of the quick suite in this mode against a timed run (default settings).
# Run it on a quiet machine; it takes a while (each instruction-mode run of the quick suite
# is measured under Valgrind, about 6 minutes on a 2-core VM).
#
# Tolerant: a `velo run` that exits 1 (some case failed, e.g. a timeout) still wrote its
# report, which is data: the failed cases are simply not compared; a gate that exits 1
# (it flagged something) is data too. Only a run that wrote no readable report (exit 2:
# bad input, Valgrind missing) stops the script. Runs already in OUTDIR (aa-N.json) are
# reused, so an interrupted measurement resumes where it stopped.
#
# usage: tools/deterministic-figures.sh [VELO] [OUTDIR] [MIN_COMPARISONS]
#        defaults: build/cli/velo, deterministic-figures, 1000
# environment:
#   PARTS="aa detect cost"  which parts to run, in that order (e.g. PARTS=aa)
#   RUNS=N                  A/A: exactly N quick-suite runs (N-1 consecutive pairs) instead of
#                           running until MIN_COMPARISONS; about 57 comparisons per pair here,
#                           so RUNS=19 reaches 1,000
#   PAIRS=all               A/A: also gate every other pair of runs (i, j), not only consecutive
#                           ones; counted apart in the summary (the pairs share runs)
#   TRIALS=100              detection trials
#   FILTER=REGEX            only these cases (velo run --filter)
# The A/A part alone, 1,000 comparisons:  PARTS=aa RUNS=19 tools/deterministic-figures.sh
# Smoke test (tiny):  RUNS=2 TRIALS=3 FILTER='counters/atomic' tools/deterministic-figures.sh build/cli/velo /tmp/df
set -uo pipefail

velo=${1:-build/cli/velo}
out=${2:-deterministic-figures}
min_comparisons=${3:-${MIN_COMPARISONS:-1000}}
parts=${PARTS:-aa detect cost}
fixed_runs=${RUNS:-}
trials=${TRIALS:-100}
filter=${FILTER:-}
mkdir -p "$out" || exit 2
filter_args=()
[ -n "$filter" ] && filter_args=(--filter "$filter")
log() { echo "$@" >&2; echo "$(date -u +%FT%TZ) $*" >>"$out/log.txt"; }
want() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# One instruction-mode run into $1, unless a readable report is there already.
run_counted() {
  if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; then
    log "  reusing $1"
    return 0
  fi
  "$velo" run --measure instructions --repetitions 2 --forks 1 -q "${filter_args[@]}" -o "$1.tmp" \
    --format json >/dev/null 2>"$1.err"
  local rc=$?
  if [ "$rc" -gt 1 ] || ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1.tmp" 2>/dev/null; then
    log "velo run exited $rc without a readable report (see $1.err); stopping"
    exit 2
  fi
  [ "$rc" -eq 1 ] && log "  $1: velo run exited 1 (a case failed: $(grep -c . "$1.err") lines in $1.err); kept"
  mv "$1.tmp" "$1"
}

# Gates $1 against $2 into $3 and prints "comparisons flagged".
gate_pair() {
  "$velo" gate "$1" "$2" --format json >"$3" 2>"$3.err"
  local rc=$?
  if [ "$rc" -gt 1 ]; then
    log "velo gate $1 $2 exited $rc (see $3.err); stopping"
    exit 2
  fi
  python3 - "$3" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
findings = g.get("findings", [])
flagged = sum(1 for f in findings if f.get("kind") in ("regression", "improvement", "broke"))
print(g.get("unchanged", 0) + flagged, flagged)
PY
}

runs=0
if want aa; then
  if [ -n "$fixed_runs" ]; then
    log "== A/A: $fixed_runs instruction-mode runs, consecutive pairs gated"
  else
    log "== A/A: gating instruction-mode runs against each other until $min_comparisons comparisons"
  fi
  comparisons=0 alarms=0
  run_counted "$out/aa-0.json"
  while :; do
    if [ -n "$fixed_runs" ]; then [ $((runs + 1)) -ge "$fixed_runs" ] && break
    else [ "$comparisons" -ge "$min_comparisons" ] && break; fi
    runs=$((runs + 1))
    run_counted "$out/aa-$runs.json"
    read -r n flagged < <(gate_pair "$out/aa-$((runs - 1)).json" "$out/aa-$runs.json" "$out/aa-gate-$runs.json")
    [ -n "${flagged:-}" ] || exit 2  # gate_pair said why
    comparisons=$((comparisons + n))
    alarms=$((alarms + flagged))
    log "  pair $runs: $n comparisons, $flagged flagged (total $comparisons, $alarms)"
  done
  echo "A/A: $alarms false alarms in $comparisons case comparisons over $((runs + 1)) runs" | tee -a "$out/summary.txt"
  if [ "${PAIRS:-consecutive}" = all ] && [ "$runs" -ge 2 ]; then
    # Every other pair (i, j), j > i + 1, of the same runs: more comparisons from runs
    # that take minutes each. They are not independent of the consecutive ones (each
    # run takes part in several pairs), so the summary counts them apart.
    extra=0 extra_alarms=0
    for ((i = 0; i <= runs; i++)); do
      for ((j = i + 2; j <= runs; j++)); do
        read -r n flagged < <(gate_pair "$out/aa-$i.json" "$out/aa-$j.json" "$out/aa-gate-$i-$j.json")
        [ -n "${flagged:-}" ] || exit 2
        extra=$((extra + n))
        extra_alarms=$((extra_alarms + flagged))
      done
    done
    echo "A/A, all other pairs of those runs: $extra_alarms false alarms in $extra case comparisons" |
      tee -a "$out/summary.txt"
  fi
else
  while [ -f "$out/aa-$((runs + 1)).json" ]; do runs=$((runs + 1)); done
fi

if want detect; then
  if [ "$runs" -lt 1 ]; then
    log "detection needs two A/A runs in $out (aa-0.json, aa-1.json); run PARTS=aa first"
    exit 2
  fi
  log "== detection: $trials trials of +1% instructions_per_op in one case"
  python3 - "$velo" "$out" "$runs" "$trials" <<'PY' | tee -a "$out/summary.txt"
import json, subprocess, sys
velo, out, runs, trials = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
reports = [json.load(open(f"{out}/aa-{i}.json")) for i in range(runs + 1)]
def counted(report):
    return {c["id"] for c in report["cases"] if c["status"] == "ok" and "instructions_per_op" in c["metrics"]}
ids = sorted(set.intersection(*(counted(r) for r in reports)))
caught = wrong = by_repetition = 0
missed = []
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
    by_repetition += any(f.get("id") == target and f.get("by_repetition") for f in findings)
    wrong += bool(others)
    if not hit:
        missed.append(target)
print(f"1% regression: caught in {caught} of {trials} trials ({len(ids)} cases, 2 repetitions, 1 fork); "
      f"{wrong} trials also flagged another case; {by_repetition} caught repetition by repetition")
for target in sorted(set(missed)):
    print(f"  missed: {target}")
PY
fi

if want cost; then
  log "== cost: the quick suite in both modes"
  start=$(date +%s%N)
  "$velo" run -q "${filter_args[@]}" -o "$out/timed.json" --format json >/dev/null 2>"$out/timed.err"
  timed=$((($(date +%s%N) - start) / 1000000))
  rm -f "$out/counted.json"
  start=$(date +%s%N)
  run_counted "$out/counted.json"
  counted=$((($(date +%s%N) - start) / 1000000))
  echo "cost: quick suite timed (default settings) ${timed} ms; --measure instructions --repetitions 2 ${counted} ms" |
    tee -a "$out/summary.txt"
fi
