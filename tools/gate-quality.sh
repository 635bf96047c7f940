#!/usr/bin/env bash
# Measures how trustworthy `velo gate` is on this machine (docs/gate.md quotes the figures).
#
#   A/A: the built-in quick suite measured with the same binary in two rounds,
#        PAIRS times. Every (case, metric) the gate flags (regression, improvement or
#        broken case) is a false alarm. Two figures: each round gated alone
#        (`velo gate base1 head1` and `velo gate base2 head2`: two comparisons per
#        pair), and the first round confirmed by the second (`--confirm-with base2
#        head2`). Rounds are interleaved base, head, base, head
#        (ABAB, as the CI example); ORDER=abba runs the second round in reverse, which
#        cancels a steady drift but lets a burst of load in the middle hit both head
#        runs (docs/gate.md has both measured; ABAB did better here).
#   A/B: one counters case, 200 atomic increments per op; HEAD does 5% and 10% more
#        increments per op (210, 220): a slowdown of known size that needs no timing
#        calibration. The same two figures: each round alone (two trials per pair),
#        and round 1 confirmed by round 2.
#        Gated at the 5% default and with --max-regression 3%.
#
# usage: tools/gate-quality.sh [PAIRS] [VELO]      (defaults: 10, build/cli/velo)
# environment: REPS     repetitions per case in the A/A runs (default 10, as docs/gate.md
#                       advises; the quick suite's own 5 give a test that, corrected
#                       across ~130 cases, can never flag anything)
#              FORKS    worker processes each case's repetitions are spread over, in
#                       both halves (velo run --forks; default 1)
#              AB_REPS  repetitions per A/B run (default 10)
#              AB_PAIRS pairs for A/B (default PAIRS; A/B pairs take seconds, A/A minutes)
#              ORDER    abab (default) or abba: the order of the second round
#              METRIC   the metric A/B gates and reports (default ns_per_op; cpu_ns_per_op
#                       is steadier on a loaded machine for this single-threaded case)
#              AB_AMONG scenario files to run the A/B cases among (see below), e.g.
#                       "scenarios/quick/counters.toml scenarios/quick/map.toml"
#              PAIRED=1 measures each round in one run, base and head fork by fork
#                       (velo run --baseline-velo), in both halves and with AB_AMONG; the
#                       gate then tests fork by fork where the forks allow (docs/gate.md)
#              SKIP_AA=1 / SKIP_AB=1 to run only one half
# Progress and per-pair details go to stderr; the summary lines to stdout.
set -euo pipefail
pairs=${1:-10}
velo=${2:-build/cli/velo}
reps=${REPS:-10}
ab_reps=${AB_REPS:-10}
forks=${FORKS:-1}
rounds_label=$([[ -n "${PAIRED:-}" ]] && echo "paired" || echo "$order")
ab_pairs=${AB_PAIRS:-$pairs}
order=${ORDER:-abab}
metric=${METRIC:-ns_per_op}
[[ $order == abba || $order == abab ]] || { echo "ORDER must be abba or abab" >&2; exit 2; }
# run_round ROUND BASE_CMD HEAD_CMD: base first, except round 2 under ABBA.
run_round() {
  if [[ $1 == 2 && $order == abba ]]; then "$3"; "$2"; else "$2"; "$3"; fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start ))s"; }

# From a `velo gate --format json` file:
#   "flagged failing comparisons geomean_ratio flagged_ids"
# flagged: regressions, broken cases and improvements; failing: the first two only.
gate_figures() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
flagged = [f for f in d["findings"] if f["kind"] in ("regression", "improvement", "broke")]
unconfirmed = sum(1 for f in d["findings"] if f["kind"] == "unconfirmed")
comparisons = d["unchanged"] + len(flagged) + unconfirmed
failing = sum(1 for f in flagged if f["kind"] != "improvement")
ratio = next((g["ratio"] for g in d["comparison"]["geomeans"] if g["metric"] == "ns_per_op"), 1.0)
def label(f):
    delta = f.get("delta")
    return f'{f["kind"]}:{f["id"]}' + (f':{delta:+.3f}' if isinstance(delta, float) else "")
