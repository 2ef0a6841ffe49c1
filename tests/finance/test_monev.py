"""What Monev reads of finance for a region and month: members in the SK, registered at BPJS,
paid (active) and lapsed — the last computed when asked, as a membership lapses by the
passing of months without any write."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from jaring.finance.selectors.status import lapsed_counts
from jaring.finance.services import bill_issue, payment_record
from jaring.rules.months import Month
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def _coverage(region: str, period: str) -> dict:
    out = StringIO()
    call_command("monev", "coverage", "--region", region, "--period", period, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_paid_then_lapsed_by_month(signed_programme: Callable[..., Signed]) -> None:
    programme = signed_programme(5, months=6).programme  # September 2023 to February 2024
    bills = [
        bill_issue(user=None, programme=programme, month=Month(2023, 9) + i)[0] for i in range(6)
    ]
    payment_record(
        user=None, bill=bills[0], amount=bills[0].total, paid_on=date(2023, 9, 14), reference="A"
    )
    september = _coverage("35.71", "2023-09")
    assert (september["in_sk"], september["active"], september["lapsed"]) == (5, 5, 0)
    december = _coverage("35.71", "2023-12")  # three months in arrears: still covered
    assert (december["in_sk"], december["active"], december["lapsed"]) == (5, 0, 0)
    january = _coverage("35.71", "2024-01")
    assert (january["in_sk"], january["active"], january["lapsed"]) == (5, 0, 5)
    assert sum(child["lapsed"] for child in january["children"]) == 5
    assert _coverage("35", "2024-01")["lapsed"] == 5
    # After the programme's last month nobody is in the SK, so nobody counts as lapsed.
    assert _coverage("35.71", "2024-03")["lapsed"] == 0
    # Paying October moves the lapse a month later.
    payment_record(
        user=None, bill=bills[1], amount=bills[1].total, paid_on=date(2023, 12, 1), reference="B"
    )
    assert lapsed_counts("35.71", length=5, on=date(2024, 1, 31)) == {}
    assert lapsed_counts("", length=0, on=date(2024, 2, 29)) == {"": 5}
