"""Hard negatives (issue 12): people who look alike but are not one person — a father and a son
of one name sharing the family's phone, twins with consecutive NIK serials, common names in one
desa — are never "likely duplicates"; a birth date with day and month swapped, or one year digit
mistyped, still is a near match."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest

from jaring.registry.matching import DEFAULT_THRESHOLD, MatchModel, MatchSettings, find_pairs
from jaring.registry.matching.services import candidates_merge_likely
from jaring.registry.models import CandidateStatus, MatchCandidate, MatchRun, MatchRunKind
from jaring.rules.nik import build_nik
from jaring.synthetic.registries import INPUT_SCHEMA, hard_negatives, people_frame

FIRST_ID = 2_000_000
KEC, DESA = "35.71.01", "35.71.01.1001"
PHONE = "+6281234500001"


def _person(
    pid: int, name: str, born: date | None, sex: str, serial: int, **extra: Any
) -> dict[str, Any]:
    nik = build_nik(KEC, born or date(1980, 1, 1), sex, serial)
    return {"person_id": FIRST_ID + pid, "name": name, "nik": nik, "birth_date": born, "sex": sex,
            "village_code": DESA, "phone": extra.get("phone"), **extra}  # fmt: skip


def _pairs(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings, rows: list[dict[str, Any]]
) -> dict[tuple[int, int], float]:
    crafted = people_frame([{k: r.get(k) for k in INPUT_SCHEMA} for r in rows])
    pairs = find_pairs(
        pl.concat([people, crafted]), model=model, threshold=0.001, settings=settings
    )
    ours = pairs.filter(pl.col("person_id_l") >= FIRST_ID)
    return {
        (a - FIRST_ID, b - FIRST_ID): p
        for a, b, p in ours.select("person_id_l", "person_id_r", "match_probability").iter_rows()
    }


def test_father_and_son_of_one_name_sharing_a_phone_are_not_likely(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    rows = [
        _person(1, "Budi Santoso", date(1961, 4, 12), "L", 21, phone=PHONE),
        _person(2, "Budi Santoso", date(1989, 7, 3), "L", 22, phone=PHONE),
    ]
    scores = _pairs(people, model, settings, rows)
    assert scores.get((1, 2), 0.0) < DEFAULT_THRESHOLD


def test_hard_negatives_and_near_matches(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    twin_born = date(1990, 6, 14)
    rows = [
        # father and son, names alike, the family's phone
        _person(1, "Slamet Riyadi", date(1958, 2, 10), "L", 31, phone=PHONE),
        _person(2, "Slamet Riyadi Putra", date(1986, 9, 23), "L", 32, phone=PHONE),
        # twins: one birth date, consecutive serials, one phone
        _person(3, "Hasan Basri", twin_born, "L", 41, phone="+6281234500002"),
        _person(4, "Husein Basri", twin_born, "L", 42, phone="+6281234500002"),
        # common names in one desa
        _person(5, "Siti Aminah", date(1975, 3, 2), "P", 51),
        _person(6, "Siti Aminah", date(1990, 11, 20), "P", 52),
        _person(7, "Sri Wahyuni", date(1979, 1, 15), "P", 61),
        _person(8, "Sri Wahyuni", date(1981, 8, 30), "P", 62),
    ]
    # near matches: day and month swapped; one year digit mistyped (the NIK re-typed with it)
    swapped = _person(9, "Agus Salim", date(1982, 4, 11), "L", 71, phone="+6281234500003")
    rows += [swapped, {**swapped, "person_id": FIRST_ID + 10, "birth_date": date(1982, 11, 4)}]
    typo = _person(11, "Dewi Lestari", date(1985, 7, 19), "P", 81, phone="+6281234500004")
    rows += [typo, {**typo, "person_id": FIRST_ID + 12, "birth_date": date(1965, 7, 19)}]
    scores = _pairs(people, model, settings, rows)
    for pair in [(1, 2), (3, 4), (5, 6), (7, 8)]:
        assert scores.get(pair, 0.0) < DEFAULT_THRESHOLD, pair
    for pair in [(9, 10), (11, 12)]:
        assert scores.get(pair, 0.0) >= DEFAULT_THRESHOLD, pair


@pytest.mark.django_db
def test_merge_all_likely_leaves_pairs_with_contradicting_evidence(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    """ "Merge all likely" merges a high-scoring pair only when nothing contradicts it: birth
    dates years apart or another sex wait for a person."""
    people = add_people(6, "35.71", seed=5)["id"].to_list()
    run = MatchRun.objects.create(kind=MatchRunKind.FULL, threshold=0.5)
    evidence = {f"evidence_{f}": "exact" for f in ("name", "nik", "village", "phone")}
    weights = {f"weight_{f}": 1.0 for f in ("name", "birth_date", "nik", "sex", "village", "phone")}
    for (low, high), born, sex in [
        ((people[0], people[1]), "exact", "same"),
        ((people[2], people[3]), "years_apart", "same"),
        ((people[4], people[5]), "exact", "different"),
    ]:
        MatchCandidate.objects.create(
            run=run, person_low_id=low, person_high_id=high, probability=0.999, match_weight=20,
            evidence_birth_date=born, evidence_sex=sex, **evidence, **weights,
        )  # fmt: skip
    merged = candidates_merge_likely(
        MatchCandidate.objects.all(), user=None, min_probability=DEFAULT_THRESHOLD
    )
    assert merged == 1
    still_open = MatchCandidate.objects.filter(status=CandidateStatus.OPEN)
    assert sorted(still_open.values_list("evidence_birth_date", "evidence_sex")) == [
        ("exact", "different"),
        ("years_apart", "same"),
    ]


def test_the_synthetic_hard_negatives_are_not_merged(
    registry: pl.DataFrame, people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    """The bench's hard-negative set (bench/matching.py reports its false-merge rate)."""
    records, pairs = hard_negatives(registry, 60, seed=3)
    assert set(pairs["kind"]) == {"father_son", "twins", "common_name_desa"}
    columns = list(INPUT_SCHEMA)
    scored = find_pairs(
        pl.concat([people.select(columns), records.select(columns)]),
        model=model,
        settings=settings,
    )
    merged = pairs.join(scored, on=["person_id_l", "person_id_r"])
    by_kind = dict(merged.group_by("kind").len().iter_rows())
    assert by_kind.get("father_son", 0) == by_kind.get("common_name_desa", 0) == 0
    assert merged.height <= 0.05 * pairs.height
