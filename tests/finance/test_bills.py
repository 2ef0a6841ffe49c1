"""Bills and payments: the seed figures computed from rows, frozen bills, corrections, and
each kind of bad input refused with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.finance.models import BillLine, Payment
from jaring.finance.selectors.status import programme_status
from jaring.finance.services import bill_issue, payment_record
from jaring.rules.months import Month
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def test_kediri_2023_from_rows(signed_programme: Callable[..., Signed]) -> None:
    """Kota Kediri 2023: 9,300 × Rp 16,800 × 4 months = Rp 624,960,000 billed and paid."""
    kediri = signed_programme(9_300)
    bills = [
        bill_issue(user=None, programme=kediri.programme, month=Month(2023, m))[0]
        for m in (9, 10, 11, 12)
    ]
    assert [b.lines for b in bills] == [9_300] * 4
    assert {b.total for b in bills} == {9_300 * 16_800}
    for b, paid_on in zip(
        bills, ("2023-09-14", "2023-10-13", "2023-11-15", "2023-12-15"), strict=True
    ):
        payment_record(
            user=None,
            bill=b,
            amount=b.total,
            paid_on=date.fromisoformat(paid_on),
            reference=f"SP2D/{b.month:%m}/2023",
        )
    billed = sum(line.amount for line in BillLine.objects.all())
    paid = sum(p.amount for p in Payment.objects.all())
    assert billed == paid == 624_960_000
    status = programme_status(kediri.programme, date(2023, 12, 20))
    assert status.counts["active"] == 9_300 and status.outstanding == 0