print(len(flagged), failing, comparisons, f"{ratio:.4f}", ",".join(map(label, flagged)) or "-")
PY
}
# The measured change of METRIC in the first case of a gate JSON, e.g. 0.0987.
measured_delta() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["comparison"]["cases"][0]; print("%.4f" % c["metrics"][sys.argv[2]]["delta"])' "$1" "$metric"
}
per100() { python3 -c "print('%.2f' % (100 * $1 / max(1, $2)))"; }

if [[ -z "${SKIP_AA:-}" ]]; then
  echo "A/A: the built-in quick suite at $reps repetitions in $forks forks, $pairs pairs of two rounds ($rounds_label)" >&2
  one_flags=0; one_failing=0; one_comparisons=0; two_flags=0; two_failing=0; two_comparisons=0; unpaired_flags=0
  aa_run() { "$velo" run --quiet --repetitions "$reps" --forks "$forks" --format json --out "$1" >/dev/null; }
  aa_base() { aa_run "$work/a$round.json"; }
  aa_head() { aa_run "$work/b$round.json"; }
  for i in $(seq "$pairs"); do
    if [[ -n "${PAIRED:-}" ]]; then
      for round in 1 2; do
        "$velo" run --quiet --repetitions "$reps" --forks "$forks" --format json --out "$work/b$round.json" \
          --baseline-velo "$velo" --baseline-out "$work/a$round.json" >/dev/null
      done
    else
      for round in 1 2; do run_round "$round" aa_base aa_head; done
    fi
    "$velo" gate "$work/a1.json" "$work/b1.json" --confirm-with "$work/a2.json" "$work/b2.json" \
      --format json >"$work/two.json" || true
    # Each round gated alone is an A/A comparison of its own: two per pair.
    for round in 1 2; do
      "$velo" gate "$work/a$round.json" "$work/b$round.json" --format json >"$work/one.json" || true
      read -r n f c ratio ids < <(gate_figures "$work/one.json")
      one_flags=$((one_flags + n)); one_failing=$((one_failing + f)); one_comparisons=$((one_comparisons + c))
      echo "  pair $i, round $round alone: $n flagged ($f failing) of $c; geomean head/base $ratio; $ids" >&2
      if [[ -n "${PAIRED:-}" ]]; then  # the same reports tested as independent samples
        "$velo" gate "$work/a$round.json" "$work/b$round.json" --format json --unpaired >"$work/one.json" || true
        read -r n f c ratio ids < <(gate_figures "$work/one.json")
        unpaired_flags=$((unpaired_flags + n))
        echo "    unpaired: $n flagged; $ids" >&2
      fi
    done
    read -r n f c ratio ids < <(gate_figures "$work/two.json")
    two_flags=$((two_flags + n)); two_failing=$((two_failing + f)); two_comparisons=$((two_comparisons + c))
    echo "  pair $i, confirmed by round 2: $n flagged ($f failing) of $c; $ids ($(elapsed))" >&2
  done
fi

scenario="$work/ab.toml"
cat >"$scenario" <<TOML
# A/B target: one thread, 200 uncontended atomic increments per op.
[scenario]
name = "gate-quality"
family = "counters"
[run]
repetitions = $ab_reps
min_time = "50ms"
[params]
threads = 1
increments = 200
[[variant]]
name = "atomic"
impl = "atomic_fetch_add"
TOML
ab_run() {  # ab_run OUT INCREMENTS: one report whose case id says increments=200
  "$velo" run "$scenario" --quiet --forks "$forks" --format json --out "$1" --param "increments=$2" >/dev/null
  # The extra work stands in for slower code: give HEAD's case the base case's id.
  sed -i "s/increments=$2\b/increments=200/g" "$1"
}
# PAIRED=1: base and head measured in one run, fork by fork (velo run --baseline-velo).
# The "base build" is this velo behind a wrapper that turns the case's extra
# increments back into 200 in the request each worker reads.
base_build="$work/base-velo"
cat >"$base_build" <<SH
#!/bin/sh
if [ "\$1" = __worker ]; then
  sed -E 's/"increments": 2[0-9]{2}/"increments": 200/' | "$velo" "\$@"
  exit \$?
