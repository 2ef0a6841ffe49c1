"""The checker finds exactly what the messy-file generator injected: same summary, and the same
state and codes on every row, for several seeds, sizes, formats and damage mixes."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.registry.imports.reading import read_table
from jaring.synthetic.messy import DamageRates, GroundTruth, write_messy_file
from jaring.synthetic.people import generate_people

from ..conftest import JAYAPURA, KEDIRI, PEKALONGAN, known_regions, run_check


def _compare(truth: GroundTruth, regency: str) -> None:
    table = read_table(truth.path)
    # With the region table, as the pipeline checks: the generator's NIKs are of real regions.
    checked = run_check(
        table, regency, reference_date=truth.reference_date, known_regions=known_regions()
    )
    assert checked.summary() == truth.summary
    got = checked.rows.select("_sheet", "_row", "state", "duplicate_of").join(
        checked.problems.group_by("_sheet", "_row").agg(pl.col("code").unique().sort()),
        on=["_sheet", "_row"],
        how="left",
    )
    both = truth.rows.join(got, on=["_sheet", "_row"], how="full", suffix="_got")
    assert both.height == truth.rows.height == checked.rows.height
    wrong = both.filter(
        (pl.col("state") != pl.col("state_got"))
        | (pl.col("codes") != pl.col("code").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        | pl.col("state").is_null()
        | pl.col("state_got").is_null()
        | (pl.col("duplicate_of").fill_null(0) != pl.col("duplicate_of_got").fill_null(0))
    )
    assert wrong.is_empty(), wrong.select("_sheet", "_row", "kind", "codes", "code").head(10)
    # The NIK the checker recovered is the one the generator meant.
    niks = checked.rows.select("_sheet", "_row", nik_got="nik").join(
        truth.rows.select("_sheet", "_row", "nik"), on=["_sheet", "_row"]
    )
    assert niks.filter(pl.col("nik").ne_missing(pl.col("nik_got"))).is_empty()


CASES: list[tuple[str, str, int, int, float, dict[str, Any]]] = [
    ("csv", KEDIRI, 1, 2_000, 1.0, {"csv_style": "comma-utf8"}),
    ("csv", KEDIRI, 2, 3_000, 4.0, {"csv_style": "semicolon-cp1252", "header_style": "upper"}),
    ("csv", PEKALONGAN, 3, 4_000, 5.0, {}),
    ("csv", JAYAPURA, 4, 2_500, 5.0, {"title_rows": False}),
    ("xlsx", KEDIRI, 5, 1_500, 3.0, {}),
    ("xlsx", PEKALONGAN, 6, 2_000, 5.0, {"sheets": 3, "header_style": "random"}),
    ("xlsx", JAYAPURA, 7, 1_500, 5.0, {"merge_villages": True}),
    ("xlsx", KEDIRI, 8, 800, 0.0, {"title_rows": False, "header_style": "standard"}),
    ("xlsx", PEKALONGAN, 9, 1_200, 3.0, {"header_style": "two-row", "merge_villages": True}),
    ("csv", KEDIRI, 10, 1_200, 3.0, {"header_style": "two-row", "csv_style": "semicolon-cp1252"}),
]


@pytest.mark.parametrize(("fmt", "regency", "seed", "rows", "scale", "options"), CASES)
def test_checker_matches_ground_truth(
    tmp_path: Path,
    fmt: str,
    regency: str,
    seed: int,
    rows: int,
    scale: float,
    options: dict[str, Any],
) -> None:
    rates = DamageRates().scaled(scale) if scale else DamageRates.none()
    truth = write_messy_file(
        tmp_path / f"list.{fmt}",
        rows=rows,
        regency=regency,
        seed=seed,
        fmt=fmt,  # type: ignore[arg-type]
        rates=rates,
        **options,
    )
    assert truth.summary["rows"] == rows
    if scale >= 3:  # heavy mixes touch every kind of damage
        assert set(truth.rows["kind"].unique()) >= {"nik_scientific", "date_future", "village_typo"}
        assert truth.summary["duplicates_in_file"] > 0
        assert truth.summary["conflicting_rows"] > 0
    _compare(truth, regency)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_nik_damage_heavy_mix(tmp_path: Path, fmt: str) -> None:
    """Many NIKs through number cells: Excel's lost 16th digit makes NIKs collide (conflicts),
    serials become 0000; duplicates of both kinds on top."""
    rates = replace(
        DamageRates.none(),
        nik_number_lost_digit=0.3,
        nik_number_cell=0.2,
        nik_serial_zero=0.05,
        sex_missing=0.1,
        identical_duplicates=0.1,
        conflicting_duplicates=0.1,
    )
    truth = write_messy_file(
        tmp_path / f"heavy.{fmt}",
        rows=2_000,
        regency=JAYAPURA,
        seed=21,
        fmt=fmt,
        rates=rates,  # type: ignore[arg-type]
    )
    assert truth.summary["problems"]["NIK_FROM_NUMBER_BEYOND_FLOAT"] > 0
    _compare(truth, JAYAPURA)


def test_rows_in_the_registry_are_marked(tmp_path: Path) -> None:
    existing = generate_people(300, regency=KEDIRI, seed=99)
    truth = write_messy_file(
        tmp_path / "list.csv",
        rows=1_000,
        regency=KEDIRI,
        seed=11,
        fmt="csv",
        rates=DamageRates(existing=0.2),
        existing=existing,
    )
    marked = truth.rows.filter(pl.col("in_registry"))
    assert 100 < marked.height <= 300
    undamaged = marked.filter(pl.col("kind") == "none")
    assert set(undamaged["nik"].to_list()) <= set(existing["nik"].to_list())
    _compare(truth, KEDIRI)


def test_a_clean_file_is_all_accepted(tmp_path: Path) -> None:
    truth = write_messy_file(
        tmp_path / "clean.xlsx",
        rows=500,
        regency=KEDIRI,
        seed=3,
        fmt="xlsx",
        rates=DamageRates.none(),
    )
    assert truth.summary["accepted"] == 500
    assert truth.summary["problems"] == {}
    _compare(truth, KEDIRI)


def test_same_seed_same_file(tmp_path: Path) -> None:
    first = write_messy_file(tmp_path / "a.csv", rows=300, regency=KEDIRI, seed=5, fmt="csv")
    second = write_messy_file(tmp_path / "b.csv", rows=300, regency=KEDIRI, seed=5, fmt="csv")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.summary == second.summary


# At most 0.03 per kind: any mix stays within the 100 % the rates may add up to.
_rate = st.sampled_from([0.0, 0.0, 0.0, 0.01, 0.03])
_rates = st.fixed_dictionaries(
    {f.name: _rate for f in fields(DamageRates) if f.name != "existing"}
).map(lambda values: DamageRates(**values))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rates=_rates,
    seed=st.integers(0, 10_000),
    rows=st.integers(20, 400),
    fmt=st.sampled_from(["csv", "xlsx"]),
    regency=st.sampled_from([KEDIRI, PEKALONGAN, JAYAPURA]),
)
def test_random_damage_mixes(
    tmp_path_factory: pytest.TempPathFactory,
    rates: DamageRates,
    seed: int,
    rows: int,
    fmt: str,
    regency: str,
) -> None:
    path = tmp_path_factory.mktemp("mix") / f"list.{fmt}"
    truth = write_messy_file(path, rows=rows, regency=regency, seed=seed, fmt=fmt, rates=rates)  # type: ignore[arg-type]
    _compare(truth, regency)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sex_ticked_under_l_and_p_reads_back_as_the_generator_meant(
    tmp_path: Path, fmt: str
) -> None:
    """Two-row headers write sex as ticks: its own column, the other one when the list got it
    wrong, both when it was unreadable, neither when missing — each with its own code."""
    rates = replace(DamageRates.none(), sex_mismatch=0.05, sex_missing=0.05, sex_unreadable=0.05)
    truth = write_messy_file(
        tmp_path / f"centang.{fmt}",
        rows=800,
        regency=KEDIRI,
        seed=31,
        fmt=fmt,  # type: ignore[arg-type]
        rates=rates,
        header_style="two-row",
        csv_style="semicolon-cp1252",
    )
    headers = read_table(truth.path).headers
    assert {"L (Jenis Kelamin)", "P (Jenis Kelamin)", "Jenis Kelamin"} <= set(headers)
    assert truth.headers["sex"] == "Jenis Kelamin"
    problems = truth.summary["problems"]
    assert min(problems[c] for c in ("NIK_SEX_MISMATCH", "SEX_FROM_NIK", "SEX_UNREADABLE")) > 0
    _compare(truth, KEDIRI)


_TWIN_FIELDS = ("name", "birth_date", "sex", "village_code", "village_name", "kecamatan_code",
                "kecamatan_name")  # fmt: skip


def test_two_people_one_nik_and_one_name_are_one_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A NIK that lost its 16th digit in a number cell can be another person's NIK; when that
    person has the same name and birth date (as happens in a million-row list), the checker
    sees one person written twice, and so does the ground truth — not a conflict."""

    def twins(n: int, **kwargs: Any) -> pl.DataFrame:
        people = generate_people(n, **kwargs)
        # Every odd person is the even one before it under the NIK ending in 0 (the number a
        # lost digit makes), at the same place, with the same name, birth date and sex.
        source = (
            people.with_row_index("_i")
            .filter(
                (pl.col("_i") % 2 == 0)
                & ~pl.col("nik").str.ends_with("0")
                & (pl.col("nik").str.slice(12, 3) != "000")  # not a serial 0000
            )
            .select(
                pl.col("_i") + 1,
                pl.col("nik").str.slice(0, 15) + "0",
                *[pl.col(c) for c in _TWIN_FIELDS],
            )
        )
        odd = people.with_row_index("_i")
        odd = odd.drop(source.columns[1:]).join(source, on="_i").select("_i", *people.columns)
        out = people.with_row_index("_i").update(odd, on="_i").drop("_i")
        assert out["nik"].n_unique() == out.height
        return out

    monkeypatch.setattr("jaring.synthetic.messy.generate_people", twins)
    rates = replace(DamageRates.none(), nik_number_lost_digit=0.3)
    truth = write_messy_file(
        tmp_path / "kembar.csv",
        rows=600,
        regency="33.74",
        seed=41,
        fmt="csv",
        rates=rates,
        header_style="standard",
        csv_style="comma-utf8",
    )
    problems = truth.summary["problems"]
    assert problems["NIK_DUPLICATE_SAME_PERSON"] > 20
    _compare(truth, "33.74")
