#!/usr/bin/env bash
# What the plugin ABI costs per operation: the built-in counter atomic_fetch_add
# against the test plugin's atomic_counter, which does the same relaxed fetch_add
# behind one indirect call (velo/plugin.h). One thread (the call, not contention)
# and two. Run on a quiet machine after `ninja -C build`:
#   tools/plugin-overhead.sh [BUILD_DIR]
# Prints velo's comparison table; the ns_per_op difference is the ABI's cost.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$build/tests/plugin/velo_test_good.so" "$work/libgood.so"
cat >"$work/overhead.toml" <<'TOML'
[scenario]
name = "plugin-overhead"
family = "counters"
plugins = ["libgood.so"]

[run]
repetitions = 20
forks = 5
min_time = "200ms"

[params]
threads = [1, 2]
increments = 100

[[variant]]
name = "builtin"
impl = "atomic_fetch_add"

[[variant]]
name = "plugin"
impl = "atomic_counter"
TOML
"$build/cli/velo" run "$work/overhead.toml" -o "$work/overhead.json"