fi
exec "$velo" "\$@"
SH
chmod +x "$base_build"
ab_paired_run() {  # ab_paired_run BASE_OUT HEAD_OUT INCREMENTS
  "$velo" run "$scenario" --quiet --forks "$forks" --format json --out "$2" --param "increments=$3" \
    --baseline-velo "$base_build" --baseline-out "$1" >/dev/null
  sed -i "s/increments=$3\b/increments=200/g" "$1" "$2"
}

ab() {  # ab PERCENT -> "one_round@3% one_round@5% confirmed@3% confirmed@5% unpaired@5% measured_deltas"
  local more=$((200 + 2 * $1)) one3=0 one5=0 two3=0 two5=0 unpaired5=0 deltas=""
  ab_base() { ab_run "$work/base$round.json" 200; }
  ab_head() { ab_run "$work/head$round.json" "$more"; }
  for i in $(seq "$ab_pairs"); do
    if [[ -n "${PAIRED:-}" ]]; then
      for round in 1 2; do ab_paired_run "$work/base$round.json" "$work/head$round.json" "$more"; done
    else
      for round in 1 2; do run_round "$round" ab_base ab_head; done
    fi
    # Each round gated alone (two trials per pair), then round 1 confirmed by round 2.
    for round in 1 2; do
      local alone=("$velo" gate "$work/base$round.json" "$work/head$round.json" --metric "$metric")
      "${alone[@]}" --max-regression 3% --format json >"$work/ab.json" || one3=$((one3 + 1))
      "${alone[@]}" >/dev/null || one5=$((one5 + 1))
      # Paired runs: the same reports tested as independent samples too, for comparison.
      if [[ -n "${PAIRED:-}" ]]; then "${alone[@]}" --unpaired >/dev/null || unpaired5=$((unpaired5 + 1)); fi
      deltas="$deltas $(measured_delta "$work/ab.json")"
    done
    local confirmed=("$velo" gate "$work/base1.json" "$work/head1.json" --metric "$metric"
                     --confirm-with "$work/base2.json" "$work/head2.json")
    "${confirmed[@]}" --max-regression 3% >/dev/null || two3=$((two3 + 1))
    "${confirmed[@]}" >/dev/null || two5=$((two5 + 1))
  done
  echo "$one3 $one5 $two3 $two5 $unpaired5 $(python3 -c 'import sys; xs=[float(x) for x in sys.argv[1:]]; print("%+.1f%%/%+.1f%%/%+.1f%%" % (100*min(xs), 100*sum(xs)/len(xs), 100*max(xs)))' $deltas)"
}

