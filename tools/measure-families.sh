#!/usr/bin/env bash
# Re-measures every figure that docs/families/{cacheline,counters,map,io,pool}.md
# quote, after issue #16 (numbers that hold). Run it on a quiet machine (nothing
# else compiling or measuring); each part writes a report and prints the table
# the doc's `<!-- FIGURES: ... -->` marker asks for.
#
#   tools/measure-families.sh [VELO] [PART...]
#
# VELO defaults to build/cli/velo; PART is any of
#   cacheline   false sharing (atomic_add vs store) and the three scans
#   counters    the counters study
#   map         the map study at one million keys, two threads
#   io          the io transfer and small-write tables
#   io-verify   gb_per_s with verify_content=true over false, per method and path (>= 0.9 wanted)
#   pool        the pool table
# (default: all). Reports go to $OUT (default: measure-families-<date>/).
# Repetitions are each scenario file's own ([run] repetitions, 10 unless said);
# forks are 3 everywhere, so a bimodal case shows as a fork spread rather than
# as one process's luck.
set -euo pipefail

cd "$(dirname "$0")/.."
VELO=build/cli/velo
if [[ $# -gt 0 && -x "$1" ]]; then VELO=$1; shift; fi
PARTS=("$@")
[[ ${#PARTS[@]} -eq 0 ]] && PARTS=(cacheline counters map io io-verify pool)
OUT=${OUT:-measure-families-$(date -u +%Y%m%dT%H%MZ)}
FORKS=${FORKS:-3}
mkdir -p "$OUT"

run() {  # run NAME ARGS...: one velo run, its table on stdout, its report in $OUT/NAME.json
  local name=$1; shift
  echo "== $name: velo run $* --forks $FORKS" >&2
  "$VELO" run "$@" --forks "$FORKS" --format markdown --quiet -o "$OUT/$name.json" | tee "$OUT/$name.md"
}

# Median of `metric` for every case of a report: "id<TAB>median".
medians() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
report, metric = sys.argv[1], sys.argv[2]
for case in json.load(open(report))["cases"]:
    m = case.get("metrics", {}).get(metric)
    if m:
        print(f'{case["id"]}\t{m["summary"]["median"]:.4g}')
EOF
}

for part in "${PARTS[@]}"; do
  case $part in
    cacheline)
      run cacheline-false-sharing scenarios/cacheline-false-sharing.toml
      echo "packed / padded_64 at threads=2, op=atomic_add then op=store (ns_per_op ratio):"
      python3 - "$OUT/cacheline-false-sharing.json" <<'EOF'
import json, sys
# ids carry the variant's own parameters too: cacheline/padded_64/pad_bytes=64,threads=2
ns = {(c["variant"], c["params"].get("threads")): c["metrics"]["ns_per_op"]["summary"]["median"]
      for c in json.load(open(sys.argv[1]))["cases"] if "ns_per_op" in c.get("metrics", {})}
for packed, padded in [("packed", "padded_64"), ("packed_store", "padded_64_store")]:
    a, b = ns.get((packed, 2)), ns.get((padded, 2))
    if a and b:
        print(f"  {packed}/{padded}: {a:.3g} / {b:.3g} ns = {a / b:.2f}x")
EOF
      run cacheline-scans scenarios/cacheline-field-order.toml scenarios/cacheline-aos-soa.toml \
        scenarios/cacheline-hot-cold.toml
      ;;
    counters)
      run counters scenarios/counters.toml
      run counters-store scenarios/counters.toml --filter '/(packed|padded64|padded128)/' --param op=store
      ;;
    map)
      run map scenarios/map.toml --param keys=1000000 --param threads=2
      echo "keygen_ns_per_op and distinct_keys per case:"
      paste <(medians "$OUT/map.json" keygen_ns_per_op) <(medians "$OUT/map.json" distinct_keys | cut -f2)
      ;;
    io)
      run io scenarios/io.toml --param cache=warm --param chunk_bytes=256KiB
      run io-small-writes scenarios/io_small_writes.toml
      ;;
    io-verify)
      for verify in false true; do
        run "io-verify-$verify" scenarios/io.toml --param cache=warm --param chunk_bytes=256KiB \
          --filter 'file_to_(tcp|unix)' --param verify_content=$verify --repetitions 5
      done
      echo "gb_per_s verified / unverified (wanted >= 0.90):"
      python3 - "$OUT/io-verify-true.json" "$OUT/io-verify-false.json" <<'EOF'
import json, sys
def gb(report):  # (variant, params without verify_content) -> median gb_per_s
    out = {}
    for c in json.load(open(report))["cases"]:
        m = c.get("metrics", {}).get("gb_per_s")
        if m:
            params = tuple(sorted((k, str(v)) for k, v in c["params"].items() if k != "verify_content"))
            out[(c["variant"], params)] = m["summary"]["median"]
    return out
verified, unverified = gb(sys.argv[1]), gb(sys.argv[2])
for key in sorted(verified.keys() & unverified.keys()):
    v, u = verified[key], unverified[key]
    path = dict(key[1]).get("path", "?")
    print(f"  {key[0]:18} {path:14} {v:6.2f} / {u:6.2f} GB/s = {v / u:.3f}")
EOF
      ;;
    pool)
      run pool scenarios/pool.toml --param 'object_bytes=[64,4096]' --param cross_thread=0
      ;;
    *)
      echo "unknown part: $part" >&2
      exit 2
      ;;
  esac
done
echo "reports and tables in $OUT/" >&2
