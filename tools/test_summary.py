#!/usr/bin/env python3
"""Counts test cases over meson test logs; the last line it prints is 'N passed, N failed'
(skipped tests, when any, are counted on the line before, so CI can parse the last line as is).

Arguments ending in .txt hold one line per check whose last word is ok or FAILED, each
counted as one passed or failed test: `./dev fuzz` results ("fuzz_NAME execs=N crashes=N slow_units=N
ok|FAILED", one per fuzz target) and CI's line for `./dev examples` ("plugin_examples ok").

Each meson test is a Catch2 executable; its closing line ("All tests passed (A assertions
in N test cases)" or "test cases: N | P passed | F failed") gives the per-case counts. A
test without such a line (a crash, a timeout, a non-Catch2 test) counts as one case with
meson's verdict. Exit status 1 if anything failed or no log was found.
"""
import json
import re
import sys

ALL_PASSED = re.compile(r"All tests passed \((\d+) assertions? in (\d+) test cases?\)")
COUNTS = re.compile(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")
ONLY_FAILED = re.compile(r"test cases:\s*(\d+)\s*\|\s*(\d+) failed")


def count(log_path):
    passed = failed = skipped = 0
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            entry = json.loads(line)
            result = entry.get("result")
            out = entry.get("stdout") or ""
            if result == "SKIP":
                skipped += 1
                continue
            ok = result == "OK"
            m = ALL_PASSED.search(out)
            c = COUNTS.search(out)
            f = ONLY_FAILED.search(out)
            if ok and m:
                passed += int(m.group(2))
            elif c:
                passed += int(c.group(2))
                failed += int(c.group(3)) or (0 if ok else 1)
            elif f:
                failed += int(f.group(2))
            elif ok:
                passed += 1
            else:
                failed += 1
    return passed, failed, skipped


def count_fuzz(results_path):
    passed = failed = 0
    with open(results_path, encoding="utf-8") as results:
        for line in results:
            if not line.strip():
                continue
            if line.split()[-1] == "ok":
                passed += 1
            else:
                failed += 1
    return passed, failed, 0


def main(paths):
    totals = [0, 0, 0]
    found = False
    for path in paths:
        try:
            for i, n in enumerate(count_fuzz(path) if path.endswith(".txt") else count(path)):
                totals[i] += n
            found = True
        except FileNotFoundError:
            print(f"missing test log: {path}", file=sys.stderr)
            totals[1] += 1
    if totals[2]:
        print(f"{totals[2]} skipped")
    print(f"{totals[0]} passed, {totals[1]} failed")
    return 0 if found and totals[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
