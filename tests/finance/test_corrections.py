"""Correcting an issued bill by new lines only: someone no longer covered is cancelled, a paid
line's money goes back to the bill's credit and the month is no longer paid — in the
enrolment and in Monev's paid-months tally alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.finance.models import BillLine, Enrolment, LapseTally, PaidTally
from jaring.finance.months import months_of
from jaring.finance.selectors.tallies import paid_tally_totals
from jaring.finance.services import bill_issue, payment_record
from jaring.finance.services.bills import bill_correct
from jaring.finance.tallies import finance_tally_differences
from jaring.programmes.models import Membership
from jaring.rules.months import Month
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def test_a_paid_line_for_someone_no_longer_covered_is_cancelled_and_its_month_unpaid(
    signed_programme: Callable[..., Signed],
) -> None:
    signed = signed_programme(3)
    programme = signed.programme
    bill = bill_issue(user=None, programme=programme, month=Month(2023, 9))[0]
    payment_record(
        user=None, bill=bill, amount=bill.total, paid_on=date(2023, 9, 14), reference="A"
    )
    assert paid_tally_totals(["35.71"], upto=202309) == {"35.71": 3}
    gone = int(signed.people["id"][0])
    # The person turns out not to be covered in September (a later version starts them in
    # October): the issued lines stay, a cancelling line is added.
    Membership.objects.filter(person_id=gone).update(first_month=date(2023, 10, 1))
    correction = bill_correct(user=None, bill=bill)
    assert (correction.added, correction.cancelled, correction.amount) == (0, 1, -16_800)
    bill.refresh_from_db()
    assert bill.issued_total == 3 * 16_800  # what was issued never changes
    assert bill.total == 2 * 16_800 and bill.paid == 3 * 16_800
    assert bill.allocated == 2 * 16_800  # the cancelled line's money is credit again
    assert BillLine.objects.filter(bill=bill).count() == 4
    enrolment = Enrolment.objects.get(programme=programme, person_id=gone)
    assert Month(2023, 9) not in months_of(enrolment.paid_mask, enrolment.base_month)
    assert paid_tally_totals(["35.71"], upto=202309) == {"35.71": 2}
    assert finance_tally_differences(PaidTally).is_empty()
    assert finance_tally_differences(LapseTally).is_empty()
    # Correcting again changes nothing.
    again = bill_correct(user=None, bill=bill)
    assert (again.added, again.cancelled, again.amount) == (0, 0, 0)
