#!/usr/bin/env python3
"""Renders velo's HTML reports in a real browser (headless Chromium) and fails on a
JavaScript error or a chart that did not draw.

  render_reports.py VELO_BIN TEST_DATA_DIR OUT_DIR

Writes run, multi-run, compare and gate pages from the fixtures in
TEST_DATA_DIR/html and TEST_DATA_DIR/gate, and a history trend page from a
synthetic history (history_fixture.py), into OUT_DIR, opens each with
`chromium --headless --dump-dom`, and reads the status the page sets on <body> once
it has drawn everything (lib/export/html/common.js): data-velo-done,
data-velo-errors (window errors and failed charts), data-velo-charts (Chart.js
charts created) against data-velo-expected and this script's minimum per page.
Console lines saying "Uncaught" fail the test too. A screenshot of each page
(OUT_DIR/<page>.png) is kept as a test artifact; docs/images/ holds copies.

Installs nothing: exits 77 (skipped) when `chromium` is not on PATH. Each browser
run is bounded (BROWSER_TIMEOUT_S seconds, default 120).
"""
import json
import os
import re
import shutil
import subprocess
import sys

from history_fixture import write_history

SKIP = 77
TIMEOUT = int(os.environ.get("BROWSER_TIMEOUT_S", "120"))


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    return 1


def velo(binary, args, allowed=(0,), cwd=None):
    result = subprocess.run([binary] + args, capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd)
    if result.returncode not in allowed:
        raise RuntimeError(f"velo {' '.join(args)} exited {result.returncode}: {result.stderr}")


def chromium(browser, args):
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    base = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
            "--disable-dev-shm-usage"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=TIMEOUT)


def attribute(dom, name):
    body = re.search(r"<body[^>]*>", dom)
    if not body:
        return None
    match = re.search(rf'{name}="([^"]*)"', body.group(0))
    return match.group(1) if match else None


def check_page(browser, page, minimum_charts, minimum_diagrams, out_dir):
    url = "file://" + os.path.abspath(page)
    name = os.path.splitext(os.path.basename(page))[0]
    result = chromium(browser, ["--dump-dom", url])
    problems = []
    if result.returncode != 0:
        problems.append(f"chromium exited {result.returncode}: {result.stderr[-2000:]}")
    dom = result.stdout
    uncaught = [line for line in result.stderr.splitlines() if "Uncaught" in line]
    if uncaught:
        problems.append("console errors:\n  " + "\n  ".join(uncaught[:20]))
    done = attribute(dom, "data-velo-done")
    errors = attribute(dom, "data-velo-errors")
    charts = attribute(dom, "data-velo-charts")
    expected = attribute(dom, "data-velo-expected")
    diagrams = attribute(dom, "data-velo-diagrams")
    if done != "1":
        problems.append("the page never finished drawing (no data-velo-done on <body>)")
    else:
        if errors != "0":
            listed = re.search(r'<div class="errors" id="velo-errors">(.*?)</div>', dom, re.S)
            problems.append(f"{errors} JavaScript error(s): {listed.group(1) if listed else '?'}")
        if charts != expected:
            problems.append(f"{charts} of {expected} charts drawn")
        if int(charts or 0) < minimum_charts:
            problems.append(f"{charts} charts, expected at least {minimum_charts}")
        if int(diagrams or 0) < minimum_diagrams:
            problems.append(f"{diagrams} layout diagrams, expected at least {minimum_diagrams}")
    shot = os.path.join(out_dir, name + ".png")
    picture = chromium(browser, [f"--screenshot={shot}", "--window-size=1280,2200", url])
    if picture.returncode != 0 or not os.path.exists(shot):
        problems.append(f"no screenshot: chromium exited {picture.returncode}")
    status = "ok" if not problems else "FAILED"
    print(f"{name}: {status}: {charts} of {expected} charts, {diagrams} diagrams, screenshot {shot}")
    for p in problems:
        print(f"  {name}: {p}", file=sys.stderr)
    return not problems


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, data, out_dir = (os.path.abspath(a) for a in sys.argv[1:])
    browser = shutil.which("chromium")
    if not browser:
        print("SKIP: chromium is not installed (Debian package chromium; `./dev browser` installs it and runs this test)")
        return SKIP
    os.makedirs(out_dir, exist_ok=True)
    html = os.path.join(data, "html")
    gate = os.path.join(data, "gate")
    pages = {name: os.path.join(out_dir, name + ".html")
             for name in ("run", "runs", "compare", "gate", "gate-paired", "history")}
    try:
        # From the fixture's directory, where its profiled case's folded file is.
        velo(binary, ["report", "run.json", "-o", os.path.abspath(pages["run"])], cwd=html)
        velo(binary, ["report", os.path.join(html, "run.json"), os.path.join(data, "report", "example.json"),
                      "-o", pages["runs"]])
        velo(binary, ["compare", os.path.join(gate, "base.json"), os.path.join(gate, "head-regress.json"),
                      "--html", pages["compare"]])
        velo(binary, ["gate", os.path.join(gate, "base.json"), os.path.join(gate, "head-regress.json"),
                      "--html", pages["gate"]], allowed=(0, 1))
        velo(binary, ["gate", os.path.join(html, "paired-base.json"), os.path.join(html, "paired-head.json"),
                      "--html", pages["gate-paired"]], allowed=(0, 1))
        # A 40-commit history with two known shifts (history_fixture.py).
        history_dir = os.path.join(out_dir, "history")
        shutil.rmtree(history_dir, ignore_errors=True)
        reports = write_history(os.path.join(data, "report", "example.json"), history_dir)
        db = os.path.join(history_dir, "history.db")
        velo(binary, ["history", "add", "-q", "--db", db] + reports)
        velo(binary, ["history", "html", "--db", db, "-o", pages["history"],
                      "--commit-url", "https://github.com/example/velo/commit/{commit}"])
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return fail(str(e))
    with open(pages["run"], encoding="utf-8") as f:
        page = f.read()
    data = re.search(r'<script type="application/json" id="velo-data">(.*?)</script>', page, re.S)
    if not data or len(json.loads(data.group(1)).get("flamegraphs", {})) != 1:
        return fail("the run page does not embed the flame graph of the fixture's profiled case")
    # Minimum charts and layout diagrams per page (tests/data/html/make_fixtures.py says
    # what run.json holds): counters 3 tables + 1 scaling curve, channel 2, pool 2,
    # cacheline 1 and 2 diagrams; history: 2 cases x (ns_per_op, ops_per_s).
    minimums = {"run": (9, 2), "runs": (10, 2), "compare": (1, 0), "gate": (1, 0), "gate-paired": (1, 0),
                "history": (4, 0)}
    ok = True
    for name, page in pages.items():
        try:
            ok = check_page(browser, page, *minimums[name], out_dir) and ok
        except subprocess.TimeoutExpired:
            fail(f"{name}: chromium did not finish within {TIMEOUT}s")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
