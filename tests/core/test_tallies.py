"""core.tallies: the rollup to every level and the incremental upsert, on both databases."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import transaction

from jaring.core.tallies import level_of, parent_of, rollup, tally_apply, tally_frame
from jaring.registry.models import PeopleTally


def _rows(*people: tuple[str, int, str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        people,
        schema=["region", "month", "occupation", "sex", "birth_year", "funder"],
        orient="row",
    ).with_columns(occupation_match=pl.lit("synonym"))


def test_levels_and_parents() -> None:
    assert [level_of(c) for c in ("", "35", "35.71", "35.71.01", "35.71.01.1001")] == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert parent_of("35.71.01.1001") == "35.71.01"
    assert parent_of("35") == ""
    assert parent_of("") is None


def test_rollup_counts_every_level_and_keeps_dimensions_down_to_kecamatan() -> None:
    rows = rollup(
        PeopleTally,
        _rows(
            ("35.71.01.1001", 202401, "becak", "L", "1980", "dbhcht"),
            ("35.71.01.1002", 202401, "becak", "P", "1990", "dbhcht"),
            ("35.71.02.1001", 202402, "kader", "P", "1990", ""),
            # A person whose desa is not known counts for the kab/kota and above only.
            ("35.71", 202402, "kader", "P", "", ""),
        ),
    )
    totals = {
        (r["region"], r["month"]): r["n"] for r in rows.filter(dim="all").iter_rows(named=True)
    }
    assert totals[("", 202401)] == 2 and totals[("", 202402)] == 2
    assert totals[("35.71", 202402)] == 2
    assert totals[("35.71.02", 202402)] == 1
    assert ("35.71.01.1001", 202401) in totals
    by_sex = rows.filter(dim="sex", region="35.71.01")
    assert dict(zip(by_sex["value"], by_sex["n"], strict=True)) == {"L": 1, "P": 1}
    # Below kecamatan only totals are kept.
    assert rows.filter(pl.col("level") == 4)["dim"].unique().to_list() == ["all"]
    assert rows.filter(region="35.71.01.1001")["parent"].to_list() == ["35.71.01"]


@pytest.mark.django_db(transaction=True)
def test_apply_adds_and_takes_away_until_nothing_is_left() -> None:
    person = _rows(("36.72.01.1001", 202408, "linmas", "L", "1970", "apbd"))
    with transaction.atomic():
        tally_apply(PeopleTally, plus=pl.concat([person, person]))
    with transaction.atomic():
        tally_apply(PeopleTally, plus=person)
    stored = tally_frame(PeopleTally)
    assert stored.filter(region="36.72", dim="all")["n"].to_list() == [3]
    assert stored.filter(region="", dim="occupation", value="linmas")["n"].to_list() == [3]
    with transaction.atomic():
        tally_apply(PeopleTally, minus=pl.concat([person, person, person]))
    assert tally_frame(PeopleTally).is_empty()
