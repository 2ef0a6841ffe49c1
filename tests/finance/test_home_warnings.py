"""The home page's warnings for a user who sees many programmes: the same warnings as asking
each programme, read in a fixed number of queries when nothing is due, and never served stale
after a bill or a payment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.finance.selectors.warnings import home_warnings, programme_warnings
from jaring.finance.services import bill_issue, payment_record
from jaring.programmes.models import Programme
from jaring.rules.months import Month
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def _programmes(signed_programme: Callable[..., Signed]) -> dict[str, Programme]:
    """Four programmes from September 2023: paid for September and October; billed for
    October and unpaid; not billed for October; and one from July paid only for July."""
    paid = signed_programme(3, regency="35.71", seed=1).programme
    unpaid = signed_programme(3, regency="36.72", seed=2).programme
    unbilled = signed_programme(3, regency="33.74", seed=3).programme
    lapsing = signed_programme(
        3,
        regency="35.16",
        seed=4,
        first_month=date(2023, 7, 1),
        months=6,
        signed_on=date(2023, 6, 26),
    ).programme
    for month in (Month(2023, 9), Month(2023, 10)):
        bill = bill_issue(user=None, programme=paid, month=month)[0]
        payment_record(
            user=None,
            bill=bill,
            amount=bill.total,
            paid_on=date(2023, 9, 1),
            reference=f"SP2D {month}",
        )
    bill_issue(user=None, programme=unpaid, month=Month(2023, 9))
    bill_issue(user=None, programme=unpaid, month=Month(2023, 10))
    # July paid, then nothing: three months unpaid in October, covered until its end.
    july, *_ = (
        bill_issue(user=None, programme=lapsing, month=Month(2023, 7 + i))[0] for i in range(4)
    )
    payment_record(
        user=None, bill=july, amount=july.total, paid_on=date(2023, 7, 1), reference="SP2D 7"
    )
    return {"paid": paid, "unpaid": unpaid, "unbilled": unbilled, "lapsing": lapsing}


def test_the_same_warnings_as_each_programme_asked_alone(
    signed_programme: Callable[..., Signed],
) -> None:
    programmes = _programmes(signed_programme)
    today = date(2023, 10, 10)  # due on Monday 16 October; the warning starts 7 days before
    found = {w.programme_id: w for w in home_warnings(Programme.objects.all(), today)}
    for name, programme in programmes.items():
        due, lapse = programme_warnings(programme, today)
        warning = found.get(programme.pk)
        if due is None and lapse is None:
            assert warning is None, name
            continue
        assert warning is not None, name
        assert warning.programme_name == programme.name
        assert (warning.due is None) == (due is None), name
        assert (warning.lapse is None) == (lapse is None), name
        if due is not None and warning.due is not None:
            assert (warning.due.due, warning.due.outstanding, warning.due.people) == (
                due.due,
                due.outstanding,
                due.people,
            )
            assert warning.due.bill_issued == (due.bill is not None)
        if lapse is not None and warning.lapse is not None:
            assert (warning.lapse.people, warning.lapse.amount, warning.lapse.names) == (
                lapse.people,
                lapse.amount,
                lapse.names,
            )
    assert programmes["paid"].pk not in found
    assert found[programmes["unpaid"].pk].due is not None
    assert found[programmes["unpaid"].pk].due.bill_issued  # type: ignore[union-attr]
    assert not found[programmes["unbilled"].pk].due.bill_issued  # type: ignore[union-attr]
    assert found[programmes["lapsing"].pk].lapse is not None


def test_nothing_due_costs_the_same_queries_for_many_programmes(
    signed_programme: Callable[..., Signed],
    django_assert_num_queries: Callable[..., object],
) -> None:
    _programmes(signed_programme)
    before_the_window = date(2023, 10, 2)
    # The programmes, their members this month, this month's bills, the paid months grouped:
    # four queries for every programme of the country (one in arrears is then asked alone).
    with django_assert_num_queries(4):  # type: ignore[operator]
        warnings = home_warnings(
            Programme.objects.exclude(first_month=date(2023, 7, 1)), before_the_window
        )
    assert warnings == []


def test_the_home_page_forgets_a_warning_once_the_bill_is_paid(
    signed_programme: Callable[..., Signed],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    start = Month.of(date.today()) + -3
    programme = signed_programme(
        4, first_month=start.first_day, months=6, year=start.year, signed_on=start.first_day
    ).programme
    bills = [bill_issue(user=None, programme=programme, month=start + i)[0] for i in range(4)]
    payment_record(
        user=None, bill=bills[0], amount=bills[0].total, paid_on=start.first_day, reference="A"
    )
    national = login(make_user("nasional", Role.NATIONAL_ADMIN, ()))
    assert 'data-testid="lapse-warning"' in national.get(reverse("home")).content.decode()
    # Served from the cache now; a payment is a write, and the next page knows it.
    assert 'data-testid="lapse-warning"' in national.get(reverse("home")).content.decode()
    payment_record(
        user=None, bill=bills[1], amount=bills[1].total, paid_on=start.first_day, reference="B"
    )
    assert 'data-testid="lapse-warning"' not in national.get(reverse("home")).content.decode()
