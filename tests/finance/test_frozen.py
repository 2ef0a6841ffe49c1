"""An issued bill is frozen; due dates move past weekends and the holiday table; sponsor
packages paid ahead; arrears and lapse from the paid months by the rules engine; no PP 50/2025
discount for APBD-funded members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import override_settings

from jaring.finance.errors import FinanceError
from jaring.finance.models import Bill, BillLine, BillPackage
from jaring.finance.selectors.status import programme_status
from jaring.finance.services import bill_issue, payment_record
from jaring.rules.months import Month
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def test_an_issued_bill_never_changes(signed_programme: Callable[..., Signed]) -> None:
    bill = bill_issue(user=None, programme=signed_programme(3).programme, month=Month(2023, 9))[0]
    line = BillLine.objects.filter(bill=bill).first()
    assert line is not None
    with pytest.raises(FinanceError, match=r"beku|frozen"):
        BillLine.objects.filter(bill=bill).update(amount=1)
    with pytest.raises(FinanceError):
        BillLine.objects.filter(bill=bill).delete()
    line.amount = 1
    with pytest.raises(FinanceError):
        line.save()
    with pytest.raises(FinanceError):
        line.delete()
    bill.number, bill.issued_total = "OTHER", 1
    with pytest.raises(FinanceError, match=r"beku|frozen"):
        bill.save()
    with pytest.raises(FinanceError):
        bill.save(update_fields=["issued_total"])
    with pytest.raises(FinanceError):
        bill.delete()
    stored = Bill.objects.get(pk=bill.pk)
    assert (stored.number, stored.issued_total) == (bill_number(stored), 3 * 16_800)
    assert (
        sorted(BillLine.objects.filter(bill=bill).values_list("amount", flat=True)) == [16_800] * 3
    )


def bill_number(bill: Bill) -> str:
    return f"TGH/{bill.programme.region_id}/{bill.programme_id}/{bill.month:%Y-%m}"


def test_due_dates_skip_weekends_and_holidays(signed_programme: Callable[..., Signed]) -> None:
    programme = signed_programme(
        2, year=2024, first_month=date(2024, 1, 1), months=6, signed_on=date(2023, 12, 20)
    ).programme
    # 15 April 2024 was cuti bersama Idul Fitri (the holiday table): the next working day.
    april = bill_issue(user=None, programme=programme, month=Month(2024, 4))[0]
    assert april.due_date == date(2024, 4, 16)
    # 15 June 2024 a Saturday, 17 June Idul Adha, 18 June cuti bersama.
    assert bill_issue(user=None, programme=programme, month=Month(2024, 6))[0].due_date == date(
        2024, 6, 19
    )
    with override_settings(
        JARING_BILL_DUE_DAY=10
    ):  # configurable: 10 March 2024 a Sunday, 11 Nyepi, 12 cuti bersama
        march = bill_issue(user=None, programme=programme, month=Month(2024, 3))[0]
    assert march.due_date == date(2024, 3, 13)


def test_sponsor_package_paid_ahead(signed_programme: Callable[..., Signed]) -> None:
    programme = signed_programme(4, months=12, funder="gn-lingkaran").programme
    with pytest.raises(FinanceError, match="3/6/12"):
        bill_issue(user=None, programme=programme, month=Month(2023, 9), ahead=4)
    assert Bill.objects.count() == 0 and BillPackage.objects.count() == 0
    bills = bill_issue(user=None, programme=programme, month=Month(2023, 9), ahead=3)
    assert [f"{b.month:%Y-%m}" for b in bills] == ["2023-09", "2023-10", "2023-11"]
    assert {b.due_date for b in bills} == {date(2023, 9, 15)}
    assert len({b.package_id for b in bills}) == 1 and bills[0].package is not None
    # a month inside the package cannot be billed again
    with pytest.raises(FinanceError, match=r"sudah ditagih|already billed"):
        bill_issue(user=None, programme=programme, month=Month(2023, 11))


def test_arrears_then_lapse(signed_programme: Callable[..., Signed]) -> None:
    programme = signed_programme(5, months=6).programme  # September 2023 to February 2024
    bills = [
        bill_issue(user=None, programme=programme, month=Month(2023, 9) + i)[0] for i in range(6)
    ]
    payment_record(
        user=None, bill=bills[0], amount=bills[0].total, paid_on=date(2023, 9, 14), reference="A"
    )

    def counts(day: date) -> dict[str, int]:
        status = programme_status(programme, day).as_dict()
        return {k: status[k] for k in ("active", "arrears_1", "arrears_2", "arrears_3", "lapsed")}

    assert counts(date(2023, 9, 20)) == {
        "active": 5, "arrears_1": 0, "arrears_2": 0, "arrears_3": 0, "lapsed": 0,
    }  # fmt: skip
    assert counts(date(2023, 10, 20))["arrears_1"] == 5
    assert counts(date(2023, 11, 20))["arrears_2"] == 5
    assert counts(date(2023, 12, 20))["arrears_3"] == 5
    assert counts(date(2024, 1, 20))["lapsed"] == 5
    status = programme_status(programme, date(2023, 12, 20))
    assert status.outstanding == 3 * 5 * 16_800
    # paying October keeps them one month nearer cover
    payment_record(
        user=None, bill=bills[1], amount=bills[1].total, paid_on=date(2023, 12, 1), reference="B"
    )
    assert counts(date(2023, 12, 20))["arrears_2"] == 5


def test_no_pp50_discount_for_apbd(signed_programme: Callable[..., Signed]) -> None:
    """PP 50/2025 halves JKK+JKM for transport-sector BPU in 2026, but not for members whose
    contributions the APBD pays (RULES.md §1.4): an APBD becak driver (transport sector) is
    billed Rp 16,800."""
    apbd = signed_programme(
        2,
        occupation="becak",
        funder="apbd",
        year=2026,
        first_month=date(2026, 2, 1),
        months=2,
        signed_on=date(2026, 1, 20),
    )
    bill = bill_issue(user=None, programme=apbd.programme, month=Month(2026, 2))[0]
    lines = list(BillLine.objects.filter(bill=bill).values_list("transport", "reduction", "amount"))
    assert lines == [(True, 0, 16_800)] * 2
