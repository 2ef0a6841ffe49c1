"""Benchmark: national coverage and cross-region matching, DuckDB beside Spark (local mode).
Prints JSON.

    .venv/bin/python bench/national.py [--people 200000] [--match-people 20000] [--shared 500]

Set-up (not timed): synthetic exports of four kab/kota (``--people`` in all, about 70 % in a
membership of 3–12 months, each covered month paid with probability 0.8: the exports' parts as
``jaring national export`` writes them); a matching model trained as the test suite trains it.
Timed: ``coverage_on`` with each engine (Spark: the session made beforehand, as a cluster's
would be running), and ``pairs_on`` with each engine on two kab/kota of ``--match-people`` with
``--shared`` people registered in both — once as exact copies, once written differently in
the second kab/kota (each copy changed in one field or more, as
``jaring.synthetic.corruption`` changes duplicates) — with precision and recall on those.
Timings on a shared machine are noisy: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def training_model() -> Any:
    """The matching model as the test suite trains it (tests/conftest.py)."""
    from jaring.registry.matching.model import train_model
    from tests.conftest import training_registry

    return train_model(training_registry(), seed=1)


def django_for_bench(prefix: str) -> Path:
    """Django set up on a scratch folder (test settings); returns the folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["JARING_ENV"] = "test"
    os.environ["JARING_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--match-people", type=int, default=20_000)
    parser.add_argument("--shared", type=int, default=500)
    args = parser.parse_args()
    folder = django_for_bench("jaring-bench-national-")
    from jaring.national.coverage import coverage_on
    from jaring.national.engines import DuckDBEngine, SparkEngine, spark_session
    from jaring.national.matching import national_people, pairs_on
    from jaring.national.parts import read_exports
    from tests.national.conftest import synthetic_exports

    result: dict[str, Any] = {"load_before": _load(), "people": args.people}
    quarter = args.people // 4
    start = time.perf_counter()
    exports = read_exports(
        synthetic_exports(
            folder / "coverage", dict.fromkeys(("35.71", "36.72", "35.16", "33.74"), quarter)
        )
    )
    result["setup_coverage_s"] = round(time.perf_counter() - start, 1)
    result["memberships"] = exports.frame("memberships").height
    result["paid_months"] = exports.frame("paid").height
    duck = DuckDBEngine()
    start = time.perf_counter()
    by_duckdb = coverage_on(duck, exports)
    result["coverage_duckdb_s"] = round(time.perf_counter() - start, 2)
    duck.close()
    start = time.perf_counter()
    spark = spark_session()
    result["spark_start_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    by_spark = coverage_on(SparkEngine(spark), exports)
    result["coverage_spark_s"] = round(time.perf_counter() - start, 2)
    result["coverage_equal"] = by_spark.equals(by_duckdb)
    print(json.dumps(result), file=sys.stderr, flush=True)

    model = training_model()
    half = args.match_people // 2
    truth = {(i, 2 * half + i) for i in range(1, args.shared + 1)}
    # The shared people as the first region lists them (exact copies), then written
    # differently in the second region (each copy changed in one field or more).
    for label, written_differently in (("exact", False), ("written_differently", True)):
        people = national_people(
            read_exports(
                synthetic_exports(
                    folder / f"match-{label}",
                    {"35.71": half, "36.72": half},
                    shared=args.shared,
                    seed=5,
                    written_differently=written_differently,
                )
            )
        )
        for engine in ("duckdb", "spark"):
            start = time.perf_counter()
            pairs = pairs_on(engine, people, model, threshold=0.95, spark=spark)
            key = f"match_{label}_{engine}"
            result[f"{key}_s"] = round(time.perf_counter() - start, 1)
            found = set(pairs.select("person_id_l", "person_id_r").iter_rows())
            hits = len(found & truth)
            result[f"{key}_pairs"] = len(found)
            result[f"{key}_precision"] = round(hits / len(found), 4) if found else None
            result[f"{key}_recall"] = round(hits / len(truth), 4)
        print(json.dumps(result), file=sys.stderr, flush=True)
    spark.stop()
    result["load_after"] = _load()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
