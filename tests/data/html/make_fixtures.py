#!/usr/bin/env python3
"""Writes run.json: a synthetic report with one scenario per chart kind the HTML
report draws, so the browser test and the screenshots in docs/reports.md do not
depend on a measurement (numbers are made up and fixed; shapes are velo's own).

  counters   threads 1/2/4 x two variants, 3 forks: CI charts, fork columns, scaling
  channel    latency percentiles (latency_p50/p99/p999/max_ns), a skipped case
  pool       allocs/op and B/op beside time
  cacheline  struct layouts (details.layouts), padded and packed

Run from this directory: python3 make_fixtures.py (rewrites run.json).
"""
import copy
import json
import math

with open("../report/example.json") as f:
    template = json.load(f)

METRIC_DOCS = {
    "ns_per_op": ("ns", "lower", "wall-clock time per operation (all threads together)"),
    "ops_per_s": ("op/s", "higher", "operations per second (all threads together)"),
    "allocs_per_op": ("allocs", "lower", "heap allocations per operation"),
    "bytes_per_op": ("B", "lower", "heap bytes requested per operation"),
    "latency_p50_ns": ("ns", "lower", "median send-to-receive latency"),
    "latency_p99_ns": ("ns", "lower", "99th percentile latency"),
    "latency_p999_ns": ("ns", "lower", "99.9th percentile latency"),
    "latency_max_ns": ("ns", "lower", "largest latency"),
    "bytes_per_element": ("B", "lower", "bytes of cache lines touched per element"),
}


def summary(xs):
    s = sorted(xs)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    mean = sum(s) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in s) / (n - 1)) if n > 1 else 0.0
    # velo recomputes summaries on reading; these only need to be plausible.
    return {"n": n, "median": float(med), "mean": float(mean), "stddev": float(sd),
            "cv": float(sd / abs(mean)) if mean else 0.0, "min": float(s[0]), "max": float(s[-1]),
            "ci_low": float(s[1] if n > 5 else s[0]), "ci_high": float(s[-2] if n > 5 else s[-1]),
            "ci_level": 0.9}


def metric(name, samples):
    unit, better, doc = METRIC_DOCS[name]
    samples = [float(x) for x in samples]
    return {"unit": unit, "better": better, "doc": doc, "samples": samples, "summary": summary(samples)}


def around(center, spread, n, seed, forks=1):
    # Deterministic samples; each fork sits at its own level, as processes do.
    out = []
    for i in range(n):
        fork = i * forks // n
        level = 1 + spread * 2 * math.sin(1.3 * fork + seed)
        out.append(round(center * level * (1 + spread * math.sin(2.1 * i + seed)), 3))
    return out


