"""``jaring national match``: cross-region pairs with the regions' trained model, the same
from DuckDB and Spark; bad input refused."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.national.matching import national_people, pairs_on
from jaring.national.parts import read_exports
from jaring.registry.matching.model import MatchModel
from jaring.registry.matching.services import model_path
from tests.national.conftest import synthetic_exports


def match(*args: str) -> dict:
    out = StringIO()
    call_command("national", "match", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_cross_region_duplicates_are_found(
    db: None, trained_model_file: None, tmp_path: Path
) -> None:
    folders = synthetic_exports(tmp_path / "in", {"35.71": 300, "36.72": 200}, shared=25)
    result = match(
        "--input", str(folders[0]), "--input", str(folders[1]), "--output",
        str(tmp_path / "out"), "--engine", "duckdb",
    )  # fmt: skip
    pairs = pl.read_parquet(tmp_path / "out" / "pairs.parquet")
    assert result["pairs"] == pairs.height
    assert set(pairs["region_l"]) == {"35.71"} and set(pairs["region_r"]) == {"36.72"}
    # The 25 people registered in both (ids 501–525 in Cilegon) are found with their twins.
    found = set(pairs.select("person_id_l", "person_id_r").iter_rows())
    assert {(i, 500 + i) for i in range(1, 26)} <= found
    assert pairs.height <= 25 + 2


def test_a_model_for_other_comparisons_is_refused(
    db: None, trained_model_file: None, tmp_path: Path
) -> None:
    folders = synthetic_exports(tmp_path / "in", {"35.71": 50, "36.72": 50})
    settings = MatchModel.load(model_path()).settings
    settings["comparisons"] = settings["comparisons"][:-1]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(settings))
    with pytest.raises(CommandError, match=r"Model .*other\.json"):
        match("--input", str(folders[0]), "--input", str(folders[1]),
              "--output", str(tmp_path / "out"), "--model", str(other))  # fmt: skip
    assert not (tmp_path / "out").exists()


@pytest.mark.spark
def test_duckdb_and_spark_find_the_same_pairs(
    db: None, trained_model_file: None, spark: object, tmp_path: Path
) -> None:
    folders = synthetic_exports(tmp_path / "in", {"35.71": 300, "36.72": 300}, shared=30, seed=5)
    people = national_people(read_exports(folders))
    model = MatchModel.load(model_path())
    by_duckdb = pairs_on("duckdb", people, model, threshold=0.5)
    by_spark = pairs_on("spark", people, model, threshold=0.5, spark=spark)
    key = ["region_l", "person_id_l", "region_r", "person_id_r"]
    a = set(by_duckdb.select(key).iter_rows())
    b = set(by_spark.select(key).iter_rows())
    assert len(a) >= 30
    assert len(a ^ b) <= 0.005 * max(len(a), len(b))
    joined = by_duckdb.join(by_spark, on=key, suffix="_spark")
    assert (joined["match_probability"] - joined["match_probability_spark"]).abs().max() < 1e-6
