#!/usr/bin/env python3
"""Writes the hand-made reports tests/cli/gate_test.cpp runs `velo compare`, `velo gate`
and `velo export` on. Samples are synthetic and deterministic: each case's median is
chosen, and the ten repetitions spread +-1% around it in a fixed shuffled order, so
every verdict below is known in advance:

  base.json               four counters cases, ns_per_op/ops_per_s (+ allocs/bytes on two)
  head-same.json          same distributions, samples interleaved with base's: all ~
  head-regress.json       atomic +20% (regression), mutex -20% (improvement)
  head-improve.json       padded -15% only
  head-small-regress.json atomic +8%: fails at the 5% default, passes at a 10% limit
  head-broke.json         sharded failed in head
  head-missing.json       sharded only in base, batch only in head
  head-other-machine.json head-same with another host and compiler
  base-gated.json         base with a scenario [gate] max_regression = "10%"
  base-few.json, head-few.json   3 repetitions each: the test can never reach p < 0.05
  truncated.json          base.json cut in the middle (line 40)
  future-schema.json      base.json with schema_version 99

Run it from anywhere: python3 tests/data/gate/make_fixtures.py
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = [3, 7, 0, 9, 5, 1, 8, 4, 6, 2]  # a fixed shuffle, so samples are not sorted
CASES = [  # variant, impl, median ns/op, allocation metrics measured?
    ("atomic", "atomic_fetch_add", 1000.0, True),
    ("mutex", "mutex", 2000.0, False),
    ("padded", "sharded_padded", 500.0, True),
    ("sharded", "sharded", 800.0, False),
]


def spread(median, n=10, offset=0.0):
    """n samples within +-1% of median; offset 0.5 interleaves with offset 0."""
    step = 0.02 / n
    return [round(median * (1 - 0.01 + step * (ORDER[k % 10] + offset)), 4) for k in range(n)]


def metric(unit, better, doc, samples):
    return {"unit": unit, "better": better, "doc": doc, "samples": samples}


def case(variant, impl, ns, allocs, n=10, offset=0.0, status="ok", reason=""):
    group = "increments=100,threads=1"
    ns_samples = spread(ns, n, offset)
    metrics = {}
    if status == "ok":
        metrics["ns_per_op"] = metric("ns", "lower", "wall-clock time per operation", ns_samples)
        metrics["ops_per_s"] = metric("op/s", "higher", "operations per second",
                                      [round(1e9 / x, 3) for x in ns_samples])
        if allocs:
            metrics["allocs_per_op"] = metric("allocs", "lower", "heap allocations per operation", [0.0] * n)
            metrics["bytes_per_op"] = metric("B", "lower", "heap bytes allocated per operation", [0.0] * n)
    return {
        "id": f"counters/{variant}/{group}", "scenario": "counters", "family": "counters",
        "variant": variant, "impl": impl, "baseline": variant == "atomic", "group": group,
        "params": {"delay_ns": 0, "increments": 100, "threads": 1},
        "run": {"repetitions": n, "min_time_s": 0.05, "warmup_s": 0.01, "timeout_s": 60.0},
        "skip_reason": None, "status": status, "reason": reason, "metrics": metrics,
        "details": {"iterations": [100000 + 1000 * k for k in range(n)]} if status == "ok" else {},
        "peak_rss_bytes": 3932160, "wall_seconds": 0.8,
    }


def report(cases, gate=None):
    return {
        "schema_version": 1,
        "started_at": "2026-11-23T23:00:00Z", "finished_at": "2026-11-23T23:01:30Z", "complete": True,
        "provenance": {"velo_version": "0.1.0", "velo_commit": "eb01af4", "directory": "/home/dev/velo",
                       "git_commit": "0123456789abcdef0123456789abcdef01234567", "git_dirty": False},
        "environment": {
            "hostname": "bench-1", "os": "Linux", "kernel": "6.1.0-27-amd64", "arch": "x86_64",
            "cpu_model": "AMD EPYC 7B13", "logical_cpus": 2,
            "caches": [{"level": 1, "type": "Data", "size_bytes": 32768, "line_bytes": 64}],
            "governor": None, "compiler": "gcc 12.2.0", "compiler_flags": "-O2 -g",
            "build_type": "debugoptimized", "libc": "glibc 2.36"},
        "settings": {"filter": None, "isolate": True, "min_time": None, "params": [], "repetitions": None},
        "scenarios": [{"path": "<builtin>/quick/counters.toml", "name": "counters", "family": "counters",
                       "content_hash": "fnv1a64:5be2c9a1f00d4e21", "gate": gate}],
        "cases": cases, "notes": [],
    }


def build(scale=None, offset=0.5, n=10, drop=(), add=(), broke=()):
    scale = scale or {}
    cases = [case(v, impl, ns * scale.get(v, 1.0), allocs, n=n, offset=offset) for v, impl, ns, allocs in CASES
             if v not in drop]
    for i, c in enumerate(cases):
        if c["variant"] in broke:
            cases[i] = case(c["variant"], c["impl"], 0, False, n=n, status="failed",
                            reason="verification failed: counted 99 of 100 increments")
    for v in add:
        cases.append(case(v, "thread_local_batch", 700.0, False, n=n, offset=offset))
    return cases


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def main():
    base = report(build(offset=0.0))
    write("base.json", base)
    write("head-same.json", report(build()))
    write("head-regress.json", report(build(scale={"atomic": 1.20, "mutex": 0.80})))
    write("head-improve.json", report(build(scale={"padded": 0.85})))
    write("head-small-regress.json", report(build(scale={"atomic": 1.08})))
    write("head-broke.json", report(build(broke=("sharded",))))
    write("head-missing.json", report(build(drop=("sharded",), add=("batch",))))
    other = report(build())
    other["environment"]["hostname"] = "laptop"
    other["environment"]["compiler"] = "clang 16.0.6"
    write("head-other-machine.json", other)
    write("base-gated.json", report(build(offset=0.0), gate={"max_regression": "10%"}))
    write("base-few.json", report(build(offset=0.0, n=3)))
    write("head-few.json", report(build(scale={"atomic": 1.20}, n=3)))
    text = json.dumps(base, indent=2).splitlines()
    with open(os.path.join(HERE, "truncated.json"), "w") as f:
        f.write("\n".join(text[:40]) + "\n")
    future = copy.deepcopy(base)
    future["schema_version"] = 99
    write("future-schema.json", future)


if __name__ == "__main__":
    main()
