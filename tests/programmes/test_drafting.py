"""Programmes and their draft decrees: eligibility explained rule by rule, priority, and the
fit to quota and budget (the iuran from the rules engine)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import pytest

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.programmes.messages import entry_explanation
from jaring.programmes.models import DecreeEntry, EntryStatus, Programme
from jaring.programmes.services import (
    CategorySpec,
    ProgrammeError,
    decree_draft,
    draft_summary,
    entry_add,
    entry_remove,
    programme_create,
)
from jaring.registry.models import Person, PersonStatus
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def _programme(**fields: object) -> Programme:
    values: dict[str, object] = {
        "user": None,
        "region_code": "35.71",
        "name": "Jamsostek pekerja rentan Kota Kediri",
        "year": 2024,
        "funder": "dbhcht",
        "months": 12,
    }
    values.update(fields)
    programme, _findings = programme_create(**values)  # type: ignore[arg-type]
    return programme


def test_explanations_say_rule_by_rule_why(register: Callable[..., pl.DataFrame]) -> None:
    people = register(
        5,
        occupation_code=["becak", "becak", "kader", "nelayan", "becak"],
        birth_date=[born(30), born(67), born(40), born(45), born(17)],
    )
    ids = people["id"].to_list()
    Person.objects.filter(pk=ids[4]).update(status=PersonStatus.DECEASED)
    programme = _programme(categories=[CategorySpec("becak"), CategorySpec("kader")])
    decree = decree_draft(user=None, programme=programme)
    entries = {
        e.person_id: e
        for e in DecreeEntry.objects.filter(decree=decree).select_related(
            "decree", "region", "occupation"
        )
    }
    assert entries[ids[0]].status == EntryStatus.INCLUDED
    assert entries[ids[2]].status == EntryStatus.INCLUDED
    assert entries[ids[1]].status == EntryStatus.EXCLUDED
    assert "usia 67 > 65" in entry_explanation(entries[ids[1]])
    assert entries[ids[3]].status == EntryStatus.EXCLUDED
    assert any("Nelayan" in line for line in entry_explanation(entries[ids[3]]))
    # Deceased and under age: both rules are explained, the first one is counted.
    dead = entry_explanation(entries[ids[4]])
    assert "meninggal dunia" in dead[0] and "usia 17 < 18" in dead
    summary = draft_summary(decree)
    assert (summary.people, summary.eligible, summary.over_quota) == (2, 2, 0)
    assert summary.excluded == {"deceased": 1, "category": 1, "age_above": 1}


def test_quota_and_budget_fit_in_rank_order(register: Callable[..., pl.DataFrame]) -> None:
    register(30, occupation_code="becak", birth_date=born(40))
    programme = _programme(quota=20, budget=16_800 * 12 * 15 + 16_799)
    decree = decree_draft(user=None, programme=programme)
    summary = draft_summary(decree)
    # The quota takes 20; the budget pays for 15 people for 12 months at Rp 16.800.
    assert (summary.people, summary.eligible, summary.over_quota) == (15, 30, 15)
    assert summary.monthly_iuran == 15 * 16_800
    assert summary.total_iuran == 15 * 16_800 * 12
    ranks = list(
        DecreeEntry.objects.filter(decree=decree, status=EntryStatus.INCLUDED)
        .order_by("rank")
        .values_list("rank", flat=True)
    )
    assert ranks == list(range(1, 16))
    over = DecreeEntry.objects.filter(decree=decree, status=EntryStatus.OVER_LIMIT)
    assert over.filter(reasons=1024).count() == 10  # over the quota
    assert over.filter(reasons=2048).count() == 5  # within the quota, over the budget


def test_category_quota_and_priority(register: Callable[..., pl.DataFrame]) -> None:
    register(10, occupation_code="kader", birth_date=born(40), seed=1)
    register(10, occupation_code="becak", birth_date=born(40), seed=2)
    programme = _programme(
        quota=12,
        categories=[CategorySpec("becak", quota=4), CategorySpec("kader")],
    )
    decree = decree_draft(user=None, programme=programme)
    included = DecreeEntry.objects.filter(decree=decree, status=EntryStatus.INCLUDED)
    assert included.filter(occupation_id="becak").count() == 4
    assert included.filter(occupation_id="kader").count() == 8
    # becak has priority: its four come first.
    first_four = included.order_by("rank")[:4]
    assert {e.occupation_id for e in first_four} == {"becak"}


def test_hand_changes_survive_a_new_computation(register: Callable[..., pl.DataFrame]) -> None:
    people = register(6, occupation_code="becak", birth_date=born(40))
    outsider = register(1, "36.72", seed=9, occupation_code="becak", birth_date=born(70))
    programme = _programme(quota=5)
    decree = decree_draft(user=None, programme=programme)
    removed_id = DecreeEntry.objects.get(decree=decree, rank=1).person_id
    entry_remove(user=None, decree=decree, person_id=removed_id, reason="withdrew")
    entry_add(user=None, decree=decree, person_id=outsider["id"][0], note="keputusan rapat")
    decree = decree_draft(user=None, programme=programme)
    statuses = dict(DecreeEntry.objects.filter(decree=decree).values_list("person_id", "status"))
    assert statuses[removed_id] == EntryStatus.REMOVED
    assert statuses[outsider["id"][0]] == EntryStatus.ADDED
    # Quota 5: the added person takes a place; four of the other five remain.
    assert sum(1 for s in statuses.values() if s == EntryStatus.INCLUDED) == 4
    assert len(people) == 6


def test_removal_needs_a_known_reason(register: Callable[..., pl.DataFrame]) -> None:
    register(2, occupation_code="becak", birth_date=born(40))
    decree = decree_draft(user=None, programme=_programme())
    person_id = DecreeEntry.objects.filter(decree=decree).first().person_id  # type: ignore[union-attr]
    with pytest.raises(ProgrammeError) as error:
        entry_remove(user=None, decree=decree, person_id=person_id, reason="bored")
    assert error.value.code == "REASON_REQUIRED"
    with pytest.raises(ProgrammeError, match="catatan"):
        entry_remove(user=None, decree=decree, person_id=person_id, reason="other")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"quota": -1}, "QUOTA_NEGATIVE"),
        ({"budget": -5}, "BUDGET_NEGATIVE"),
        ({"months": 0}, "MONTHS_INVALID"),
        ({"age_min": 70, "age_max": 60}, "AGE_RANGE_INVALID"),
        ({"region_code": "99.99"}, "REGION_UNKNOWN"),
        ({"region_code": "35.71.01"}, "REGION_LEVEL"),
        (
            {
                "region_code": "33.10.19.2018",
                "funder": "apbdes",
                "apbdes_source": "dana-desa",
            },
            "DANA_DESA_PREMIUM_FORBIDDEN",
        ),
        ({"categories": [CategorySpec("astronot")]}, "CATEGORY_UNKNOWN"),
    ],
)
def test_programmes_refused_with_a_reason(fields: dict[str, object], code: str) -> None:
    with pytest.raises(ProgrammeError) as error:
        _programme(**fields)
    assert error.value.code == code
    assert Programme.objects.count() == 0


def test_unverified_rules_warn_and_never_block() -> None:
    programme, findings = programme_create(
        user=None,
        region_code="33.10.19.2018",
        name="APBDes Wunut",
        year=2025,
        funder="apbdes",
        apbdes_source="add",
        age_max=70,
    )
    codes = {f.code: f.severity for f in findings}
    assert codes["APBDES_SOURCE_UNSETTLED"] == "warning"
    assert codes["AGE_MAX_ABOVE_PRACTICE"] == "warning"
    assert programme.wadah == "SD"


def test_a_region_outside_the_users_scope(make_user: Callable[..., User]) -> None:
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    with pytest.raises(ProgrammeError) as error:
        _programme(user=user, region_code="36.72")
    assert error.value.code == "REGION_OUT_OF_SCOPE"
    assert _programme(user=user).created_by == user


def test_a_desa_programme_takes_only_its_desa(register: Callable[..., pl.DataFrame]) -> None:
    register(5, "33.10", within="33.10.19.2018", occupation_code="petani", birth_date=born(40))
    register(5, "33.10", seed=3, occupation_code="petani", birth_date=born(40))
    programme = _programme(
        region_code="33.10.19.2018", funder="apbdes", apbdes_source="pades", name="Wunut"
    )
    decree = decree_draft(user=None, programme=programme)
    assert decree.people == 5
    assert decree.first_month == date(2024, 1, 1) and decree.last_month == date(2024, 12, 1)
