"""Pages of programmes and decrees: what each role sees and may do, query counts that do not
grow with the rows, downloads recorded, and the person page listing the programmes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.programmes.models import Decree, DecreeStatus, LampiranFile, Programme
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def _programme(**fields: object) -> Programme:
    values: dict[str, object] = {
        "user": None,
        "region_code": "35.71",
        "name": "Pekerja rentan DBHCHT",
        "year": 2023,
        "funder": "dbhcht",
        "first_month": date(2023, 9, 1),
        "months": 4,
    }
    values.update(fields)
    return programme_create(**values)[0]  # type: ignore[arg-type]


def test_create_a_programme_on_the_page(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    form = {
        "name": "Jamsostek pekerja rentan",
        "region_code": "35.71",
        "year": "2024",
        "funder": "apbd",
        "first_month": "2024-01",
        "months": "12",
        "age_min": "18",
        "age_max": "65",
        "categories": ["becak", "kader"],
        "quota": "100",
    }
    response = client.post(reverse("programme-new"), form)
    programme = Programme.objects.get()
    assert response.url == reverse("programme-detail", args=[programme.pk])  # type: ignore[attr-defined]
    assert set(programme.categories.values_list("category_id", flat=True)) == {"becak", "kader"}
    refused = client.post(reverse("programme-new"), {**form, "region_code": "36.72"})
    assert "di luar wilayah Anda" in refused.content.decode()
    assert Programme.objects.count() == 1
    page = client.get(reverse("programme-detail", args=[programme.pk])).content.decode()
    assert "Dibayar dari APBD" in page


def test_roles_without_the_right_cannot_create_or_sign(
    register: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    register(3, occupation_code="becak", birth_date=born(40))
    draft = decree_draft(user=None, programme=_programme())
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))
    assert auditor.get(reverse("programme-new")).status_code == 403
    sign = {"number": "1", "signed_on": "2023-08-28"}
    assert auditor.post(reverse("decree-sign", args=[draft.pk]), sign).status_code == 403
    assert auditor.get(reverse("decree-detail", args=[draft.pk])).status_code == 200
    outsider = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert outsider.get(reverse("decree-detail", args=[draft.pk])).status_code == 404
    assert outsider.post(reverse("decree-sign", args=[draft.pk]), sign).status_code == 404
    assert Decree.objects.get(pk=draft.pk).status == DecreeStatus.DRAFT


@pytest.mark.parametrize("size", [5, 60])
def test_decree_page_query_count_does_not_grow(
    size: int,
    register: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    register(size, occupation_code="becak", birth_date=born(40))
    register(3, seed=5, occupation_code="becak", birth_date=born(70))
    first = decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=_programme()),
        number="1/2023",
        signed_on=date(2023, 8, 28),
    )
    first.programme.months = 12
    first.programme.save()
    draft = decree_draft(user=None, programme=first.programme)
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    client.get(reverse("decree-detail", args=[draft.pk]))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("decree-detail", args=[draft.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(20):
        client.get(reverse("decree-detail", args=[draft.pk]) + "?status=excluded")


def test_sign_download_and_person_page(
    register: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    people = register(4, occupation_code="becak", birth_date=born(40))
    register(1, seed=3, occupation_code="becak", birth_date=born(70))
    draft = decree_draft(user=None, programme=_programme())
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    page = client.get(reverse("decree-detail", args=[draft.pk]) + "?status=excluded")
    assert "usia 69 &gt; 65" in page.content.decode()
    client.post(
        reverse("decree-sign", args=[draft.pk]), {"number": "188/1/2023", "signed_on": "2023-08-28"}
    )
    assert Decree.objects.get(pk=draft.pk).status == DecreeStatus.SIGNED
    xlsx = client.get(reverse("decree-lampiran", args=[draft.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # The PDF: queued (here the tasks run at once), then downloaded.
    client.post(reverse("decree-pdf", args=[draft.pk]))
    assert LampiranFile.objects.get(decree=draft).status == "ready"
    pdf = client.get(reverse("decree-pdf-download", args=[draft.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert list(DataExport.objects.order_by("at").values_list("file_format", flat=True)) == [
        "xlsx",
        "pdf",
    ]
    person = client.get(reverse("person-detail", args=[people["id"][0]])).content.decode()
    assert "Pekerja rentan DBHCHT" in person and "188/1/2023" in person


def test_api_lists_and_filters_memberships(
    register: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    register(3, occupation_code="becak", birth_date=born(40))
    decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=_programme()),
        number="1",
        signed_on=date(2023, 8, 28),
    )
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    in_october = client.get("/api/memberships/?month=2023-10").json()
    assert in_october["count"] == 3
    assert client.get("/api/memberships/?month=2024-01").json()["count"] == 0
    assert client.get("/api/memberships/?month=bulan").status_code == 400
    outsider = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert outsider.get("/api/memberships/").json()["count"] == 0
    assert outsider.get("/api/programmes/").json()["count"] == 0


def test_a_failed_pdf_says_so_in_words_without_the_exception_text(
    register: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jaring.programmes import tasks

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("/srv/jaring/var/tmp/x: No space left on device (Budi Santoso)")

    monkeypatch.setattr(tasks, "write_pdf", broken)
    register(2, occupation_code="becak", birth_date=born(40))
    draft = decree_draft(user=None, programme=_programme())
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    client.post(
        reverse("decree-sign", args=[draft.pk]), {"number": "188/1/2023", "signed_on": "2023-08-28"}
    )
    client.post(reverse("decree-pdf", args=[draft.pk]))  # the worker logs the exception
    record = LampiranFile.objects.get(decree=draft)
    assert (record.status, record.error) == ("failed", "OSError")
    page = client.get(reverse("decree-detail", args=[draft.pk])).content.decode()
    assert "PDF tidak dapat dibuat" in page
    assert "No space left" not in page and "Budi Santoso" not in page
