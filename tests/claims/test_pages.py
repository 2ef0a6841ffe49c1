"""The claims pages: report, detail, heirs, documents, steps, overdue list and report; every
door closed to a user of another region; query counts pinned."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.claims.models import Claim, ClaimDocument, ClaimStatus, Heir
from jaring.claims.services import claim_advance, claim_open
from jaring.rules.months import Month
from tests.claims.conftest import Member

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% a scan\n"


def _claim(m: Member, day: date = date(2024, 5, 10)) -> Claim:
    return claim_open(user=None, person=m.person, event="death", event_date=day, reported_on=day)


def test_report_a_death_on_the_page(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    page = client.post(
        reverse("claim-new"),
        {"nik": m.nik, "event": "death", "event_date": "2024-05-10", "place": "Kediri"},
    )
    claim = Claim.objects.get()
    assert page.status_code == 302 and page.url == reverse("claim-detail", args=[claim.pk])
    detail = client.get(page.url)
    assert "Rp 42.000.000" in detail.content.decode()
    assert "PP 44/2015 jo. PP 82/2019 Pasal 34" in detail.content.decode()
    again = client.post(
        reverse("claim-new"), {"nik": m.nik, "event": "death", "event_date": "2024-05-10"}
    )
    assert again.status_code == 200 and f"#{claim.pk}" in again.content.decode()
    assert Claim.objects.count() == 1


def test_heirs_documents_and_steps_on_the_page(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    claim = _claim(m)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    heirs = {
        "heir-TOTAL_FORMS": "2",
        "heir-INITIAL_FORMS": "0",
        "heir-0-name": "Anak",
        "heir-0-relation": "child",
        "heir-0-school_level": "sd",
        "heir-1-name": "Siti Aminah",
        "heir-1-relation": "spouse",
        "heir-1-nik": "3571015708850004",
        "heir-1-payee": "on",
        "heir-1-bank_name": "BRI",
        "heir-1-account": "0012 3456 7890",
    }
    client.post(reverse("claim-heirs", args=[claim.pk]), heirs)
    assert list(Heir.objects.filter(claim=claim).values_list("relation", flat=True)) == [
        "child",
        "spouse",
    ] or list(Heir.objects.filter(claim=claim).values_list("relation", "rank")) == [
        ("child", 1),
        ("spouse", 1),
    ]
    assert Heir.objects.get(is_payee=True).name == "Siti Aminah"
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "001234567890" in page  # a regency admin handles the payment
    masked = login(make_user("p", Role.PROVINCIAL_ADMIN, ("35",)))
    assert (
        "001234567890" not in masked.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    )
    for document in ClaimDocument.objects.filter(claim=claim, required=True):
        client.post(
            reverse("claim-document", args=[claim.pk]),
            {"code": document.code, "received": "on", "scan": _upload("scan.pdf")},
        )
    assert not ClaimDocument.objects.filter(claim=claim, required=True, received=False).exists()
    doc = ClaimDocument.objects.filter(claim=claim).exclude(file="").first()
    assert doc is not None
    assert client.get(reverse("claim-document-file", args=[claim.pk, doc.pk])).status_code == 200
    assert DataExport.objects.filter(kind="claim-document").count() == 1
    for step in ("documents_complete", "submitted", "approved"):
        client.post(reverse("claim-advance", args=[claim.pk]), {"to": step})
    client.post(reverse("claim-advance", args=[claim.pk]), {"to": "paid", "amount": "42000000"})
    client.post(reverse("claim-advance", args=[claim.pk]), {"to": "handed_over"})
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.HANDED_OVER


def _upload(name: str) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_overdue_list_and_report(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12, n=2)
    claim = _claim(m)
    for step, day in [("documents_complete", date(2024, 6, 3)), ("submitted", date(2024, 6, 4))]:
        claim_advance(user=None, claim=claim, to=step, on=day, confirm_documents=True)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    late = client.get(reverse("claim-overdue") + "?on=2024-06-10")
    rows = late.context["rows"]
    assert [r["claim_id"] for r in rows] == [claim.pk]
    assert rows[0]["due_on"] == date(2024, 6, 7)  # Tue + 3 working days = Fri
    assert rows[0]["late_days"] == 1  # Monday 10 June
    assert client.get(reverse("claim-overdue") + "?on=2024-06-07").context["rows"] == []
    report = client.get(reverse("claim-report"))
    assert report.status_code == 200
    assert report.context["ratios"][0]["claims"] == 1


CLAIM_URLS = [
    ("claim-detail", True),
    ("claim-advance", True),
    ("claim-heirs", True),
    ("claim-assess", True),
    ("claim-instalment", True),
    ("claim-document", True),
    ("claim-document-file", True),
    ("claim-photo", True),
]


def test_every_door_is_closed_to_another_region(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    claim = _claim(m)
    document = ClaimDocument.objects.filter(claim=claim).first()
    assert document is not None
    outsider = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    for name, _ in CLAIM_URLS:
        args = [claim.pk, document.pk] if name == "claim-document-file" else [claim.pk]
        url = reverse(name, args=args)
        assert outsider.get(url).status_code in (404, 405), name
        assert outsider.post(url, {"to": "rejected", "note": "x"}).status_code in (404, 405), name
    assert Claim.objects.get().status == ClaimStatus.REPORTED
    for name in ("claim-list", "claim-overdue", "claim-report"):
        page = outsider.get(reverse(name))
        assert page.status_code == 200
        assert m.person.name not in page.content.decode(), name
    from jaring.registry.models import Person

    assert outsider.get(reverse("person-detail", args=[m.person.pk])).status_code == 404
    assert Person.objects.filter(pk=m.person.pk).exists()
    # A role that does not handle claims sees, but does not report or move.
    viewer = login(make_user("bpjs", Role.BPJS_VIEWER, ("35.71",)))
    assert viewer.get(reverse("claim-new")).status_code == 404
    assert (
        viewer.post(reverse("claim-advance", args=[claim.pk]), {"to": "rejected"}).status_code
        == 404
    )


def test_claim_urls_are_all_checked() -> None:
    from jaring.claims import urls

    names = {p.name for p in urls.urlpatterns}
    assert names == {n for n, _ in CLAIM_URLS} | {
        "claim-list",
        "claim-new",
        "claim-overdue",
        "claim-report",
    }


@pytest.mark.parametrize("size", [1, 12])
def test_page_query_counts_do_not_grow(
    size: int,
    member: Callable[..., Member],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    m = member(first=Month(2024, 1), paid=12, n=size)
    for person_id in m.people["id"].to_list():
        from jaring.registry.models import Person

        claim = claim_open(
            user=None,
            person=Person.objects.get(pk=person_id),
            event="death",
            event_date=date(2024, 5, 10),
            reported_on=date(2024, 5, 13),
        )
        claim_advance(
            user=None,
            claim=claim,
            to="documents_complete",
            confirm_documents=True,
            on=date(2024, 6, 3),
        )
        claim_advance(user=None, claim=claim, to="submitted", on=date(2024, 6, 4))
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("claim-list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("claim-overdue")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("claim-report")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("claim-detail", args=[claim.pk])).status_code == 200


TEMPLATES = Path(settings.BASE_DIR) / "jaring" / "claims" / "templates"


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_keep_the_content_security_policy(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert not re.search(r"\son[a-z]+\s*=", text)
    assert not re.search(r"\sstyle\s*=", text)
