"""The finance pages: each renders for a role that may see it, within its regions; writes need
the finance capability; the proof of payment is served only through the audited door."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.finance.models import Bill, Payment
from jaring.finance.services import bill_issue
from jaring.rules.months import Month
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def test_pages_render_and_pay(
    signed_programme: Callable[..., Signed],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    kediri = signed_programme(30)
    programme = kediri.programme
    bill = bill_issue(user=None, programme=programme, month=Month(2023, 9))[0]
    admin = login(make_user("disnaker", Role.REGENCY_ADMIN, ("35.71",)))
    pages = [
        reverse("finance-list"),
        reverse("finance-programme", args=[programme.pk]) + "?on=2023-09-10",
        reverse("finance-status", args=[programme.pk]) + "?on=2023-09-20&state=not_yet_active",
        reverse("finance-reconcile", args=[programme.pk]) + "?on=2023-09-20",
        reverse("finance-budget", args=[programme.pk]) + "?more_people=5&jht=on",
        reverse("finance-exchange", args=[programme.pk]),
        reverse("finance-statement", args=[programme.pk, "2023-09"]),
        reverse("finance-bill", args=[bill.pk]),
    ]
    for url in pages:
        with django_assert_max_num_queries(40):  # type: ignore[operator]
            response = admin.get(url)
        assert response.status_code == 200, url
    page = admin.get(reverse("finance-bill", args=[bill.pk])).content.decode()
    assert "Rp 504.000" in page and "PP 44/2015" in page
    # The budget's chart is an SVG in the page (it was a JSON string the browser could not draw).
    budget = admin.get(reverse("finance-budget", args=[programme.pk])).content.decode()
    assert '<svg viewBox="0 0 720 260"' in budget and '\\"' not in budget
    proof = SimpleUploadedFile("sp2d.pdf", b"%PDF-1.4 proof", content_type="application/pdf")
    response = admin.post(
        reverse("finance-pay", args=[bill.pk]),
        {
            "reference": "SP2D-1/2023",
            "kind": "sp2d",
            "paid_on": "2023-09-14",
            "amount": "504000",
            "proof": proof,
        },
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.paid == bill.total == 30 * 16_800
    payment = Payment.objects.get()
    assert admin.get(reverse("finance-proof", args=[payment.pk])).status_code == 200
    assert DataExport.objects.filter(kind="payment-proof").count() == 1
    # Another kab/kota's administrator sees none of it, and cannot pay.
    other = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert other.get(reverse("finance-bill", args=[bill.pk])).status_code == 404
    assert other.get(reverse("finance-proof", args=[payment.pk])).status_code == 404
    # An auditor of the region reads, but may not record a payment.
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))
    assert auditor.get(reverse("finance-bill", args=[bill.pk])).status_code == 200
    refused = auditor.post(
        reverse("finance-pay", args=[bill.pk]),
        {"reference": "X", "kind": "sp2d", "paid_on": "2023-09-14", "amount": "1"},
    )
    assert refused.status_code == 403 and Payment.objects.count() == 1
    assert Bill.objects.get().paid == 30 * 16_800


def test_home_warns_until_paid(
    signed_programme: Callable[..., Signed],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    today = date.today()
    first = date(today.year, today.month, 1)
    kediri = signed_programme(4, first_month=first, months=1, year=today.year, signed_on=first)
    admin = login(make_user("disnaker", Role.REGENCY_ADMIN, ("35.71",)))
    bill_issue(user=None, programme=kediri.programme, month=Month.of(today))
    home = admin.get(reverse("home")).content.decode()
    assert ('data-testid="due-warning"' in home) == (today.day >= 8)
