"""What Monev reads of finance for a region and month: members in the SK, registered at BPJS,
paid (active) and lapsed — the last kept as flows of the months to come (a membership lapses by
the passing of months without any write), equal to what the rows give in every month."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from jaring.finance.models import LapseTally
from jaring.finance.selectors.status import lapsed_counts
from jaring.finance.selectors.tallies import lapse_tally_children, lapse_tally_totals
from jaring.finance.services import bill_issue, payment_record
from jaring.finance.tallies import finance_tallies_rebuild, finance_tally_differences
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


def _lapse_tally_equals_the_rows(first: Month, last: Month) -> None:
    """In every month, for the country, a province, a kab/kota and its kecamatan: the tally
    gives what the rows give."""
    for month in (first + i for i in range(last - first + 1)):
        on, key = month.last_day, month.year * 100 + month.month
        assert lapse_tally_totals([""], upto=key)[""] == sum(
            lapsed_counts("", length=0, on=on).values()
        )
        assert lapse_tally_totals(["35", "35.71"], upto=key) == {
            "35": lapsed_counts("35", length=2, on=on).get("35", 0),
            "35.71": lapsed_counts("35.71", length=5, on=on).get("35.71", 0),
        }
        assert lapse_tally_children("35.71", upto=key) == lapsed_counts("35.71", length=8, on=on)
    assert finance_tally_differences(LapseTally).is_empty()


def test_lapse_tally_follows_payments_and_memberships(
    signed_programme: Callable[..., Signed],
) -> None:
    """Kept by each write (payments, a member's death ending the membership) and equal to the
    rows month by month, months to come included; a recomputation gives the same."""
    from jaring.programmes.models import Membership
    from jaring.programmes.services.leaving import memberships_end_on_death

    signed = signed_programme(6, months=6)  # September 2023 to February 2024
    programme = signed.programme
    bills = [
        bill_issue(user=None, programme=programme, month=Month(2023, 9) + i)[0] for i in range(6)
    ]
    _lapse_tally_equals_the_rows(Month(2023, 8), Month(2024, 4))  # nothing paid: nobody lapses
    payment_record(
        user=None, bill=bills[0], amount=bills[0].total, paid_on=date(2023, 9, 14), reference="A"
    )
    _lapse_tally_equals_the_rows(Month(2023, 8), Month(2024, 4))
    assert lapse_tally_totals(["35.71"], upto=202401) == {"35.71": 6}
    # Paying November: lapsed from March — after the programme's last month, so never.
    payment_record(
        user=None, bill=bills[2], amount=bills[2].total, paid_on=date(2023, 12, 1), reference="B"
    )
    _lapse_tally_equals_the_rows(Month(2023, 8), Month(2024, 4))
    assert lapse_tally_totals(["35.71"], upto=202402) == {"35.71": 0}
    # A member dies in October: the membership ends, and with it what it counted.
    member = Membership.objects.filter(programme=programme).order_by("id").first()
    assert member is not None
    memberships_end_on_death(user=None, person_id=member.person_id, month=Month(2023, 10))
    _lapse_tally_equals_the_rows(Month(2023, 8), Month(2024, 4))
    finance_tallies_rebuild()
    _lapse_tally_equals_the_rows(Month(2023, 8), Month(2024, 4))
