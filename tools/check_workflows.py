#!/usr/bin/env python3
"""Checks that the GitHub Actions workflows docs/ci/*.yml are valid YAML and have the
shape GitHub requires: `on`, `jobs`, and in every job `runs-on` and `steps`, each step
with `uses` or `run`. (A `${{ }}` expression inside a `{...}` flow mapping, for one,
is not YAML: GitHub would refuse the file.)

usage: check_workflows.py DIR
Exit 0 when all are valid, 1 naming each problem, 77 (skip) without PyYAML.
"""
import pathlib
import sys

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML is not installed (Debian python3-yaml; ./dev installs it)")
    sys.exit(77)


def problems_of(path):
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        return [f"{path}: not YAML: {e}".replace("\n", " ")]
    if not isinstance(doc, dict):
        return [f"{path}: expected a mapping at the top"]
    out = []
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    if "on" not in doc and True not in doc:
        out.append(f"{path}: no `on:` (what triggers the workflow)")
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        return out + [f"{path}: no `jobs:`"]
    for name, job in jobs.items():
        if not isinstance(job, dict) or "runs-on" not in job or not isinstance(job.get("steps"), list):
            out.append(f"{path}: job {name}: expected `runs-on` and a list of `steps`")
            continue
        for i, step in enumerate(job["steps"]):
            if not isinstance(step, dict) or ("uses" not in step and "run" not in step):
                out.append(f"{path}: job {name}, step {i + 1}: expected `uses` or `run`")
    return out


def main():
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.yml"))
    if not files:
        print(f"no workflows in {sys.argv[1]}", file=sys.stderr)
        return 1
    problems = [p for f in files for p in problems_of(f)]
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(files)} workflow(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
