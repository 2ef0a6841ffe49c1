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

from jaring.national.engines import engine_for
from jaring.national.exports import nik_index_columns
from jaring.national.matching import (
    DROPPED,
    HASHED_REGION_TYPO,
    _spark_sql,
    national_nik_u,
    national_people,
    national_settings,
    pairs_on,
)
from jaring.national.parts import read_exports
from jaring.registry.matching.model import MatchModel
from jaring.registry.matching.services import model_path
from jaring.synthetic.people import generate_people
from tests.national.conftest import KEY, OTHER_KEY, synthetic_exports


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


def test_where_someone_lives_is_no_evidence_between_regions(
    db: None, trained_model_file: None
) -> None:
    """A region's model learnt "another kab/kota" from its own pairs (almost only a duplicate
    that moved: +15 bits); every pair across exports lives in two kab/kota."""
    model = MatchModel.load(model_path())
    for engine in ("duckdb", "spark"):
        settings = national_settings(model, engine)
        (village,) = [c for c in settings["comparisons"] if c["output_column_name"] == "village"]
        levels = [lv for lv in village["comparison_levels"] if not lv.get("is_null_level")]
        assert levels and all(lv["m_probability"] == lv["u_probability"] for lv in levels)
        rules = [r["blocking_rule"] for r in settings["blocking_rules_to_generate_predictions"]]
        assert all("l.source <> r.source" in r for r in rules)
        # The kecamatan one lives in is never shared across regions; the NIK's is.
        assert not any("l.kecamatan = r.kecamatan" in r for r in rules)
        by_nik = "l.birth_date = r.birth_date AND l.nik_region = r.nik_region"
        assert any(by_nik in r for r in rules)
    # The region's own model is untouched.
    (village,) = [c for c in model.settings["comparisons"] if c["output_column_name"] == "village"]
    assert village["comparison_levels"][-1]["u_probability"] < 1e-3


def test_a_twin_in_another_region_is_not_paired_a_nik_slip_is(
    db: None, trained_model_file: None, tmp_path: Path
) -> None:
    chosen = generate_people(50, regency="35.71", seed=3).filter(pl.col("phone").is_not_null())
    someone, other = chosen.head(1), chosen.slice(1, 1)
    # Born the same day in the same kecamatan as someone, another serial, another name, another
    # desa: a different person.
    twin = someone.with_columns(
        nik=pl.col("nik").str.slice(0, 12) + pl.lit("9876"),
        name=pl.lit("Kambali"),
        phone=pl.lit(None, pl.String),
        village_code=pl.lit(chosen["village_code"][5]),
    )
    # Cilegon lists someone as Kediri does, and the other one with the birth date left out and
    # one NIK digit wrong (a new NIK: its hash shares nothing with the right one's), both
    # living in a desa of Cilegon now.
    nik = other["nik"][0]
    slip = nik[:7] + str((int(nik[7]) + 1) % 10) + nik[8:]
    cilegon = generate_people(2, regency="36.72", seed=4)["village_code"]
    moved = pl.concat(
        [someone, other.with_columns(nik=pl.lit(slip), birth_date=pl.lit(None, pl.Date))]
    ).with_columns(village_code=cilegon)
    folders = synthetic_exports(
        tmp_path / "in",
        {"35.71": 200, "36.72": 100},
        # Kediri: ids 1–200, then someone 201, the other one 202, the twin 203; Cilegon: ids
        # 204–303, then someone 304 and the other one 305.
        extra={"35.71": pl.concat([someone, other, twin]), "36.72": moved},
    )
    people = national_people(read_exports(folders))
    pairs = pairs_on("duckdb", people, MatchModel.load(model_path()), threshold=0.95)
    found = set(pairs.select("person_id_l", "person_id_r").iter_rows())
    assert {(201, 304), (202, 305)} <= found
    assert not any(203 in pair for pair in found)


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