def case(scenario, family, variant, impl, group, params, metrics, baseline=False, forks=1, reps=9, details=None,
         status="ok", reason=""):
    c = copy.deepcopy(template["cases"][0])
    explicit = ",".join(f"{k}={v}" for k, v in sorted(params.items()) if f"{k}=" in group or k not in ("delay_ns",))
    c.update({"id": f"{family}/{variant}/{explicit}", "scenario": scenario, "family": family, "variant": variant,
              "impl": impl, "baseline": baseline, "group": group, "params": params, "status": status,
              "reason": reason, "skip_reason": reason if status == "skipped" else None,
              "metrics": {} if status != "ok" else metrics, "details": details or {}})
    c["run"]["repetitions"] = reps
    c["run"]["forks"] = forks
    if forks > 1 and status == "ok":
        share = [reps // forks + (1 if k < reps % forks else 0) for k in range(forks)]
        c["details"]["fork_repetitions"] = share
    return c


def timing(ns, spread, reps, seed, forks=1):
    xs = around(ns, spread, reps, seed, forks)
    return {"ns_per_op": metric("ns_per_op", xs), "ops_per_s": metric("ops_per_s", [1e9 / x for x in xs])}


report = copy.deepcopy(template)
report["scenarios"] = [
    {"path": "scenarios/counters.toml", "name": "counters", "family": "counters", "content_hash": "fnv1a64:0000000000000001", "gate": None},
    {"path": "scenarios/channel.toml", "name": "channel", "family": "channel", "content_hash": "fnv1a64:0000000000000002", "gate": None},
    {"path": "scenarios/pool.toml", "name": "pool", "family": "pool", "content_hash": "fnv1a64:0000000000000003", "gate": None},
    {"path": "scenarios/cacheline-false-sharing.toml", "name": "false-sharing", "family": "cacheline", "content_hash": "fnv1a64:0000000000000004", "gate": None},
]
report["settings"] = {"filter": "", "param_overrides": [], "forks": 3}
report["notes"] = ["hardware counters unavailable: perf_event_paranoid is 3 (a virtual machine or a locked-down kernel); cycles and cache misses are not reported"]
cases = []

for threads in (1, 2, 4):
    group = f"increments=100,threads={threads}"
    params = {"delay_ns": 0, "increments": 100, "threads": threads}
    cases.append(case("counters", "counters", "atomic", "atomic_fetch_add", group, params,
                      timing(300 * threads ** 1.6, 0.02, 9, threads, forks=3), baseline=True, forks=3))
    cases.append(case("counters", "counters", "padded", "sharded_padded", group, dict(params, pad_bytes=64),
                      timing(120 * threads ** 0.3, 0.015, 9, threads + 7, forks=3), forks=3))

for variant, impl, p50 in (("go_chan", "go_chan", 180), ("boost_spsc", "boost_spsc", 70)):
    group = "capacity=64,consumers=1,producers=1"
    params = {"capacity": 64, "consumers": 1, "producers": 1, "message_bytes": 8}
    ms = timing(p50 * 0.6, 0.03, 9, p50)
    for name, factor in (("latency_p50_ns", 1), ("latency_p99_ns", 6), ("latency_p999_ns", 25), ("latency_max_ns", 400)):
        ms[name] = metric(name, around(p50 * factor, 0.05, 9, factor))
    cases.append(case("channel", "channel", variant, impl, group, params, ms, baseline=variant == "go_chan"))
cases.append(case("channel", "channel", "boost_spsc_mpmc", "boost_spsc", "capacity=64,consumers=2,producers=2",
                  {"capacity": 64, "consumers": 2, "producers": 2, "message_bytes": 8}, {}, status="skipped",
                  reason="boost_spsc is a single-producer single-consumer queue: it needs producers = 1 and consumers = 1 (got 2 and 2)"))

for variant, impl, ns, allocs, nbytes in (("new_delete", "new_delete", 42, 1.0, 256), ("sync_pool", "sync_pool", 18, 0.02, 5.1),
                                          ("pmr_sync", "pmr_sync", 25, 0.0, 0.0)):
    group = "object_bytes=256,threads=1"
    params = {"object_bytes": 256, "threads": 1}
    ms = timing(ns, 0.02, 9, ns)
    ms["allocs_per_op"] = metric("allocs_per_op", [allocs] * 9)
    ms["bytes_per_op"] = metric("bytes_per_op", [nbytes] * 9)
    cases.append(case("pool", "pool", variant, impl, group, params, ms, baseline=variant == "new_delete"))


def layout(name, pad):
    fields = []
    stride = 8 + pad
    for i in range(4):
        fields.append({"name": f"counter{i}", "type": "std::atomic<int64_t>", "offset": i * stride, "size": 8,
                       "padding_after": pad, "cache_line": (i * stride) // 64})
    size = 4 * stride
    return {"name": f"{name}[4]", "sizeof": size, "alignof": 64 if pad else 8, "padding_bytes": 4 * pad,
            "line_bytes": 64, "cache_lines": (size + 63) // 64, "fields": fields}


for variant, pad, ns in (("packed", 0, 95), ("padded", 56, 11)):
    group = "threads=4"
    params = {"threads": 4, "op": "increment"}
    ms = timing(ns, 0.04, 9, pad)
    ms["bytes_per_element"] = metric("bytes_per_element", [64.0 if pad else 8.0] * 9)
    cases.append(case("false-sharing", "cacheline", variant, f"false_sharing_{variant}", group, params, ms,
                      baseline=variant == "packed", details={"layouts": [layout(f"Slot_{variant}", pad)],
                                                             "notes": [f"{variant}: four counters, one per thread"]}))

# A profiled case: its folded stacks next to this file (velo report, run from this
# directory, embeds the flame graph).
cases[0]["details"]["profile"] = {"mode": "cpu", "hz": 99, "thread_root": False, "folded_file": "sample.folded",
                                  "stats": {"samples": 10, "overruns": 0, "weighted_samples": 10, "lost_buffer_full": 0,
                                            "lost_unwind": 0, "threads": 1, "effective_hz": 99.0,
                                            "thread_cpu_seconds": 0.1, "thread_wall_seconds": 0.1}}
with open("sample.folded", "w") as f:
    f.write("main;run;atomic_fetch_add 7\nmain;run;spin 3\n")

report["cases"] = cases
with open("run.json", "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")

# A paired run (velo run --baseline-velo): the counters cases, 8 forks of one
# repetition each, fork k measured by both builds back to back. HEAD: the atomic
# counter 25% slower at 4 threads, the padded one 10% faster at 1 thread.
def paired(role, changes):
    side = copy.deepcopy(report)
    side["scenarios"] = side["scenarios"][:1]
    side["pairing"] = {"run_id": "00000000000000aa", "role": role}
    side["cases"] = []
    for c in report["cases"][:6]:
        c = copy.deepcopy(c)
        factor = changes.get(c["id"], 1.0) if role == "head" else 1.0
        base_ns = c["metrics"]["ns_per_op"]["summary"]["median"]
        xs = [round(base_ns * factor * (1 + 0.2 * math.sin(1.7 * k)) * (1 + 0.004 * math.sin(k + (3 if role == "head" else 0))), 3)
              for k in range(8)]
        c["metrics"] = {"ns_per_op": metric("ns_per_op", xs), "ops_per_s": metric("ops_per_s", [1e9 / x for x in xs])}
        c["run"]["repetitions"] = 8
        c["run"]["forks"] = 8
        c["details"] = {"fork_repetitions": [1] * 8}
        side["cases"].append(c)
    return side


changes = {"counters/atomic/increments=100,threads=4": 1.25, "counters/padded/increments=100,pad_bytes=64,threads=1": 0.9}
for role in ("base", "head"):
    with open(f"paired-{role}.json", "w") as f:
        json.dump(paired(role, changes), f, indent=2)
        f.write("\n")