# AB_AMONG: the same slowdowns, but hidden in two cases of a larger run, as a gated
# case is in CI: the run also measures the scenario files in AB_AMONG, so each A/B
# case's forks are spread over the whole run by the rounds, and the gate corrects
# across every case. Both sizes are measured in the same runs (cases ab5 and ab10);
# flags on the other cases are counted as extra A/A false alarms.
among_scenario() {  # among_scenario FILE EXTRA5 EXTRA10
  cat >"$1" <<TOML
[scenario]
name = "gate-quality"
family = "counters"
[params]
threads = 1
[[variant]]
name = "ab5"
impl = "atomic_fetch_add"
params = { increments = $((200 + $2)) }
[[variant]]
name = "ab10"
impl = "atomic_fetch_add"
params = { increments = $((200 + $3)) }
TOML
}
among_run() {  # among_run OUT EXTRA5 EXTRA10
  among_scenario "$work/among.toml" "$2" "$3"
  # shellcheck disable=SC2086  # AB_AMONG is a list of files
  "$velo" run "$work/among.toml" $AB_AMONG --quiet --repetitions "$ab_reps" --forks "$forks" --min-time 50ms \
    --format json --out "$1" >/dev/null || true
  sed -i -E "s/increments=2[0-9]{2},threads=1/increments=200,threads=1/g" "$1"
}
among_paired_run() {  # among_paired_run BASE_OUT HEAD_OUT: both halves of one paired run
  among_scenario "$work/among.toml" 10 20
  # shellcheck disable=SC2086  # AB_AMONG is a list of files
  "$velo" run "$work/among.toml" $AB_AMONG --quiet --repetitions "$ab_reps" --forks "$forks" --min-time 50ms \
    --format json --out "$2" --baseline-velo "$base_build" --baseline-out "$1" >/dev/null || true
  sed -i -E "s/increments=2[0-9]{2},threads=1/increments=200,threads=1/g" "$1" "$2"
}
# From a gate JSON: "caught5 caught10 delta5 delta10 other_flags comparisons"
among_figures() {
  python3 - "$1" "$metric" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
caught = {v: 0 for v in ("ab5", "ab10")}
other = 0
for f in d["findings"]:
    if f["kind"] not in ("regression", "improvement", "broke"):
        continue
    variant = f["id"].split("/")[1]
    if variant in caught and f["kind"] == "regression":
        caught[variant] = 1
    elif variant not in caught:
        other += 1
delta = {c["id"].split("/")[1]: c["metrics"][sys.argv[2]]["delta"] for c in d["comparison"]["cases"]
         if c["id"].split("/")[1] in caught and sys.argv[2] in c["metrics"]}
comparisons = d["unchanged"] + sum(1 for f in d["findings"] if f["kind"] in ("regression", "improvement", "broke", "unconfirmed"))
print(caught["ab5"], caught["ab10"], "%.4f" % delta.get("ab5", 0), "%.4f" % delta.get("ab10", 0), other, comparisons - 2)
PY
}
if [[ -z "${SKIP_AB:-}" && -n "${AB_AMONG:-}" ]]; then
  echo "A/B among $AB_AMONG: +5% and +10% in the same runs, $ab_pairs pairs of two rounds ($order, $metric)" >&2
  among_base() { among_run "$work/base$round.json" 0 0; }
  among_head() { among_run "$work/head$round.json" 10 20; }
  one5=0; one10=0; two5=0; two10=0; others=0; other_comparisons=0; d5=""; d10=""; u5=0; u10=0; u_others=0
  for i in $(seq "$ab_pairs"); do
    if [[ -n "${PAIRED:-}" ]]; then
      for round in 1 2; do among_paired_run "$work/base$round.json" "$work/head$round.json"; done
    else
      for round in 1 2; do run_round "$round" among_base among_head; done
    fi
    for round in 1 2; do
      "$velo" gate "$work/base$round.json" "$work/head$round.json" --metric "$metric" --format json \
        >"$work/among.json" || true
      read -r c5 c10 x5 x10 o n < <(among_figures "$work/among.json")
      one5=$((one5 + c5)); one10=$((one10 + c10)); others=$((others + o)); other_comparisons=$((other_comparisons + n))
      d5="$d5 $x5"; d10="$d10 $x10"
      echo "  pair $i, round $round alone: +5% $([[ $c5 == 1 ]] && echo caught || echo missed) ($x5)," \
           "+10% $([[ $c10 == 1 ]] && echo caught || echo missed) ($x10), $o other flags of $n ($(elapsed))" >&2
      if [[ -n "${PAIRED:-}" ]]; then  # the same reports tested as independent samples
        "$velo" gate "$work/base$round.json" "$work/head$round.json" --metric "$metric" --format json --unpaired \
          >"$work/among.json" || true
        read -r c5 c10 x5 x10 o n < <(among_figures "$work/among.json")
        u5=$((u5 + c5)); u10=$((u10 + c10)); u_others=$((u_others + o))
        echo "    unpaired: +5% $([[ $c5 == 1 ]] && echo caught || echo missed)," \
             "+10% $([[ $c10 == 1 ]] && echo caught || echo missed), $o other flags" >&2
      fi
    done
    "$velo" gate "$work/base1.json" "$work/head1.json" --metric "$metric" --format json \
      --confirm-with "$work/base2.json" "$work/head2.json" >"$work/among.json" || true
    read -r c5 c10 x5 x10 o n < <(among_figures "$work/among.json")
    two5=$((two5 + c5)); two10=$((two10 + c10))
  done
  spread() { python3 -c 'import sys; xs=[float(x) for x in sys.argv[1:]]; print("%+.1f%%/%+.1f%%/%+.1f%%" % (100*min(xs), 100*sum(xs)/len(xs), 100*max(xs)))' "$@"; }
  echo "velo gate quality: $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(elapsed)"
  echo "A/B among $AB_AMONG on $metric, $ab_reps reps in $forks forks$([[ -n "${PAIRED:-}" ]] && echo ", paired"), 5% limit:"
  echo "A/B +5%  (measured min/mean/max $(spread $d5)): caught: one round $one5 of $((2 * ab_pairs)); --confirm-with $two5 of $ab_pairs"
  echo "A/B +10% (measured min/mean/max $(spread $d10)): caught: one round $one10 of $((2 * ab_pairs)); --confirm-with $two10 of $ab_pairs"
  echo "the other cases of those runs (A/A): $others flagged of $other_comparisons comparisons ($(per100 "$others" "$other_comparisons") per 100)"
  if [[ -n "${PAIRED:-}" ]]; then
    echo "the same runs tested unpaired (velo gate --unpaired), one round: +5% $u5, +10% $u10 of $((2 * ab_pairs));" \
         "the other cases: $u_others flagged of $other_comparisons"
  fi
  exit 0
