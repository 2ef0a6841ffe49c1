"""Scholarship instalments (issue 17: a paid claim did not mark its scholarship paid): the
instalments due when the claim is paid are paid with it; later years come due on their own
dates and are recorded paid (service, command line, page), once, never before they are due or
before the claim is paid."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.claims.errors import ClaimError
from jaring.claims.models import Claim, ClaimStatus, Instalment
from jaring.claims.selectors import instalments_due
from jaring.claims.services import (
    HeirSpec,
    claim_advance,
    claim_heirs_set,
    claim_open,
    instalment_pay,
)
from jaring.rules.months import Month
from tests.claims.conftest import Member, fails, run

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)
DEATH = date(2024, 3, 4)
PAID = date(2024, 3, 25)


def work_death(m: Member, *, paid: bool = True) -> Claim:
    """A death from a work accident with two children at school (scholarship whatever the
    tenure), taken to paid on ``PAID``."""
    claim = claim_open(
        user=None,
        person=m.person,
        event="work_death",
        event_date=DEATH,
        reported_on=DEATH,
        today=TODAY,
    )
    claim_heirs_set(
        user=None,
        claim=claim,
        heirs=[
            HeirSpec("Sri", "spouse", payee=True, account="1234567890"),
            HeirSpec("Anak Satu", "child", school_level="sma", school_year=2),
            HeirSpec("Anak Dua", "child", school_level="smp", school_year=3),
        ],
    )
    if not paid:
        return claim
    for step, on in (
        (ClaimStatus.DOCUMENTS_COMPLETE, date(2024, 3, 18)),
        (ClaimStatus.SUBMITTED, date(2024, 3, 19)),
        (ClaimStatus.APPROVED, date(2024, 3, 21)),
    ):
        claim_advance(user=None, claim=claim, to=step, on=on, confirm_documents=True, today=TODAY)
    claim.refresh_from_db()
    return claim_advance(
        user=None, claim=claim, to=ClaimStatus.PAID, on=PAID, amount=claim.total, today=TODAY
    )


def test_paying_the_claim_pays_the_instalments_due_then(member: Callable[..., Member]) -> None:
    claim = work_death(member(first=Month(2024, 1), paid=3))
    rows = list(claim.instalments.order_by("due_on", "child"))
    assert len(rows) > 2
    first = [i for i in rows if i.due_on <= PAID]
    later = [i for i in rows if i.due_on > PAID]
    assert [(i.child, i.number) for i in first] == [(1, 1), (2, 1)]
    assert all(i.paid_on == PAID and i.reference == f"klaim #{claim.pk}" for i in first)
    assert all(i.paid_on is None for i in later)
    assert later[0].due_on == date(2025, 3, 4)  # a year after the first, on its own date
    # Each line keeps its amount and legal basis (SMA Rp 3.000.000, SMP Rp 2.000.000 a year).
    assert [(i.level, i.amount) for i in first] == [("sma", 3_000_000), ("smp", 2_000_000)]
    assert all(i.regulation for i in rows)


def test_a_later_year_comes_due_and_is_recorded_paid(member: Callable[..., Member]) -> None:
    claim = work_death(member(first=Month(2024, 1), paid=3))
    assert list(instalments_due(None, on=date(2025, 3, 3))) == []
    due = list(instalments_due(None, on=date(2025, 3, 4)))
    assert [(i.child, i.number) for i in due] == [(1, 2), (2, 2)]
    with pytest.raises(ClaimError) as early:
        instalment_pay(user=None, claim=claim, child=1, number=3, on=date(2025, 3, 4), today=TODAY)
    assert early.value.code == "INSTALMENT_NOT_DUE"
    paid = instalment_pay(
        user=None,
        claim=claim,
        child=1,
        number=2,
        on=date(2025, 3, 10),
        reference="TRF 0042",
        today=TODAY,
    )
    assert paid.paid_on == date(2025, 3, 10) and paid.reference == "TRF 0042"
    with pytest.raises(ClaimError) as twice:
        instalment_pay(user=None, claim=claim, child=1, number=2, today=TODAY)
    assert twice.value.code == "INSTALMENT_ALREADY_PAID"
    assert "10 Mar 2025" in str(twice.value)
    with pytest.raises(ClaimError) as unknown:
        instalment_pay(user=None, claim=claim, child=3, number=1, today=TODAY)
    assert unknown.value.code == "INSTALMENT_NOT_FOUND"
    assert Instalment.objects.get(claim=claim, child=1, number=2).reference == "TRF 0042"


def test_no_instalment_is_paid_before_the_claim(member: Callable[..., Member]) -> None:
    claim = work_death(member(first=Month(2024, 1), paid=3), paid=False)
    with pytest.raises(ClaimError) as caught:
        instalment_pay(user=None, claim=claim, child=1, number=1, today=TODAY)
    assert caught.value.code == "INSTALMENT_CLAIM_NOT_PAID"
    assert not Instalment.objects.filter(paid_on__isnull=False).exists()


def test_cli_lists_and_records_instalments(member: Callable[..., Member]) -> None:
    claim = work_death(member(first=Month(2024, 1), paid=3))
    listed = run("instalments", str(claim.pk), "--on", "2025-03-05")
    # The second year: child 1 in SMA year 3, child 2 moved on from SMP year 3 to SMA year 1.
    assert listed["due"] == 2 and listed["due_amount"] == 3_000_000 + 3_000_000
    first = listed["instalments"][0]
    assert set(first) >= {"child", "number", "due_on", "amount", "basis", "paid_on"}
    assert first["paid_on"] == PAID.isoformat()
    everywhere = run("instalments", "--on", "2025-03-05")
    assert [(i["claim"], i["child"], i["number"]) for i in everywhere["instalments"]] == [
        (claim.pk, 1, 2),
        (claim.pk, 2, 2),
    ]
    paid = run(
        "pay-instalment",
        str(claim.pk),
        "--child",
        "2",
        "--number",
        "2",
        "--date",
        "2025-03-05",
        "--reference",
        "TRF 7",
    )
    assert paid["paid_on"] == "2025-03-05" and paid["reference"] == "TRF 7"
    assert run("instalments", "--on", "2025-03-05")["due"] == 1
    message = fails("pay-instalment", str(claim.pk), "--child", "2", "--number", "2")
    assert "sudah dibayar pada 5 Mar 2025" in message
    # The words for people: dates as "4 Mar 2025", rupiah with dots.
    out = io.StringIO()
    call_command("claims", "instalments", str(claim.pk), "--on", "2025-03-05", stdout=out)
    text = out.getvalue()
    assert "jatuh tempo 4 Mar 2025" in text and "Rp 3.000.000" in text
    assert "dibayar 25 Mar 2024" in text


def test_advance_to_paid_reports_the_instalments(member: Callable[..., Member]) -> None:
    claim = work_death(member(first=Month(2024, 1), paid=3), paid=False)
    claim_id = str(claim.pk)
    for step in ("documents-complete", "submitted", "approved"):
        run("advance", claim_id, "--to", step, "--date", "2024-03-20")
    paid = run(
        "advance", claim_id, "--to", "paid", "--amount", str(claim.total), "--date", "2024-03-25"
    )
    assert paid["instalments_paid"] == 2


def test_instalments_on_the_claim_page(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=3, regency="35.71")
    claim = work_death(m)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "25 Mar 2024" in page  # the first year, paid with the claim
    # Today (3 Dec 2026) the second and third years of both children have come due.
    assert page.count("Catat dibayar") == 4
    answer = client.post(
        reverse("claim-instalment", args=[claim.pk]),
        {"child": "1", "number": "2", "paid_on": "2025-03-06", "reference": "TRF 9"},
        follow=True,
    )
    assert answer.status_code == 200
    assert Instalment.objects.get(claim=claim, child=1, number=2).paid_on == date(2025, 3, 6)
    assert answer.content.decode().count("Catat dibayar") == 3
    refused = client.post(
        reverse("claim-instalment", args=[claim.pk]),
        {"child": "1", "number": "2", "paid_on": "2025-03-07"},
        follow=True,
    )
    assert "sudah dibayar" in refused.content.decode()
    viewer = login(make_user("b", Role.BPJS_VIEWER, ("35.71",)))
    assert (
        viewer.post(
            reverse("claim-instalment", args=[claim.pk]), {"child": "2", "number": "2"}
        ).status_code
        == 404
    )
    assert Instalment.objects.get(claim=claim, child=2, number=2).paid_on is None
