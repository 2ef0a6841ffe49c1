"""find_pairs on a small synthetic registry: every kind of duplicate is found, look-alikes are
not, the evidence is readable, exclusions never come back, missing birth dates are fine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest

from jaring.registry.matching import (
    DEFAULT_THRESHOLD,
    EVIDENCE_LABELS,
    FIELDS,
    MatchModel,
    MatchSettings,
    find_pairs,
)
from jaring.rules.nik import build_nik
from jaring.synthetic.evaluation import pair_scores, pair_set
from jaring.synthetic.registries import INPUT_SCHEMA, people_frame, person_row

INPUT_COLUMNS = list(INPUT_SCHEMA)

Row = dict[str, Any]
FIRST_NEW_ID = 1_000_000


def _originals(registry: pl.DataFrame) -> pl.DataFrame:
    """Registry people without a duplicate of their own, with every field present."""
    duplicated = registry.filter(pl.col("record_kind") == "duplicate")["true_id"].implode()
    return registry.filter(
        (pl.col("record_kind") == "original")
        & ~pl.col("true_id").is_in(duplicated)
        & pl.col("birth_date").is_not_null()
        & pl.col("phone").is_not_null()
        & (pl.col("name").str.len_chars() >= 8)
    ).sort("person_id")


def _digit(nik: str, position: int) -> str:
    return nik[:position] + str((int(nik[position]) + 3) % 10) + nik[position + 1 :]


def _other_desa(registry: pl.DataFrame, row: Row, *, same_kecamatan: bool) -> str:
    prefix = row["village_code"][:8] if same_kecamatan else "35.06."
    codes = registry.filter(
        pl.col("village_code").str.starts_with(prefix)
        & (pl.col("village_code") != row["village_code"])
    )["village_code"]
    return str(codes.sort()[0])


CHANGES: dict[str, Callable[[Row], Row]] = {
    "honorific": lambda r: {**r, "name": ("Hj. " if r["sex"] == "P" else "H. ") + r["name"]},
    "degree": lambda r: {**r, "name": r["name"] + ", S.Pd"},
    "upper_case": lambda r: {**r, "name": r["name"].upper()},
    "old_spelling": lambda r: {**r, "name": r["name"].replace("u", "oe").replace("j", "dj")},
    "typo": lambda r: {**r, "name": r["name"][:-3] + r["name"][-2] + r["name"][-3] + r["name"][-1]},
    "nik_one_digit": lambda r: {**r, "nik": _digit(r["nik"], 14)},
    "nik_two_digits": lambda r: {**r, "nik": _digit(_digit(r["nik"], 3), 15)},
    "nik_transposed": lambda r: {
        **r,
        "nik": r["nik"][:12] + r["nik"][13] + r["nik"][12] + r["nik"][14:],
    },
    "same_nik_other_fields": lambda r: {
        **r,
        "phone": "+6281299990000",
        "birth_date": r["birth_date"].replace(year=r["birth_date"].year + 1)
        if r["birth_date"].month != 2
        else r["birth_date"] + timedelta(days=365),
    },
    "birth_year_off": lambda r: {
        **r,
        "birth_date": r["birth_date"].replace(year=r["birth_date"].year - 1)
        if r["birth_date"].month != 2
        else r["birth_date"] - timedelta(days=365),
    },
    "birth_date_missing": lambda r: {**r, "birth_date": None},
    "phone_missing": lambda r: {**r, "phone": None},
    "phone_other": lambda r: {**r, "phone": "+6285711112222"},
}


def _crafted(registry: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, tuple[int, int]]]:
    """One duplicate per kind of change, each of a different original."""
    originals = _originals(registry).to_dicts()
    rows: list[Row] = []
    pairs: dict[str, tuple[int, int]] = {}
    candidates = iter(originals)

    def take(condition: Callable[[Row], bool]) -> Row:
        return next(r for r in candidates if condition(r))

    def add(kind: str, original: Row, copy: Row) -> None:
        new_id = FIRST_NEW_ID + len(rows)
        rows.append({**{k: copy[k] for k in INPUT_COLUMNS}, "person_id": new_id})
        pairs[kind] = (original["person_id"], new_id)

    for kind, change in CHANGES.items():
        if kind == "old_spelling":
            original = take(lambda r: "u" in r["name"] or "j" in r["name"])
        elif kind == "nik_transposed":
            original = take(lambda r: r["nik"][12] != r["nik"][13])
        else:
            original = take(lambda r: True)
        add(kind, original, change(original))
    muhammad = take(lambda r: r["name"].lower().startswith("muhammad "))
    add("muhammad_variant", muhammad, {**muhammad, "name": "Moch. " + muhammad["name"][9:]})
    swappable = take(
        lambda r: r["birth_date"].day <= 12 and r["birth_date"].day != r["birth_date"].month
    )
    bd = swappable["birth_date"]
    add(
        "day_month_swapped", swappable, {**swappable, "birth_date": date(bd.year, bd.day, bd.month)}
    )
    near = take(lambda r: True)
    add(
        "neighbouring_desa",
        near,
        {**near, "village_code": _other_desa(registry, near, same_kecamatan=True)},
    )
    if muhammad["village_code"].startswith("35.71."):
        moved = muhammad
    else:
        moved = take(lambda r: r["village_code"].startswith("35.71."))
    add(
        "neighbouring_regency_list",
        moved,
        {**moved, "village_code": _other_desa(registry, moved, same_kecamatan=False)},
    )
    return people_frame(rows), pairs


@pytest.fixture(scope="module")
def crafted(registry: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, tuple[int, int]]]:
    return _crafted(registry)


@pytest.fixture(scope="module")
def crafted_pairs(
    people: pl.DataFrame,
    model: MatchModel,
    settings: MatchSettings,
    crafted: tuple[pl.DataFrame, dict[str, tuple[int, int]]],
) -> pl.DataFrame:
    everyone = pl.concat([people, crafted[0]])
    return find_pairs(everyone, model=model, settings=settings)


@pytest.mark.parametrize(
    "kind",
    [
        *CHANGES,
        "muhammad_variant",
        "day_month_swapped",
        "neighbouring_desa",
        "neighbouring_regency_list",
    ],
)
def test_each_kind_of_duplicate_is_found(
    kind: str,
    crafted: tuple[pl.DataFrame, dict[str, tuple[int, int]]],
    crafted_pairs: pl.DataFrame,
) -> None:
    assert crafted[1][kind] in pair_set(crafted_pairs)


def _look_alikes(registry: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """A twin, a sibling, a namesake elsewhere and two more "Siti Aminah" of one city."""
    base = next(
        r
        for r in _originals(registry).to_dicts()
        if len(r["name"].split()) == 2
        and r["village_code"].startswith("35.71.")
        and r["sex"] == "L"
    )
    surname = base["name"].split()[1]
    born: date = base["birth_date"]
    twin_nik = base["nik"][:12] + f"{int(base['nik'][12:]) + 1:04d}"
    rows = [
        # Same surname, desa, birth date and household phone; another given name.
        {**base, "person_id": 2_000_001, "name": f"Slamet {surname}", "nik": twin_nik},
        # A brother three years younger.
        person_row(
            2_000_002,
            name=f"Yohanes {surname}",
            birth_date=born + timedelta(days=3 * 365 + 40),
            village_code=base["village_code"],
            phone=base["phone"],
        ),
        # Same name, sex and birth date, living (and registered) in Kabupaten Malang.
        person_row(
            2_000_003,
            name=base["name"],
            birth_date=born,
            village_code="35.07.01.2001",
            phone="+6281377770000",
            serial=77,
        ),
        person_row(2_000_004, name="Siti Aminah", birth_date=date(1979, 3, 2), sex="P"),
        person_row(
            2_000_005,
            name="SITI AMINAH",
            birth_date=date(1984, 7, 9),
            sex="P",
            village_code="35.71.01.1002",
        ),
        person_row(
            2_000_006,
            name="St. Aminah",
            birth_date=date(1991, 11, 23),
            sex="P",
            village_code="35.71.02.1001",
        ),
    ]
    rows = [{k: r[k] for k in INPUT_COLUMNS} for r in rows]
    negatives = [
        (base["person_id"], 2_000_001),
        (base["person_id"], 2_000_002),
        (base["person_id"], 2_000_003),
    ]
    negatives += [(2_000_004, 2_000_005), (2_000_004, 2_000_006), (2_000_005, 2_000_006)]
    return people_frame(rows), negatives


def test_look_alikes_are_not_matched(
    registry: pl.DataFrame, people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    extra, negatives = _look_alikes(registry)
    pairs = find_pairs(pl.concat([people, extra]), model=model, settings=settings)
    assert not pair_set(pairs) & set(negatives)


def test_quality_on_the_small_registry(
    registry: pl.DataFrame, people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    scores = pair_scores(find_pairs(people, model=model, settings=settings), registry)
    assert scores.recall >= 0.9
    assert scores.precision >= 0.9


def test_pairs_carry_probability_weight_and_readable_evidence(crafted_pairs: pl.DataFrame) -> None:
    assert crafted_pairs.columns[:4] == [
        "person_id_l",
        "person_id_r",
        "match_probability",
        "match_weight",
    ]
    assert (crafted_pairs["person_id_l"] < crafted_pairs["person_id_r"]).all()
    assert {"source_l", "source_r"} <= set(crafted_pairs.columns)
    assert crafted_pairs["match_probability"].min() >= DEFAULT_THRESHOLD
    assert crafted_pairs["match_probability"].is_sorted(descending=True)
    for field in FIELDS:
        keys = crafted_pairs[f"evidence_{field}"].unique().to_list()
        assert all((field, key) in EVIDENCE_LABELS for key in keys)
        assert crafted_pairs[f"weight_{field}"].dtype == pl.Float64


def test_evidence_names_what_differs(
    crafted: tuple[pl.DataFrame, dict[str, tuple[int, int]]], crafted_pairs: pl.DataFrame
) -> None:
    def evidence(kind: str, field: str) -> str:
        left, right = crafted[1][kind]
        row = crafted_pairs.filter(
            (pl.col("person_id_l") == left) & (pl.col("person_id_r") == right)
        )
        return str(row[f"evidence_{field}"].item())

    assert evidence("honorific", "name") == "exact"
    assert evidence("degree", "name") == "exact"
    assert evidence("typo", "name") == "jw_92"
    assert evidence("birth_year_off", "birth_date") == "year_off"
    assert evidence("day_month_swapped", "birth_date") == "day_month_swapped"
    assert evidence("birth_date_missing", "birth_date") == "missing"
    assert evidence("phone_other", "phone") == "different"
    assert evidence("neighbouring_desa", "village") == "same_kecamatan"
    assert evidence("nik_one_digit", "nik") == "serial_differs_same_kecamatan"
    assert evidence("same_nik_other_fields", "nik") == "exact"


def test_a_lower_threshold_returns_more_pairs(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    strict = find_pairs(people, model=model, threshold=0.99, settings=settings)
    loose = find_pairs(people, model=model, threshold=0.5, settings=settings)
    assert pair_set(strict) < pair_set(loose)
    assert loose["match_probability"].min() >= 0.5


def test_excluded_pairs_never_come_back(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    pairs = find_pairs(people, model=model, settings=settings)
    marked = pairs.head(3)
    # The reviewer's table may list a pair either way round.
    exclusions = marked.select(person_id_l="person_id_r", person_id_r="person_id_l")
    again = find_pairs(people, model=model, settings=settings, exclusions=exclusions)
    assert not pair_set(again) & pair_set(marked)
    assert pair_set(again) == pair_set(pairs) - pair_set(marked)


def test_people_without_birth_dates_are_matched_on_the_other_fields(
    registry: pl.DataFrame, people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    halved = people.with_columns(
        birth_date=pl.when(pl.col("person_id") % 2 == 0).then(None).otherwise(pl.col("birth_date"))
    )
    pairs = find_pairs(halved, model=model, settings=settings)
    without = pairs.filter(pl.col("evidence_birth_date") == "missing")
    assert without.height > 50
    assert pair_scores(without, registry).precision >= 0.9


def test_a_person_alone_in_a_tiny_list_gives_no_pairs(
    model: MatchModel, settings: MatchSettings
) -> None:
    one = people_frame([person_row(1, name="Budi Santoso", birth_date=date(1980, 1, 1))])
    assert find_pairs(one, model=model, settings=settings).is_empty()


def test_nik_is_built_like_the_rules_engine_does() -> None:
    # The helper relies on build_nik; a women's day carries +40.
    assert build_nik("35.71.01", date(1990, 5, 7), "P", 3)[6:8] == "47"