def test_bad_exports_are_refused_and_nothing_is_written(
    db: None, trained_model_file: None, tmp_path: Path
) -> None:
    kediri, cilegon = synthetic_exports(tmp_path / "in", {"35.71": 40, "36.72": 40})
    (other,) = synthetic_exports(tmp_path / "other-key", {"36.72": 40}, key=OTHER_KEY)
    out = tmp_path / "out"
    cases = {
        "kunci nasional yang berbeda": [kediri, other],
        "dua kali": [kediri, kediri],
        "bukan ekspor nasional": [kediri, tmp_path / "in"],
    }
    for message, folders in cases.items():
        inputs = [arg for folder in folders for arg in ("--input", str(folder))]
        with pytest.raises(CommandError, match=message):
            match(*inputs, "--output", str(out))
    (cilegon / "memberships.parquet").unlink()
    with pytest.raises(CommandError, match=r"memberships\.parquet hilang"):
        match("--input", str(kediri), "--input", str(cilegon), "--output", str(out))
    people = kediri / "people.parquet"
    people.write_bytes(people.read_bytes()[:-40] + b"\0" * 40)
    with pytest.raises(CommandError, match="rusak"):
        match("--input", str(kediri), "--output", str(out))
    assert not out.exists()


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
    # The same session matches again (a cluster's session runs one matching after another).
    again = pairs_on("spark", people, model, threshold=0.95, spark=spark)
    assert again.height == by_spark.filter(pl.col("match_probability") >= 0.95).height


def _drop_row(nik: str, other: str) -> dict[str, int | None]:
    """One pair's dropped-digit hashes, as Splink's ``_l``/``_r`` columns."""
    left, right = nik_index_columns([nik], KEY), nik_index_columns([other], KEY)
    return {
        **{f"{d}_l": left[f"{d}_index"][0] for d in DROPPED},
        **{f"{d}_r": right[f"{d}_index"][0] for d in DROPPED},
    }


@pytest.mark.spark
def test_a_kecamatan_digit_slip_is_told_on_hashes_by_both_engines(spark: object) -> None:
    """The national region-typo level: one kecamatan digit wrong or two neighbours swapped is
    close, another kecamatan is not — the same on DuckDB and Spark SQL."""
    nik = "3571024107850003"
    cases = {
        "3572024107850003": True,  # one digit wrong
        "3751024107850003": True,  # two neighbours swapped
        "3571204107850003": True,
        "3671034107850003": False,  # two digits wrong
        "3273054107850003": False,  # another kecamatan
    }
    frame = pl.DataFrame(
        [{"case": other, **_drop_row(nik, other)} for other in cases],
        schema={"case": pl.String, **{f"{d}_{s}": pl.Int64 for d in DROPPED for s in "lr"}},
    )
    with engine_for("duckdb") as duck:
        duck.frame("pairs", frame)
        by_duckdb = duck.query(
            f'SELECT "case", {HASHED_REGION_TYPO} AS close FROM pairs',
            {"case": pl.String(), "close": pl.Boolean()},
        )
    with engine_for("spark", spark=spark) as running:
        running.frame("pairs", frame)
        by_spark = running.query(
            f"SELECT `case`, {_spark_sql(HASHED_REGION_TYPO)} AS close FROM pairs",
            {"case": pl.String(), "close": pl.Boolean()},
        )
    for result in (by_duckdb, by_spark):
        assert dict(result.iter_rows()) == cases


def test_the_nik_levels_u_are_counted_among_strangers_across_exports() -> None:
    """u of "same NIK" nationally: pairs across exports sharing a NIK whose given names differ,
    over the pairs across exports whose given names differ. A duplicate (same NIK, same given
    name) is not counted as two strangers; pairs inside one export are not counted at all."""
    n = 400
    rows = []
    for source in ("35.71", "36.72"):
        for i in range(n):
            rows.append({"source": source, "nik": f"{source}-{i}", "name_first": f"nama{i % 50}"})
    people = pl.DataFrame(rows)
    # A duplicate across exports (same NIK, same given name), two pairs of strangers sharing
    # a NIK across exports (a typo landing on someone's NIK), and two in one export sharing one.
    people = pl.concat(
        [
            people,
            pl.DataFrame(
                [
                    {"source": "36.72", "nik": "35.71-7", "name_first": "nama7"},
                    {"source": "36.72", "nik": "35.71-8", "name_first": "lain"},
                    {"source": "36.72", "nik": "35.71-10", "name_first": "lain2"},
                    {"source": "35.71", "nik": "35.71-9", "name_first": "lain"},
                ]
            ),
        ]
    ).with_columns(
        nik_head=pl.col("nik") + "h",
        nik_tail=pl.col("nik") + "t",
        nik_rest=pl.col("nik") + "r",
        nik_date=pl.col("nik") + "d",
        **{d: pl.lit(None, pl.Int64) for d in DROPPED},
    )
    across = 401 * 403
    # nama0…nama49 eight times in each export, the duplicate's nama7, "lain" once in each.
    same_given_name = 50 * 8 * 8 + 8 + 1
    u = national_nik_u(people)
    assert u["exact"] == pytest.approx(2 / (across - same_given_name), rel=1e-9)
    # Two small exports: the cells of both birth dates are far below the minimum.
    assert "serial_differs" not in u and "region_typo" not in u
