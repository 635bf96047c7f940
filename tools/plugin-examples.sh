#!/usr/bin/env bash
# The plugin SDK end to end, as a team would use it (run by `./dev examples` and CI):
#   1. install velo's SDK (headers + velo-plugin.pc) into a staging prefix;
#   2. build examples/plugins/ against it with pkg-config, twice: base and -Dslow=true;
#   3. run the examples' scenarios (user variants beside built-ins): exit 0;
#   4. run the broken queue: its case fails verification, the correct one passes: exit 1;
#   5. gate demo: base vs slow build of the plugin: the gate exits 1 naming
#      fnv1a_checksum; base vs a second base run (A/A): exit 0.
# Every velo command is bounded by `timeout`. Usage: tools/plugin-examples.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
velo=$PWD/$build/cli/velo
work=$PWD/$build/plugin-examples
stage=$work/stage
examples=$PWD/examples/plugins
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'plugin examples: FAILED: %s\n' "$*" >&2; exit 1; }
bounded() { timeout --kill-after=10 "${VELO_EXAMPLES_TIMEOUT:-600}" "$@"; }

rm -rf "$work" "$examples/build" "$examples/build-slow"
mkdir -p "$work"

log "installing the plugin SDK into $stage"
meson install -C "$build" --tags devel --destdir "$stage" --no-rebuild >"$work/install.log"
pc=$(find "$stage" -name velo-plugin.pc | head -1)
[ -n "$pc" ] || fail "meson install wrote no velo-plugin.pc"
# The staged .pc still names the real prefix: point it at the staging copy.
prefix=$(sed -n 's/^prefix=//p' "$pc")
sed -i "s|^prefix=.*|prefix=$stage$prefix|" "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")
log "pkg-config --cflags velo-plugin: $(pkg-config --cflags velo-plugin)"

for variant in build build-slow; do
  option=$([ "$variant" = build-slow ] && echo -Dslow=true || echo -Dslow=false)
  log "building examples/plugins/$variant ($option) against the staged SDK"
  meson setup "$examples/$variant" "$examples" "$option" >"$work/setup-$variant.log" 2>&1 \
    || { cat "$work/setup-$variant.log" >&2; fail "meson setup of the example project"; }
  ninja -C "$examples/$variant" >"$work/ninja-$variant.log" 2>&1 \
    || { cat "$work/ninja-$variant.log" >&2; fail "building the example project"; }
done
plugin=$examples/build/libvelo_examples.so
slow=$examples/build-slow/libvelo_examples.so

log "velo list --plugin: the example implementations under their families"
bounded "$velo" list --plugin "$plugin" | grep -E 'ms_two_lock|per_thread_pool|striped_map|fnv1a_checksum'

log "the examples' scenarios: user variants beside built-ins"
bounded "$velo" check "$examples/scenarios"
bounded "$velo" run "$examples/scenarios" -q -o "$work/examples.json" || fail "the examples' scenarios did not pass"

log "the broken queue: its case must fail verification, the correct queue must pass"
set +e
bounded "$velo" run "$examples/broken" -q -o "$work/broken.json"
code=$?
set -e
[ "$code" -eq 1 ] || fail "the broken queue run exited $code, expected 1"
python3 - "$work/broken.json" <<'PY' || fail "the broken queue's case did not fail as it should"
import json, sys
cases = {c["variant"]: c for c in json.load(open(sys.argv[1]))["cases"]}
lossy, good = cases["ms_two_lock_lossy"], cases["ms_two_lock"]
assert lossy["status"] == "failed" and "received" in lossy["reason"], lossy["reason"]
assert not lossy["metrics"], "a failed case reports no speed"
assert good["status"] == "ok", good["reason"]
print("broken queue:", lossy["reason"].splitlines()[0])
PY

log "gate demo: base vs slow build of the plugin (expect exit 1 naming fnv1a_checksum), and A/A (expect exit 0)"
forks=${VELO_EXAMPLES_FORKS:-3}
bounded "$velo" run "$examples/gate" --plugin "$plugin" --forks "$forks" -q -o "$work/base.json" --format csv >/dev/null
bounded "$velo" run "$examples/gate" --plugin "$plugin" --forks "$forks" -q -o "$work/base-again.json" --format csv >/dev/null
bounded "$velo" run "$examples/gate" --plugin "$slow" --forks "$forks" -q -o "$work/slow.json" --format csv >/dev/null
set +e
# 10%: far below what the slow build adds to a 4 KiB checksum (2 us, about +30%),
# far above the run-to-run drift of a single-threaded case.
bounded "$velo" gate "$work/base.json" "$work/slow.json" --max-regression 10% >"$work/gate-slow.txt"
slow_code=$?
bounded "$velo" gate "$work/base.json" "$work/base-again.json" --max-regression 10% >"$work/gate-aa.txt"
aa_code=$?
set -e
cat "$work/gate-slow.txt"
[ "$slow_code" -eq 1 ] || fail "the gate on the slow build exited $slow_code, expected 1"
grep -q fnv1a_checksum "$work/gate-slow.txt" || fail "the gate did not name fnv1a_checksum"
cat "$work/gate-aa.txt"
[ "$aa_code" -eq 0 ] || fail "the A/A gate exited $aa_code, expected 0 (a false alarm on this machine?)"
log "plugin examples: all passed"
