"""A Disnaker officer sees the home page's warning that members are three months in arrears,
opens the oldest unpaid bill, records the SP2D payment, and sees the warning clear."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.finance.models import Bill
from jaring.finance.services import bill_issue, payment_record
from jaring.rules.months import Month
from tests.finance.conftest import Signed, signed_programme

__all__ = ["signed_programme"]


def test_payment_clears_the_arrears_warning(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    signed_programme: Callable[..., Signed],
) -> None:
    today = date.today()
    start = Month.of(today) + -3
    late = signed_programme(
        6,
        first_month=start.first_day,
        months=6,
        year=start.year,
        signed_on=start.first_day,
        funder="apbd",
    )
    bills = [bill_issue(user=None, programme=late.programme, month=start + i)[0] for i in range(4)]
    payment_record(
        user=None, bill=bills[0], amount=bills[0].total, paid_on=start.first_day, reference="A"
    )
    page = sign_in(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    warning = page.get_by_test_id("lapse-warning")
    expect(warning).to_contain_text("6")
    expect(warning).to_contain_text(f"Rp {3 * 6 * 16_800:,}".replace(",", "."))

    page.goto(f"{live_server.url}/iuran/tagihan/{bills[1].pk}/")
    expect(page.get_by_test_id("bill-outstanding")).to_have_text("Rp 100.800")
    form = page.get_by_test_id("payment-form")
    form.get_by_label("Nomor SP2D atau transfer").fill("SP2D-900/BTL/2026")
    form.get_by_label("Tanggal bayar").fill(today.isoformat())
    form.get_by_label("Jumlah (Rp)").fill("100800")
    form.get_by_role("button", name="Catat pembayaran").click()
    expect(page.get_by_test_id("bill-outstanding")).to_have_text("Rp 0")
    expect(page.get_by_test_id("payments")).to_contain_text("SP2D-900/BTL/2026")
    assert Bill.objects.get(pk=bills[1].pk).paid == 100_800

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("people-total")).to_be_visible()
    expect(page.get_by_test_id("lapse-warning")).to_have_count(0)
