"""One person at a time: added and corrected with the checks of an import row, marked no longer
listed or deceased with a reason and a date; audited, inside the user's regions, refused when the
record changed meanwhile, and the people tally kept current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import Person, PersonStatus, StatusReason
from jaring.registry.selectors import people_tally_totals
from jaring.registry.services import PersonStatusError, person_status_change
from jaring.synthetic.people import generate_people

pytestmark = pytest.mark.django_db

DESA = "35.71.01.1001"


def _newcomer(seed: int = 99) -> dict[str, str]:
    """A worker no list has named yet: a NIK consistent with the birth date and sex."""
    row = generate_people(1, regency="35.71", seed=seed, within=DESA).row(0, named=True)
    return {
        "nik": row["nik"],
        "name": row["name"],
        "birth_place": "Kediri",
        "birth_date": row["birth_date"].isoformat(),
        "sex": row["sex"],
        "village": DESA,
        "address": "Jl. Mawar 3",
        "rt_rw": "002/005",
        "phone": "0812 3456 7890",
        "occupation": "ojek pangkalan",
    }


@pytest.fixture
def kediri(make_user: Callable[..., User], login: Callable[[User], Client]) -> Client:
    return login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))


def test_add_one_newly_found_worker(kediri: Client) -> None:
    before = people_tally_totals(["35.71"])["35.71"]
    typed = _newcomer()
    answer = kediri.post(reverse("person-new"), typed)
    person = Person.objects.get()
    assert answer.url == reverse("person-detail", args=[person.pk])  # type: ignore[attr-defined]
    assert person.nik == typed["nik"] and person.region_id == DESA
    assert person.phone == "+6281234567890"  # normalised as an import does
    assert person.occupation_id == "ojek_pangkalan" and person.rt_rw == "002/005"
    assert person.name_normalized
    assert people_tally_totals(["35.71"])["35.71"] == before + 1
    created = LogEntry.objects.get_for_object(person).get()
    assert created.action == LogEntry.Action.CREATE
    assert created.additional_data == {"region": DESA}
    assert created.actor.username == "kediri"  # type: ignore[union-attr]


def test_the_checks_of_an_import_row_refuse_a_bad_person(kediri: Client) -> None:
    typed = _newcomer()
    bad_nik = kediri.post(reverse("person-new"), {**typed, "nik": "3571" + "0" * 12})
    assert bad_nik.status_code == 200 and "NIK" in bad_nik.content.decode()
    future = (date.today() + timedelta(days=30)).isoformat()
    born_later = kediri.post(reverse("person-new"), {**typed, "birth_date": future})
    assert born_later.status_code == 200
    no_name = kediri.post(reverse("person-new"), {**typed, "name": " "})
    assert no_name.status_code == 200
    assert not Person.objects.exists()
    # The same NIK twice: the second is refused and names the first.
    kediri.post(reverse("person-new"), typed)
    again = kediri.post(reverse("person-new"), {**typed, "name": "Orang Lain"})
    assert "sudah terdaftar" in again.content.decode()
    assert Person.objects.count() == 1


def test_nobody_adds_outside_their_regions(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    operator = login(make_user("op", Role.VILLAGE_OPERATOR, (DESA,)))
    outside = operator.post(reverse("person-new"), {**_newcomer(), "village": "35.71.01.1002"})
    assert outside.status_code == 200 and not Person.objects.exists()
    assert operator.post(reverse("person-new"), _newcomer()).status_code == 302
    viewer = login(make_user("bpjs", Role.BPJS_VIEWER, ("35.71",)))
    assert viewer.get(reverse("person-new")).status_code == 403
    person = Person.objects.get()
    cilegon = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert cilegon.get(reverse("person-edit", args=[person.pk])).status_code == 404
    assert cilegon.get(reverse("person-status", args=[person.pk])).status_code == 404


def test_correct_a_birth_date_with_history_and_no_lost_update(kediri: Client) -> None:
    typed = _newcomer()
    kediri.post(reverse("person-new"), typed)
    person = Person.objects.get()
    form = kediri.get(reverse("person-edit", args=[person.pk]))
    seen = form.context["form"].initial["expected"]
    corrected = {k: v for k, v in typed.items() if k != "nik"}
    old = date.fromisoformat(typed["birth_date"])
    new = old.replace(day=1 if old.day != 1 else 2)
    answer = kediri.post(
        reverse("person-edit", args=[person.pk]),
        {**corrected, "birth_date": new.isoformat(), "name": "Nama Dibetulkan", "expected": seen},
    )
    assert answer.status_code == 302
    person.refresh_from_db()
    assert person.birth_date == new and person.name == "Nama Dibetulkan"
    update = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes_dict["birth_date"] == [str(old), str(new)]
    # A birth date that no longer agrees with the NIK is saved with a warning, as in an import.
    page = kediri.get(answer.url).content.decode()  # type: ignore[attr-defined]
    assert "NIK" in page
    # A second edit from the page seen before the first is refused.
    stale = kediri.post(
        reverse("person-edit", args=[person.pk]), {**corrected, "name": "Lagi", "expected": seen}
    )
    assert stale.status_code == 200
    person.refresh_from_db()
    assert person.name == "Nama Dibetulkan"


def test_record_a_death_with_its_date(kediri: Client) -> None:
    kediri.post(reverse("person-new"), _newcomer())
    person = Person.objects.get()
    counted = people_tally_totals(["35.71"])["35.71"]
    missing_date = kediri.post(
        reverse("person-status", args=[person.pk]),
        {"status": "deceased", "expected": "registered"},
    )
    assert missing_date.status_code == 200
    died = kediri.post(
        reverse("person-status", args=[person.pk]),
        {
            "status": "deceased",
            "on": "2026-11-20",
            "note": "Akta kematian",
            "expected": "registered",
        },
    )
    assert died.status_code == 302
    detail = kediri.get(died.url).content.decode()  # type: ignore[attr-defined]
    assert "Meninggal dunia · sejak 20 Nov 2026 · Akta kematian" in detail
    person.refresh_from_db()
    assert person.status == PersonStatus.DECEASED
    assert person.status_reason == StatusReason.DECEASED
    assert person.status_date == date(2026, 11, 20) and person.status_note == "Akta kematian"
    assert people_tally_totals(["35.71"])["35.71"] == counted - 1
    entry = LogEntry.objects.get_for_object(person).latest("timestamp")
    assert entry.changes_dict["status"] == ["registered", "deceased"]
    # Out of the working list, still found when asked for, with the history.
    assert person.name not in kediri.get(reverse("people-list")).content.decode()
    assert person.name in kediri.get(reverse("people-list") + "?status=deceased").content.decode()
    # Registered again (a mistake): reason and date cleared, counted again.
    kediri.post(
        reverse("person-status", args=[person.pk]), {"status": "registered", "expected": "deceased"}
    )
    person.refresh_from_db()
    assert (person.status, person.status_reason, person.status_date) == ("registered", "", None)
    assert people_tally_totals(["35.71"])["35.71"] == counted


def test_inactive_needs_a_fitting_reason(add_people: Callable[..., pl.DataFrame]) -> None:
    people = add_people(2, "35.71", within=DESA)
    person = Person.objects.get(pk=people["id"][0])
    with pytest.raises(PersonStatusError):
        person_status_change(
            person=person,
            status=PersonStatus.INACTIVE,
            user=None,
            expected=PersonStatus.REGISTERED,
            reason=StatusReason.DECEASED,
        )
    with pytest.raises(PersonStatusError):
        person_status_change(
            person=person,
            status=PersonStatus.DECEASED,
            user=None,
            expected=PersonStatus.REGISTERED,
            on=date.today() + timedelta(days=1),
        )
    moved = person_status_change(
        person=person,
        status=PersonStatus.INACTIVE,
        user=None,
        expected=PersonStatus.REGISTERED,
        reason=StatusReason.MOVED,
        on=date(2026, 10, 1),
    )
    assert (moved.status_reason, moved.status_date) == ("moved", date(2026, 10, 1))
    # The call other apps make (claims: a death) keeps working without the new arguments.
    other = Person.objects.get(pk=people["id"][1])
    dead = person_status_change(
        person=other, status=PersonStatus.DECEASED, user=None, expected=PersonStatus.REGISTERED
    )
    # Without a date the change is dated today (the month the person leaves Monev's counts).
    assert (dead.status_reason, dead.status_date) == ("deceased", timezone.localdate())
