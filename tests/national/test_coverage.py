"""``jaring national coverage``: monitoring's figures from the regions' exports, and the same
figures from DuckDB and Spark."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from jaring.monitoring.periods import Period
from jaring.monitoring.selectors import coverage_of, place_get
from jaring.national.coverage import coverage_on
from jaring.national.engines import DuckDBEngine, SparkEngine
from jaring.national.parts import read_exports
from tests.finance.conftest import Signed
from tests.national.conftest import synthetic_exports
from tests.national.test_export import export


def coverage(*args: str) -> dict:
    out = StringIO()
    call_command("national", "coverage", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_figures_are_monitorings(
    two_regions: dict[str, Signed], national_key: str, tmp_path: Path
) -> None:
    export(tmp_path / "kediri", "--region", "35.71")
    export(tmp_path / "cilegon", "--region", "36.72")
    result = coverage(
        "--input", str(tmp_path / "kediri"), "--input", str(tmp_path / "cilegon"),
        "--output", str(tmp_path / "out"),
    )  # fmt: skip
    now = timezone.localdate()
    assert result["latest"] == {
        "month": now.year * 100 + now.month,
        "registered": 20,
        "in_sk": 0,
        "active": 0,
    }
    frame = pl.read_parquet(tmp_path / "out" / "coverage.parquet")
    assert (tmp_path / "out" / "coverage.csv").exists()
    assert set(frame["level"]) == {"kabkota", "provinsi", "nasional"}
    checked = 0
    for level, code in [("kabkota", "35.71"), ("kabkota", "36.72"), ("provinsi", "35"),
                        ("nasional", "")]:  # fmt: skip
        for month in (202309, 202310, 202311, 202312, 202401, now.year * 100 + now.month):
            mine = frame.filter(
                (pl.col("level") == level) & (pl.col("code") == code) & (pl.col("month") == month)
            )
            theirs = coverage_of(place_get(code), Period.from_key(month))
            figures = mine.select("registered", "in_sk", "active").row(0) if mine.height else None
            assert figures == (theirs.registered, theirs.in_sk, theirs.active) or (
                figures is None and (theirs.registered, theirs.in_sk, theirs.active) == (0, 0, 0)
            ), (level, code, month)
            checked += figures is not None
    assert checked >= 16
    kediri = frame.filter((pl.col("code") == "35.71") & (pl.col("month") == 202310))
    assert kediri.select("in_sk", "active").row(0) == (12, 6)


def test_bad_input_writes_nothing(
    two_regions: dict[str, Signed], national_key: str, tmp_path: Path
) -> None:
    export(tmp_path / "kediri", "--region", "35.71")
    with pytest.raises(CommandError, match="dua kali"):
        coverage("--input", str(tmp_path / "kediri"), "--input", str(tmp_path / "kediri"),
                 "--output", str(tmp_path / "out"))  # fmt: skip
    with pytest.raises(CommandError, match="bukan ekspor nasional"):
        coverage("--input", str(tmp_path), "--output", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_synthetic_registry_duckdb(tmp_path: Path) -> None:
    exports = read_exports(synthetic_exports(tmp_path, {"35.71": 300, "36.72": 200}))
    duck = DuckDBEngine()
    frame = coverage_on(duck, exports)
    duck.close()
    people, memberships, paid = (exports.frame(n) for n in ("people", "memberships", "paid"))
    month_index = 2024 * 12 + 1  # Feb 2024
    nation = frame.filter((pl.col("level") == "nasional") & (pl.col("month") == 202402)).row(
        0, named=True
    )
    assert nation["registered"] == people.filter(pl.col("registered_index") <= month_index).height
    assert (
        nation["in_sk"]
        == memberships.filter(
            (pl.col("first_index") <= month_index) & (pl.col("last_index") >= month_index)
        ).height
    )
    assert nation["active"] == paid.filter(pl.col("month_index") == month_index).height


@pytest.mark.spark
def test_duckdb_and_spark_give_the_same_coverage(spark: object, tmp_path: Path) -> None:
    exports = read_exports(
        synthetic_exports(tmp_path, {"35.71": 400, "36.72": 300, "35.16": 300}, seed=3)
    )
    duck = DuckDBEngine()
    by_duckdb = coverage_on(duck, exports)
    duck.close()
    by_spark = coverage_on(SparkEngine(spark), exports)
    assert by_duckdb.height > 50
    assert by_spark.equals(by_duckdb)
