"""Signing: frozen versions, the memberships they start and end, diffs with reasons, and the
double-funding flag."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import pytest

from jaring.programmes.models import (
    Decree,
    DecreeEntry,
    DecreeMember,
    DecreeStatus,
    EntryStatus,
    Membership,
    Programme,
)
from jaring.programmes.selectors import decree_diff
from jaring.programmes.services import (
    ProgrammeError,
    decree_draft,
    decree_sign,
    entry_add,
    entry_remove,
    programme_create,
    programme_update,
)
from jaring.registry.models import Person, PersonStatus
from jaring.rules.months import Month
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def _kediri(**fields: object) -> Programme:
    values: dict[str, object] = {
        "user": None,
        "region_code": "35.71",
        "name": "Jamsostek pekerja rentan DBHCHT",
        "year": 2023,
        "funder": "dbhcht",
        "first_month": date(2023, 9, 1),
        "months": 4,
        "legal_basis": "Perwali 34/2023",
    }
    values.update(fields)
    programme, _ = programme_create(**values)  # type: ignore[arg-type]
    return programme


def test_signing_freezes_and_starts_memberships(register: Callable[..., pl.DataFrame]) -> None:
    people = register(12, occupation_code="becak", birth_date=born(40))
    programme = _kediri()
    draft = decree_draft(user=None, programme=programme)
    assert (draft.version, draft.people, draft.total_iuran) == (1, 12, 12 * 16_800 * 4)
    signed = decree_sign(
        user=None, decree=draft, number="188.45/123/419.033/2023", signed_on=date(2023, 8, 28)
    )
    assert signed.status == DecreeStatus.SIGNED
    assert signed.issuer == "Wali Kota Kediri"
    assert DecreeMember.objects.filter(decree=signed).count() == 12
    # Positions 1..12 in desa and name order.
    assert sorted(
        DecreeMember.objects.filter(decree=signed).values_list("position", flat=True)
    ) == list(range(1, 13))
    # Memberships: every beneficiary, September to December 2023.
    assert Membership.objects.filter(programme=programme).covering(Month(2023, 10)).count() == 12
    assert not Membership.objects.covering(Month(2024, 1)).exists()
    member = Membership.objects.get(person_id=people["id"][0])
    assert (member.first_month, member.last_month, member.since_month) == (
        date(2023, 9, 1),
        date(2023, 12, 1),
        date(2023, 9, 1),
    )
    assert member.income_basis == 1_000_000 and member.funder == "dbhcht"
    # A registry edit after signing leaves the frozen row alone.
    frozen = DecreeMember.objects.get(decree=signed, person_id=people["id"][0])
    Person.objects.filter(pk=people["id"][0]).update(name="NAMA BARU", address="Jl. Baru 1")
    assert DecreeMember.objects.get(decree=signed, person_id=people["id"][0]).name == frozen.name


def test_a_signed_version_never_changes(register: Callable[..., pl.DataFrame]) -> None:
    register(3, occupation_code="becak", birth_date=born(40))
    draft = decree_draft(user=None, programme=_kediri())
    signed = decree_sign(user=None, decree=draft, number="1/2023", signed_on=date(2023, 8, 28))
    with pytest.raises(ProgrammeError) as twice:
        decree_sign(user=None, decree=signed, number="2/2023", signed_on=date(2023, 8, 29))
    assert twice.value.code == "DECREE_SIGNED"
    person_id = DecreeMember.objects.filter(decree=signed).first().person_id  # type: ignore[union-attr]
    with pytest.raises(ProgrammeError) as edit:
        entry_remove(user=None, decree=signed, person_id=person_id, reason="withdrew")
    assert edit.value.code == "DECREE_SIGNED"
    signed.refresh_from_db()
    assert (signed.number, signed.signed_on) == ("1/2023", date(2023, 8, 28))
    assert DecreeEntry.objects.get(decree=signed, person_id=person_id).status == "included"
    # The terms it was issued on are frozen on the programme too.
    with pytest.raises(ProgrammeError) as frozen:
        programme_update(user=None, programme=signed.programme, funder="apbd")
    assert frozen.value.code == "PROGRAMME_FROZEN_FIELD"


def test_a_second_version_with_its_diff_and_reasons(register: Callable[..., pl.DataFrame]) -> None:
    people = register(10, occupation_code="becak", birth_date=born(40))
    ids = people["id"].to_list()
    programme = _kediri()
    v1 = decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=programme),
        number="1",
        signed_on=date(2023, 8, 28),
    )
    # 2024: eight more months; one died, one turned 66, one withdrew, four newcomers.
    programme_update(user=None, programme=programme, months=12)
    Person.objects.filter(pk=ids[0]).update(status=PersonStatus.DECEASED)
    Person.objects.filter(pk=ids[1]).update(birth_date=date(1957, 6, 1))
    newcomers = register(4, seed=7, occupation_code="kader", birth_date=born(30))
    draft = decree_draft(user=None, programme=programme)
    assert (draft.version, draft.previous_id) == (2, v1.pk)
    assert (draft.first_month, draft.last_month) == (date(2024, 1, 1), date(2024, 8, 1))
    entry_remove(user=None, decree=draft, person_id=ids[2], reason="withdrew")
    v2 = decree_sign(user=None, decree=draft, number="2", signed_on=date(2023, 12, 20))
    assert v2.people == 7 + 4 and v2.total_iuran == 11 * 16_800 * 8
    diff = decree_diff(v2, v1)  # either order: older first
    assert (diff.added, diff.removed, diff.kept) == (4, 3, 7)
    assert diff.removed_by_reason == {"died": 1, "over_age": 1, "withdrew": 1}
    assert set(diff.added_ids) == set(newcomers["id"].to_list())
    # Memberships: kept people continue (member since September 2023); leavers end in December.
    kept = Membership.objects.get(person_id=ids[5], decree=v2)
    assert (kept.first_month, kept.since_month) == (date(2024, 1, 1), date(2023, 9, 1))
    assert Membership.objects.filter(person_id=ids[5]).count() == 2
    left = Membership.objects.get(person_id=ids[0])
    assert left.last_month == date(2023, 12, 1)
    new = Membership.objects.get(person_id=newcomers["id"][0])
    assert new.since_month == date(2024, 1, 1)
    assert Membership.objects.filter(programme=programme).covering(Month(2024, 3)).count() == 11
    assert Membership.objects.filter(programme=programme).covering(Month(2023, 12)).count() == 10


def test_an_amendment_cuts_the_months_it_takes_over(register: Callable[..., pl.DataFrame]) -> None:
    people = register(4, occupation_code="becak", birth_date=born(40))
    ids = people["id"].to_list()
    programme = _kediri(months=12, year=2024, first_month=date(2024, 1, 1))
    v1 = decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=programme),
        number="1",
        signed_on=date(2024, 1, 2),
    )
    Person.objects.filter(pk=ids[0]).update(status=PersonStatus.DECEASED)
    draft = decree_draft(user=None, programme=programme, first_month=Month(2024, 5))
    v2 = decree_sign(user=None, decree=draft, number="2", signed_on=date(2024, 4, 20))
    dead = Membership.objects.get(person_id=ids[0])
    assert (dead.last_month, dead.end_reason, dead.ended_by_id) == (date(2024, 4, 1), "died", v2.pk)
    first, second = Membership.objects.filter(person_id=ids[1]).order_by("first_month")
    assert (first.last_month, first.end_reason) == (date(2024, 4, 1), "continued")
    assert (second.first_month, second.last_month, second.since_month) == (
        date(2024, 5, 1),
        date(2024, 12, 1),
        date(2024, 1, 1),
    )
    # One membership per person and month: nobody is covered twice by the programme.
    assert Membership.objects.filter(programme=programme).covering(Month(2024, 5)).count() == 3
    assert v1.pk != v2.pk
    with pytest.raises(ProgrammeError) as early:
        decree_draft(user=None, programme=programme, first_month=Month(2024, 5))
    assert early.value.code == "VERSION_START_TOO_EARLY"


def test_double_funding_is_excluded_then_flagged_never_dropped(
    register: Callable[..., pl.DataFrame],
) -> None:
    people = register(5, occupation_code="becak", birth_date=born(40))
    ids = people["id"].to_list()
    kediri = _kediri()
    decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=kediri),
        number="1",
        signed_on=date(2023, 8, 1),
    )
    sponsor, _ = programme_create(
        user=None,
        region_code="35.71",
        name="Paket GN Lingkaran PT Maju",
        year=2023,
        funder="gn-lingkaran",
        sponsor="PT Maju",
        first_month=date(2023, 11, 1),
        months=6,
    )
    draft = decree_draft(user=None, programme=sponsor)
    entry = DecreeEntry.objects.get(decree=draft, person_id=ids[0])
    assert entry.status == EntryStatus.EXCLUDED and entry.conflict_programme_id == kediri.pk
    assert draft.people == 0 and draft.not_eligible == 5
    # A reviewer adds one anyway: both memberships are flagged, none is dropped.
    entry_add(user=None, decree=draft, person_id=ids[0], note="pindah pendanaan mulai 2024")
    decree_sign(user=None, decree=draft, number="CSR-1", signed_on=date(2023, 10, 30))
    both = Membership.objects.filter(person_id=ids[0])
    assert both.count() == 2 and all(m.double_funded for m in both)
    assert not Membership.objects.filter(person_id=ids[1], double_funded=True).exists()


def test_signing_refuses_what_it_must(register: Callable[..., pl.DataFrame]) -> None:
    register(3, occupation_code="becak", birth_date=born(40))
    empty = _kediri(name="Tanpa penerima", categories=[])
    programme_update(user=None, programme=empty, age_min=90, age_max=95)
    draft = decree_draft(user=None, programme=empty)
    with pytest.raises(ProgrammeError) as error:
        decree_sign(user=None, decree=draft, number="1", signed_on=date(2023, 8, 1))
    assert error.value.code == "DECREE_EMPTY"
    with pytest.raises(ProgrammeError) as no_number:
        decree_sign(user=None, decree=draft, number="  ", signed_on=date(2023, 8, 1))
    assert no_number.value.code == "DECREE_NUMBER_REQUIRED"
    assert Decree.objects.get(pk=draft.pk).status == DecreeStatus.DRAFT
    assert not Membership.objects.exists()


def test_diff_of_two_programmes_is_refused(register: Callable[..., pl.DataFrame]) -> None:
    register(2, occupation_code="becak", birth_date=born(40))
    a = decree_draft(user=None, programme=_kediri())
    b = decree_draft(user=None, programme=_kediri(name="Lain"))
    with pytest.raises(ProgrammeError) as error:
        decree_diff(a, b)
    assert error.value.code == "DIFF_OTHER_PROGRAMME"
