"""The home page's warnings of a programme: the month's bill due within a few days (or past
due) and unpaid, and members in their third month of arrears who lose their protection at the
end of the month — naming them, and the amount that keeps them covered.

Cheap when all is paid: the status of the members (:mod:`.status`) is only computed when a bill
of the last four months still has unpaid lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import polars as pl
from django.conf import settings
from django.db.models import Count, F, QuerySet, Sum

from jaring.finance.models import Bill, BillLine, Enrolment, LineKind
from jaring.finance.months import months_of
from jaring.finance.selectors.status import state_key, status_frame
from jaring.finance.services.bills import CHARGING, due_date, due_day
from jaring.programmes.models import Membership, Programme
from jaring.registry.models import Person
from jaring.rules.months import Month
from jaring.rules.status import protection_status

#: People named in a warning; the rest are counted.
NAMED = 5


def warn_days() -> int:
    return int(getattr(settings, "JARING_BILL_WARN_DAYS", 7))


@dataclass
class DueWarning:
    programme: Programme | None
    month: Month
    due: date
    days_left: int
    bill: Bill | None
    outstanding: int
    people: int
    bill_issued: bool = False

    def __post_init__(self) -> None:
        self.bill_issued = self.bill_issued or self.bill is not None


@dataclass
class LapseWarning:
    programme: Programme | None
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


def _earliest_due(month: Month) -> date:
    """The soonest any programme's bill for ``month`` can be due: the configured day (holidays
    and weekends only move a due date later)."""
    return date(month.year, month.month, min(due_day(), month.last_day.day))


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


def home_warnings(programmes: QuerySet[Programme], today: date) -> list[HomeWarning]:
    """The warnings of every programme in ``programmes`` (those a user may see), for the home
    page. A national or provincial user sees hundreds of programmes: what decides that a
    programme has nothing to say is read for all of them at once (members this month, this
    month's bill, the members' paid months grouped by programme), and only a programme with a
    warning is looked at one by one (:func:`programme_warnings`)."""
    month = Month.of(today)
    current = programmes.filter(year__gte=today.year - 1)
    listed = {p.pk: p for p in current}
    # The programmes as a subquery, not a list of hundreds of ids, in the two scans below.
    current_ids = current.order_by().values("pk")
    members = dict(
        Membership.objects.order_by()
        .filter(programme_id__in=current_ids)
        .covering(month)
        .values_list("programme_id")
        .annotate(n=Count("id"))
        .values_list("programme_id", "n")
    )
    if not members:
        return []
    bills = {
        b.programme_id: b
        for b in Bill.objects.filter(programme_id__in=members, month=month.first_day)
    }
    due_soon = today >= _earliest_due(month) - timedelta(days=warn_days())
    # Every paid-month set of the programmes' enrolments, once each: a superset of the members
    # of this month (a member not enrolled yet is not in arrears; an enrolment whose membership
    # ended may add a programme, which programme_warnings then answers exactly).
    masks = (
        Enrolment.objects.order_by()
        .filter(programme_id__in=current_ids)
        .values_list("programme_id", "paid_mask")
        .distinct()
    )
    in_arrears = set()
    states: dict[tuple[date, int], str] = {}
    for programme_id, paid_mask in masks.iterator(chunk_size=20_000):
        if programme_id not in members:
            continue
        base = listed[programme_id].first_month
        key = states.get((base, paid_mask))
        if key is None:
            status = protection_status(months_of(int(paid_mask), base), today)
            key = states[(base, paid_mask)] = state_key(status.state.value, status.unpaid_months)
        if key == "arrears_3":
            in_arrears.add(programme_id)
    warnings = []
    for programme_id in sorted(members, key=lambda pk: listed[pk].name):
        bill = bills.get(programme_id)
        owing = bill is None or bill.outstanding > 0
        if not (due_soon and owing) and programme_id not in in_arrears:
            continue
        due, lapse = programme_warnings(listed[programme_id], today)
        if due or lapse:
            warnings.append(HomeWarning.of(listed[programme_id], due, lapse))
    return warnings


@dataclass(frozen=True)
class HomeWarning:
    """A programme's warnings as plain values (cached between requests: no model instances)."""

    programme_id: int
    programme_name: str
    due: DueWarning | None
    lapse: LapseWarning | None

    @classmethod
    def of(
        cls, programme: Programme, due: DueWarning | None, lapse: LapseWarning | None
    ) -> HomeWarning:
        return cls(
            programme.pk,
            programme.name,
            replace(due, programme=None, bill_issued=due.bill is not None, bill=None)
            if due
            else None,
            replace(lapse, programme=None) if lapse else None,
        )
