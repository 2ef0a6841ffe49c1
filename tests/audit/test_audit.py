"""Changes and exports leave a trail the auditor can browse, limited to the auditor's regions."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.registry.models import Person

pytestmark = pytest.mark.django_db


def _edit_name(person_id: int, new_name: str, actor: User) -> None:
    with set_actor(actor):
        person = Person.objects.get(pk=person_id)
        person.name = new_name
        person.save()


def test_an_edit_is_recorded_with_before_after_and_region(
    add_people: Callable[..., pl.DataFrame], make_user: Callable[..., User]
) -> None:
    person = add_people(1, "35.71", seed=5).row(0, named=True)
    operator = make_user("op", Role.REGENCY_ADMIN, ("35.71",))
    _edit_name(person["id"], "Siti Aminah", operator)
    entry = LogEntry.objects.get(object_pk=str(person["id"]), action=LogEntry.Action.UPDATE)
    assert entry.actor == operator
    assert entry.changes_dict["name"] == [person["name"], "Siti Aminah"]
    assert entry.additional_data == {"region": person["village_code"]}
    # The cipher text and blind index never enter the trail.
    assert not {"nik_cipher", "nik_index", "phone_cipher"} & set(entry.changes_dict)


def test_auditor_browses_and_filters_only_their_regions(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    kediri = add_people(2, "35.71", seed=6)
    cilegon = add_people(2, "36.72", seed=7)
    admin = make_user("admin", Role.NATIONAL_ADMIN)
    _edit_name(kediri["id"][0], "Budi Kediri", admin)
    _edit_name(cilegon["id"][0], "Budi Cilegon", admin)
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))

    page = auditor.get(reverse("audit-log"))
    assert page.status_code == 200
    shown = {e.object_pk for e in page.context["page"]}
    assert shown == {str(kediri["id"][0])}
    filtered = auditor.get(reverse("audit-log"), {"actor": "nobody-by-that-name"})
    assert list(filtered.context["page"]) == []
    by_record = auditor.get(reverse("audit-log"), {"object_pk": str(kediri["id"][0])})
    assert len(by_record.context["page"]) == 1


def test_only_auditors_and_national_admins_open_the_audit_pages(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    for role, status in [
        (Role.AUDITOR, 200),
        (Role.NATIONAL_ADMIN, 200),
        (Role.REGENCY_ADMIN, 403),
        (Role.VILLAGE_OPERATOR, 403),
        (Role.BPJS_VIEWER, 403),
    ]:
        client = login(make_user(f"u-{role}", role, ("35.71",)))
        assert client.get(reverse("audit-log")).status_code == status, role
        assert client.get(reverse("audit-exports")).status_code == status, role


def test_every_export_is_recorded_and_visible_to_the_auditor(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(5, "35.71", seed=8)
    bpjs = login(make_user("bpjs", Role.BPJS_VIEWER, ("35.71",)))
    assert (
        bpjs.get(reverse("people-export"), {"region": "35.71", "format": "xlsx"}).status_code == 200
    )
    record = DataExport.objects.get()
    assert (record.actor_label, record.channel, record.row_count, record.file_format) == (
        "bpjs",
        "web",
        5,
        "xlsx",
    )
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))
    assert [e.pk for e in auditor.get(reverse("audit-exports")).context["page"]] == [record.pk]
    elsewhere = login(make_user("auditor2", Role.AUDITOR, ("36.72",)))
    assert list(elsewhere.get(reverse("audit-exports")).context["page"]) == []
