"""National coverage by month: per kab/kota, province and the nation, from the regions' exports.

The figures are monitoring's (:mod:`jaring.monitoring.selectors`), computed from the exported
rows instead of the tallies:

- **registered** at the end of month M: registered people first registered in M or before
  (the people tally summed up to M);
- **in_sk**: memberships covering M (first month ≤ M ≤ last month; the membership tally's
  flows, +1 in the first month and −1 after the last, summed up to M);
- **active**: enrolments paid for M (the paid-months tally).

One SQL text (:data:`COVERAGE_SQL`) over the tables ``people``, ``memberships``, ``paid`` and
``calendar`` is run by DuckDB and by Spark SQL alike (:mod:`.engines`): each input is first
grouped to flows per kab/kota and month (a few hundred rows per kab/kota however many people),
and only those are joined to the calendar for the running sums, so the cost is one scan of the
parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from jaring.national.engines import Engine, engine_for
from jaring.national.exports import PARTS, check_output, write_parts
from jaring.national.parts import Exports

LEVELS = ("kabkota", "provinsi", "nasional")

COVERAGE_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.String(),
    "code": pl.String(),
    "month": pl.Int32(),
    "registered": pl.Int64(),
    "in_sk": pl.Int64(),
    "active": pl.Int64(),
}

BOUNDS_SQL = """
SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
  SELECT MIN(registered_index) AS lo, MAX(registered_index) AS hi FROM people
  UNION ALL
  SELECT MIN(first_index), MAX(last_index) FROM memberships
  UNION ALL
  SELECT MIN(month_index), MAX(month_index) FROM paid
) bounds
"""

COVERAGE_SQL = """
WITH flows AS (
  SELECT substr(region, 1, 5) AS regency, registered_index AS month_index,
         COUNT(*) AS registered, 0 AS in_sk, 0 AS active
  FROM people GROUP BY substr(region, 1, 5), registered_index
  UNION ALL
  SELECT substr(region, 1, 5), first_index, 0, COUNT(*), 0
  FROM memberships GROUP BY substr(region, 1, 5), first_index
  UNION ALL
  SELECT substr(region, 1, 5), last_index + 1, 0, -COUNT(*), 0
  FROM memberships GROUP BY substr(region, 1, 5), last_index
  UNION ALL
  SELECT substr(region, 1, 5), month_index, 0, 0, COUNT(*)
  FROM paid GROUP BY substr(region, 1, 5), month_index
),
regency AS (
  SELECT f.regency AS code, c.month AS month,
         SUM(f.registered) AS registered,
         SUM(f.in_sk) AS in_sk,
         SUM(CASE WHEN f.month_index = c.month_index THEN f.active ELSE 0 END) AS active
  FROM flows f JOIN calendar c ON f.month_index <= c.month_index
  GROUP BY f.regency, c.month
)
SELECT 'kabkota' AS level, code, month, CAST(registered AS BIGINT) AS registered,
       CAST(in_sk AS BIGINT) AS in_sk, CAST(active AS BIGINT) AS active
FROM regency
UNION ALL
SELECT 'provinsi', substr(code, 1, 2), month, CAST(SUM(registered) AS BIGINT),
       CAST(SUM(in_sk) AS BIGINT), CAST(SUM(active) AS BIGINT)
FROM regency GROUP BY substr(code, 1, 2), month
UNION ALL
SELECT 'nasional', '', month, CAST(SUM(registered) AS BIGINT),
       CAST(SUM(in_sk) AS BIGINT), CAST(SUM(active) AS BIGINT)
FROM regency GROUP BY month
"""


def calendar(first_index: int, last_index: int) -> pl.DataFrame:
    """Every month from ``first_index`` to ``last_index`` (``year × 12 + month − 1``)."""
    indexes = list(range(first_index, last_index + 1))
    return pl.DataFrame(
        {
            "month_index": indexes,
            "month": [(i // 12) * 100 + i % 12 + 1 for i in indexes],
        },
        schema={"month_index": pl.Int32(), "month": pl.Int32()},
    )


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    order = {level: i for i, level in enumerate(LEVELS)}
    return (
        frame.with_columns(_order=pl.col("level").replace_strict(order, return_dtype=pl.Int8))
        .sort("_order", "code", "month")
        .drop("_order")
    )


def coverage_on(engine: Engine, exports: Exports) -> pl.DataFrame:
    """Coverage of every kab/kota, province and the nation for every month from the earliest
    to the latest month in the exports (rows only from a kab/kota's first month on)."""
    for name in PARTS:
        engine.parquet(name, exports.parts(name))
    bounds = engine.query(BOUNDS_SQL, {"lo": pl.Int64(), "hi": pl.Int64()})
    low, high = bounds.row(0)
    if low is None:
        return pl.DataFrame(schema=COVERAGE_SCHEMA)
    engine.frame("calendar", calendar(int(low), int(high)))
    return _sorted(engine.query(COVERAGE_SQL, COVERAGE_SCHEMA))


def national_coverage(
    exports: Exports, *, output: Path, engine: str = "duckdb", spark: Any = None
) -> pl.DataFrame:
    """Compute coverage with ``engine`` and write ``coverage.parquet`` (and ``coverage.csv``)
    with a manifest into the new folder ``output``."""
    check_output(output)
    with engine_for(engine, spark=spark) as running:
        frame = coverage_on(running, exports)
    write_parts(
        output,
        {"coverage": frame},
        {
            "kind": "jaring-national-coverage",
            "engine": engine,
            "inputs": [str(e.folder) for e in exports.exports],
            "regions": [e.region for e in exports.exports],
            "key_fingerprint": exports.key_fingerprint,
        },
        csv=("coverage",),
    )
    return frame


def summary(frame: pl.DataFrame) -> dict[str, Any]:
    """The latest month's national figures and the row counts per level (``--json``)."""
    nation = frame.filter(pl.col("level") == "nasional").sort("month")
    latest: Mapping[str, Any] = nation.row(-1, named=True) if nation.height else {}
    return {
        "rows": {level: frame.filter(pl.col("level") == level).height for level in LEVELS},
        "months": nation.height,
        "latest": {k: latest[k] for k in ("month", "registered", "in_sk", "active")}
        if latest
        else None,
    }
