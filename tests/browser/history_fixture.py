#!/usr/bin/env python3
"""Writes a synthetic history for the trend-chart page: N reports made from one
fixture report, one per commit, with known shifts.

  history_fixture.py FIXTURE_REPORT.json OUT_DIR [N]

Report i (0-based) has commit sha1("commit-i"), starts on day i, and every sample
of every metric is the fixture's sample times a seeded noise factor (about 1%); the
first case's samples are 10% higher from report N/2 on and the second case's 8%
lower from report 3N/4 on, so `velo history changes` finds a regression and an
improvement there. The summaries are recomputed by velo when it reads the report
(velo history add keeps the samples).
"""
import copy
import hashlib
import json
import os
import random
import sys


def write_history(fixture, out_dir, n=40):
    """Writes the N reports; returns their paths, oldest first."""
    with open(fixture, encoding="utf-8") as f:
        base = json.load(f)
    rng = random.Random(1)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i in range(n):
        report = copy.deepcopy(base)
        report["started_at"] = f"2026-10-{1 + i // 24:02d}T{i % 24:02d}:00:00Z"
        report["finished_at"] = f"2026-10-{1 + i // 24:02d}T{i % 24:02d}:30:00Z"
        report["provenance"]["git_commit"] = hashlib.sha1(f"commit-{i}".encode()).hexdigest()
        for k, case in enumerate(report["cases"]):
            shift = 1.0
            if k == 0 and i >= n // 2:
                shift = 1.10
            if k == 1 and i >= 3 * n // 4:
                shift = 0.92
            run_factor = rng.gauss(1.0, 0.004)
            for metric in case.get("metrics", {}).values():
                higher = metric.get("better") == "higher"
                metric["samples"] = [s * (1 / (shift * run_factor) if higher else shift * run_factor) *
                                     rng.gauss(1.0, 0.01) for s in metric["samples"]]
                metric.pop("summary", None)
        path = os.path.join(out_dir, f"report-{i:03d}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(report, f)
        paths.append(path)
    return paths


def main():
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    print("\n".join(write_history(sys.argv[1], sys.argv[2], n)))


if __name__ == "__main__":
    main()