fi

if [[ -z "${SKIP_AB:-}" ]]; then
  echo "A/B: +5% and +10% increments per op, $ab_pairs pairs of two rounds each ($order, $metric)" >&2
  read -r ab5_one3 ab5_one5 ab5_two3 ab5_two5 ab5_unpaired ab5_delta < <(ab 5)
  echo "  +5% done ($(elapsed))" >&2
  read -r ab10_one3 ab10_one5 ab10_two3 ab10_two5 ab10_unpaired ab10_delta < <(ab 10)
fi

echo "velo gate quality: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average $(cut -d' ' -f1-3 /proc/loadavg), $(elapsed)"
if [[ -z "${SKIP_AA:-}" ]]; then
  echo "A/A ($reps reps in $forks forks, defaults, $rounds_label), one round:       $one_flags flagged of $one_comparisons comparisons" \
       "($(per100 "$one_flags" "$one_comparisons") per 100), $one_failing failing the gate ($(per100 "$one_failing" "$one_comparisons") per 100)"
  echo "A/A ($reps reps in $forks forks, defaults, $rounds_label), --confirm-with: $two_flags flagged of $two_comparisons comparisons" \
       "($(per100 "$two_flags" "$two_comparisons") per 100), $two_failing failing the gate ($(per100 "$two_failing" "$two_comparisons") per 100)"
  if [[ -n "${PAIRED:-}" ]]; then
    echo "A/A, the same runs tested unpaired (velo gate --unpaired), one round: $unpaired_flags flagged of $one_comparisons"
  fi
fi
if [[ -z "${SKIP_AB:-}" ]]; then
  echo "A/B on $metric, $ab_reps reps in $forks forks$([[ -n "${PAIRED:-}" ]] && echo ", base and head paired fork by fork"):"
  echo "A/B +5%  (measured min/mean/max $ab5_delta): caught: one round $ab5_one3 of $((2 * ab_pairs)) at 3%," \
       "$ab5_one5 at 5%; --confirm-with $ab5_two3 of $ab_pairs at 3%, $ab5_two5 at 5%"
  echo "A/B +10% (measured min/mean/max $ab10_delta): caught: one round $ab10_one3 of $((2 * ab_pairs)) at 3%," \
       "$ab10_one5 at 5%; --confirm-with $ab10_two3 of $ab_pairs at 3%, $ab10_two5 at 5%"
  if [[ -n "${PAIRED:-}" ]]; then
    echo "the same runs tested unpaired (velo gate --unpaired), one round at 5%: +5% $ab5_unpaired," \
         "+10% $ab10_unpaired of $((2 * ab_pairs))"
  fi
fi
