#!/usr/bin/env python3
"""Writes the hand-made reports of counted cases (`velo run --measure instructions`,
2 repetitions, 1 fork) that tests/cli/gate_test.cpp gates end to end. The samples are
the shapes velo measured (docs/deterministic.md): one case whose counts differ between
repetitions but repeat repetition by repetition (map/sync_map_go1_23, 748.864 then
450.248 instructions per op), one that differs by a little (pool/new_delete 4 KiB),
one identical in both (counters/atomic):

  counts-base.json        the three cases
  counts-head-same.json   the same samples (A/A): gate passes, exact comparisons
  counts-head-1pct.json   every sample x 1.01: three regressions (two by repetition)
  counts-head-small.json  every sample x 1.003: under the 0.5% count threshold, passes
  counts-head-mixed.json  sync_map's first repetition x 1.01 only: the pairs disagree,
                          the test stands (and cannot flag 2 + 2 samples): passes
  counts-head-3reps.json  3 repetitions: cannot be paired, the test stands: passes

Run it from anywhere: python3 tests/data/gate/make_count_fixtures.py
"""
import copy
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import report, write  # noqa: E402

CASES = [  # scenario/family, variant, impl, group, params, instructions_per_op samples
    ("map", "sync_map_go1_23", "sync_map_go1_23", "keys=1000,mix=50-45-5,threads=1",
     {"keys": 1000, "mix": "50-45-5", "threads": 1}, [748.864, 450.248]),
    ("pool", "new_delete", "new_delete", "object_bytes=4KiB,threads=1",
     {"object_bytes": 4096, "threads": 1}, [4520.261, 4520.219]),
    ("counters", "atomic", "atomic_fetch_add", "increments=100,threads=1",
     {"delay_ns": 0, "increments": 100, "threads": 1}, [11.196, 11.196]),
]


def case(family, variant, impl, group, params, samples):
    n = len(samples)
    return {
        "id": f"{family}/{variant}/{group}", "scenario": family, "family": family,
        "variant": variant, "impl": impl, "baseline": True, "group": group, "params": params,
        "run": {"repetitions": n, "forks": 1, "min_time_s": 0.02, "warmup_s": 0.02, "timeout_s": 600.0,
                "measure": {"mode": "instructions", "ops": 1000, "cache_sim": False, "branch_sim": False,
                            "threaded": False}},
        "skip_reason": None, "status": "ok", "reason": "",
        "metrics": {"instructions_per_op": {
            "unit": "instr", "better": "lower",
            "doc": "instructions executed per operation (Valgrind callgrind, measured region only)",
            "samples": samples}},
        "details": {"iterations": [1000] * n},
        "peak_rss_bytes": 3932160, "wall_seconds": 2.5,
    }


def counted(change=lambda family, k, x: x, repetitions=2):
    cases = []
    for family, variant, impl, group, params, samples in CASES:
        samples = (samples * repetitions)[:repetitions]
        cases.append(case(family, variant, impl, group, params,
                          [round(change(family, k, x), 3) for k, x in enumerate(samples)]))
    r = report(cases)
    template = r["scenarios"][0]
    r["scenarios"] = []
    for family in ("map", "pool", "counters"):
        s = copy.deepcopy(template)
        s.update({"path": f"<builtin>/quick/{family}.toml", "name": family, "family": family})
        r["scenarios"].append(s)
    return r


def main():
    write("counts-base.json", counted())
    write("counts-head-same.json", counted())
    write("counts-head-1pct.json", counted(lambda f, k, x: x * 1.01))
    write("counts-head-small.json", counted(lambda f, k, x: x * 1.003))
    write("counts-head-mixed.json", counted(lambda f, k, x: x * 1.01 if f == "map" and k == 0 else x))
    write("counts-head-3reps.json", counted(repetitions=3))


if __name__ == "__main__":
    main()
