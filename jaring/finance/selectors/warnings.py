"""The home page's warnings of a programme: the month's bill due within a few days (or past
due) and unpaid, and members in their third month of arrears who lose their protection at the
end of the month — naming them, and the amount that keeps them covered.

Cheap when all is paid: the status of the members (:mod:`.status`) is only computed when a bill
of the last four months still has unpaid lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from django.conf import settings
from django.db.models import F, Sum

from jaring.finance.models import Bill, BillLine, LineKind
from jaring.finance.selectors.status import status_frame
from jaring.finance.services.bills import CHARGING, due_date
from jaring.programmes.models import Membership, Programme
from jaring.registry.models import Person
from jaring.rules.months import Month

#: People named in a warning; the rest are counted.
NAMED = 5


def warn_days() -> int:
    return int(getattr(settings, "JARING_BILL_WARN_DAYS", 7))


@dataclass
class DueWarning:
    programme: Programme
    month: Month
    due: date
    days_left: int
    bill: Bill | None
    outstanding: int
    people: int


@dataclass
class LapseWarning:
    programme: Programme
    month: Month
    lapse_on: date
    days_left: int
    people: int
    amount: int
    names: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.people - len(self.names), 0)


def unpaid_by_person(programme: Programme, month: Month, people: list[int]) -> pl.DataFrame:
    """What each of ``people`` still owes on the programme's bills up to ``month``: the
    charging lines past each bill's ``paid_through`` that no cancellation cancels."""
    cancelled = BillLine.objects.filter(
        bill__programme=programme, kind=LineKind.CANCELLATION
    ).values("corrects_id")
    rows = (
        BillLine.objects.filter(
            bill__programme=programme,
            bill__month__lte=month.first_day,
            kind__in=CHARGING,
            position__gt=F("bill__paid_through"),
            person_id__in=people,
        )
        .exclude(pk__in=cancelled)
        .values("person_id")
        .annotate(amount=Sum("amount"))
        .values_list("person_id", "amount")
    )
    return pl.DataFrame(
        list(rows), schema={"person_id": pl.Int64, "amount": pl.Int64}, orient="row"
    )


def _needs_status(programme: Programme, month: Month) -> bool:
    recent = Bill.objects.filter(
        programme=programme,
        month__gte=(month + -3).first_day,
        month__lte=month.first_day,
    )
    return any(b.total > b.paid or b.paid > b.allocated for b in recent) or not recent.exists()


def programme_warnings(
    programme: Programme, today: date
) -> tuple[DueWarning | None, LapseWarning | None]:
    month = Month.of(today)
    if not Membership.objects.filter(programme=programme).covering(month).exists():
        return None, None
    due_warning = None
    due = due_date(month, region_code=programme.region_id)
    bill = Bill.objects.filter(programme=programme, month=month.first_day).first()
    owed = bill.outstanding if bill is not None else None
    if (owed is None or owed > 0) and today >= due - timedelta(days=warn_days()):
        people = (
            bill.people
            if bill is not None
            else Membership.objects.filter(programme=programme).covering(month).count()
        )
        due_warning = DueWarning(programme, month, due, (due - today).days, bill, owed or 0, people)
    lapse_warning = None
    if _needs_status(programme, month):
        frame = status_frame(programme, today).filter(pl.col("key") == "arrears_3")
        if frame.height:
            ids = frame["person_id"].to_list()
            amounts = unpaid_by_person(programme, month, ids)
            named = list(
                Person.objects.filter(pk__in=ids[:NAMED])
                .order_by("name")
                .values_list("name", flat=True)
            )
            lapse_on = (month + 1).first_day
            lapse_warning = LapseWarning(
                programme,
                month,
                lapse_on,
                (lapse_on - today).days,
                frame.height,
                int(amounts["amount"].sum() or 0),
                named,
            )
    return due_warning, lapse_warning
