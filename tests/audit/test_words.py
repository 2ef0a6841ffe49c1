"""What a person reads is in words: the audit log and a person's history in local time with
names, labels and values, not field names, ids, codes and ISO dates; exports with Indonesian
headers and labels; duplicates as percentages."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from auditlog.context import set_actor
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.accounts.services import UserSpec, user_create
from jaring.regions.models import Region
from jaring.registry.models import Person, PersonStatus
from jaring.registry.services import person_status_change

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CODE = re.compile(r"\b[A-Z]{2,}(?:_[A-Z]{2,})+\b")
TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    """The page's text as read: no tags, attributes, scripts or form values."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return TAG.sub(" ", body)


def assert_in_words(html: str) -> None:
    text = visible_text(html)
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)
    assert not CODE.findall(text), CODE.findall(text)


def _admin(make_user: Callable[..., User]) -> User:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    admin.first_name, admin.last_name = "Dewi", "Lestari"
    admin.save()
    return admin


def test_the_audit_log_reads_as_words(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    admin = _admin(make_user)
    person_id = add_people(1, "35.71", seed=3)["id"][0]
    with set_actor(admin):
        person = Person.objects.get(pk=person_id)
        person.birth_date = date(1980, 8, 17)
        person.sex = "P"
        person.save()
    person_status_change(
        person=person,
        status=PersonStatus.INACTIVE,
        user=admin,
        expected=PersonStatus.REGISTERED,
        reason="moved",
        on=date(2026, 11, 2),
    )
    user_create(
        admin=admin,
        spec=UserSpec(username="op.baru", role="village_operator", regions=("35.71.01.1001",)),
    )
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))
    page = auditor.get(reverse("audit-log")).content.decode()
    assert "Dewi Lestari" in page and "WIB" in page
    # The auditor sees masked identities: a birth date as its year (issue 14, item 2).
    assert "Tanggal lahir" in page and "1980" in page and "17 Agu 1980" not in page
    assert "Perempuan" in page and "Pindah domisili" in page and "2 Nov 2026" in page
    assert "Diubah" in page and "Dibuat" in page
    assert "Operator desa/kelurahan" in page or "Operator" in page
    assert_in_words(page)
    # Filters in words: by the user's name, by action.
    by_name = auditor.get(reverse("audit-log"), {"actor": "Dewi"})
    assert len(by_name.context["entries"]) >= 3
    created = auditor.get(reverse("audit-log"), {"action": "0"})
    assert {e.action for e in created.context["entries"]} == {"Dibuat"}
    # The person's own history reads the same.
    history = login(admin).get(reverse("person-detail", args=[person_id])).content.decode()
    assert "Tanggal lahir" in history and "17 Agu 1980" in history and "Dewi Lestari" in history
    assert_in_words(history)


def test_the_page_export_has_indonesian_headers_and_labels(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    people = add_people(5, "35.71", seed=4)
    admin = login(_admin(make_user))
    answer = admin.get(reverse("people-export"), {"region": "35.71", "format": "csv"})
    frame = pl.read_csv(io.BytesIO(answer.content), infer_schema=False)
    assert frame.columns[:5] == ["NIK", "Nama", "Tempat lahir", "Tanggal lahir", "Jenis kelamin"]
    assert {"Kecamatan", "Desa/kelurahan", "Telepon", "Status", "Kode desa/kelurahan"} <= set(
        frame.columns
    )
    assert set(frame["Jenis kelamin"]) <= {"Laki-laki", "Perempuan"}
    assert set(frame["Status"]) == {"Terdaftar"}
    assert set(frame["NIK"]) == set(people["nik"])
    assert all(re.fullmatch(r"\d{2}-\d{2}-\d{4}", d) for d in frame["Tanggal lahir"])
    # A role that may not see phones gets no phone column.
    viewer = login(make_user("bpjs", Role.BPJS_VIEWER, ("35.71",)))
    answer = viewer.get(reverse("people-export"), {"region": "35.71", "format": "xlsx"})
    sheet = pl.read_excel(io.BytesIO(answer.content))
    assert "Telepon" not in sheet.columns and "Nama" in sheet.columns


def test_error_pages_and_the_favicon(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("op", Role.VILLAGE_OPERATOR, ("35.71.01.1001",)))
    refused = client.get(reverse("audit-log"))
    assert refused.status_code == 403
    assert "Peran Anda tidak boleh membuka halaman ini" in refused.content.decode()
    assert 'id="nav"' in refused.content.decode()  # inside the layout, with the menu
    missing = client.get("/tidak-ada/")
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.content.decode()
    icon = Client().get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"


@pytest.mark.parametrize("edits", [3, 12])
def test_audit_page_queries_do_not_grow_with_the_entries(
    edits: int,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: Any,
) -> None:
    admin = _admin(make_user)
    ids = add_people(edits, "35.71", seed=9)["id"].to_list()
    with set_actor(admin):
        for pk in ids:
            person = Person.objects.get(pk=pk)
            person.sex = "P" if person.sex == "L" else "L"
            person.region_id = "35.71.01.1002"
            person.save()
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))
    auditor.get(reverse("audit-log"))  # content types cached, as after the first request
    # session, user, user's regions, count, page of entries (+actor, type), the desa named in
    # the changes, the record types of the filter
    with django_assert_num_queries(7):
        page = auditor.get(reverse("audit-log"))
    desa = Region.objects.get(code="35.71.01.1002").display_name
    assert page.content.decode().count(desa) >= edits  # the desa by name, not its code


HINT = re.compile(r'<span class="[^"]*(?:text-body-tertiary|text-secondary)[^"]*">[^<]*</span>')


def test_an_import_result_names_problems_in_words_codes_only_as_hints(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    from jaring.registry.imports import services

    admin = _admin(make_user)
    text = "NIK,Nama,Tanggal Lahir,Jenis Kelamin\n123,Siti,17-08-1980,P\n3571031708800002,,x,Q\n"
    batch = services.import_create(
        source=io.BytesIO(text.encode()),
        file_name="daftar.csv",
        region_code="35.71",
        source_name="RT",
        user=admin,
        dry_run=True,
    )
    services.import_run(batch.pk, commit=False)
    page = login(admin).get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "Dewi Lestari" in page and "WIB" in page
    assert CODE.findall(visible_text(page))  # codes are there, as hints ...
    assert_in_words(HINT.sub(" ", page))  # ... and nowhere else


def test_a_server_error_page_in_indonesian(rf: Any) -> None:
    from jaring.core.errors import server_error

    answer = server_error(rf.get("/orang/"))
    assert answer.status_code == 500
    assert "Terjadi kesalahan di server" in answer.content.decode()
