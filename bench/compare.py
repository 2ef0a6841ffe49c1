"""Benchmark two revisions side by side: run one of the ``bench/`` scripts from each revision's
own tree, alternating (before, after, before, after, …) so that whatever else the machine does
falls on both alike, and print every number the script reports with the ratio of medians.
Prints JSON.

    .venv/bin/python bench/compare.py --before REV [--after REV] [--runs 3] SCRIPT [ARGS…]

    .venv/bin/python bench/compare.py --before 369b8ca --runs 3 imports --rows 1000000
    .venv/bin/python bench/compare.py --before 369b8ca --runs 3 matching --size 200000

Each revision is exported with ``git archive`` into a temporary folder and run with this
virtual environment's Python, ``PYTHONPATH`` pointing at that folder (so ``jaring`` and the
script are the revision's own; the dependencies are this checkout's). ``--after`` defaults to
the working tree (uncommitted changes included). The script must print one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _tree(rev: str | None, into: Path) -> Path:
    if rev is None:
        return ROOT
    folder = into / rev
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _run(tree: Path, script: str, args: list[str]) -> dict[str, Any]:
    """One run of the script from ``tree``: its JSON, plus ``cpu_seconds`` (user + system of
    the script and every child it waited for: what the run cost whatever else the machine was
    doing) and ``wall_seconds``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(tree / "bench" / f"{script}.py"), *args],
            cwd=tree,
            env=env,
            stdout=out,
            stderr=err,
            text=True,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{script} at {tree} failed:\n{err.read()[-3000:]}")
        text = out.read().strip()
    result = dict(json.loads(text[text.rfind("\n{") + 1 :] if "\n{" in text else text))
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    result["wall_seconds"] = round(wall, 2)
    return result


def _numbers(value: Any, prefix: str = "") -> dict[str, float]:
    """Every numeric leaf of a JSON value, keyed by its path (``csv.seconds``)."""
    if isinstance(value, bool):
        return {}
    if isinstance(value, int | float):
        return {prefix: float(value)}
    found: dict[str, float] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found.update(_numbers(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(_numbers(item, f"{prefix}[{index}]"))
    return found


def _load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--before", required=True, help="git revision measured first")
    parser.add_argument("--after", help="git revision (default: the working tree)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("script", help="a bench/ script without .py: imports, matching, …")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    options = parser.parse_args()

    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="jaring-compare-") as folder:
        trees = {
            "before": _tree(options.before, Path(folder)),
            "after": _tree(options.after, Path(folder)),
        }
        for _ in range(options.runs):
            for side in ("before", "after"):
                loads.append(_load())
                runs[side].append(_numbers(_run(trees[side], options.script, options.args)))
                print(f"{side}: run {len(runs[side])} done", file=sys.stderr)

    keys = [k for k in runs["before"][0] if all(k in r for r in runs["before"] + runs["after"])]
    figures = {}
    for key in keys:
        before = [r[key] for r in runs["before"]]
        after = [r[key] for r in runs["after"]]
        median_before = statistics.median(before)
        figures[key] = {
            "before": [min(before), max(before)],
            "after": [min(after), max(after)],
            "after_over_before": (
                round(statistics.median(after) / median_before, 3) if median_before else None
            ),
        }
    print(
        json.dumps(
            {
                "script": options.script,
                "args": options.args,
                "before": options.before,
                "after": options.after or "working tree",
                "runs": options.runs,
                "load_average": [round(min(loads), 2), round(max(loads), 2)],
                "figures": figures,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
