"""Reads of the claims app, always from ``Claim.objects.restrict(user)``: the claims a user may
see, the service-level clock and the overdue list, and the reports (claims by programme, year
and kind; benefits paid against iuran paid, per programme and region).

The SLA deadlines are computed column-wise: the holidays are read once, and numpy's business-day
functions give every submitted claim its deadline and its working days late in one call per
holiday calendar (a handful: the national one and the regions that have their own days), never
one query or loop per claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from jaring.claims.models import Claim, ClaimStatus, Instalment
from jaring.claims.services import sla_working_days
from jaring.core import bulk
from jaring.core.scoping import within_q
from jaring.finance.models import Bill, Holiday
from jaring.programmes.models import Programme
from jaring.rules.problems import make_problem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User

#: Statuses on the SLA clock: submitted to BPJS and not yet paid or refused.
ON_THE_CLOCK = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)
#: Statuses whose benefit reached the family's account.
PAID_STATUSES = (ClaimStatus.PAID, ClaimStatus.HANDED_OVER)


def claims_visible(user: User | AnonymousUser | None) -> QuerySet[Claim]:
    claims = Claim.objects.all() if user is None else Claim.objects.restrict(user)
    return claims.select_related("person", "region", "programme")


def claim_get(user: User | AnonymousUser | None, pk: int) -> Claim:
    """One claim the user may see; ``Claim.DoesNotExist`` otherwise (never 'forbidden')."""
    claim: Claim = claims_visible(user).select_related("region__parent").get(pk=pk)
    return claim


def claim_json(claim: Claim) -> dict[str, Any]:
    """The JSON of ``jaring claims open`` (and the API): the claim, whether entitled, the cash
    total, its lines with the legal basis of each, and the reasons when nothing is due (the
    sentences in Indonesian, and their codes)."""
    reasons = [
        make_problem(f.code, **f.params)
        for f in claim.findings.filter(role="reason").order_by("position")
    ]
    return {
        "claim": claim.pk,
        "entitled": claim.entitled,
        "total": claim.total,
        "lines": [
            {"kind": line.kind, "amount": line.amount, "basis": line.citation}
            for line in claim.lines.order_by("position")
        ],
        "reasons": [p.message.render("id") for p in reasons],
        "reason_codes": [p.code for p in reasons],
        "event": claim.event,
        "event_date": claim.event_date.isoformat(),
        "status": claim.status,
        "scholarship_max": claim.scholarship_max,
        "tenure_months": claim.tenure_months,
        "assessment": assessment_json(claim),
        "instalments": [instalment_json(i) for i in claim.instalments.order_by("due_on", "child")],
    }


def assessment_json(claim: Claim) -> dict[str, Any] | None:
    """The JKK assessment of an injury as entered (``None`` when nothing is entered yet)."""
    if not claim.incapacity_months and not claim.disability:
        return None
    return {
        "incapacity_months": claim.incapacity_months,
        "disability": claim.disability or None,
        "percent": _number(claim.disability_percent),
        "function_loss": _number(claim.function_loss),
        "assessed_on": claim.assessed_on.isoformat() if claim.assessed_on else None,
    }


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def instalment_json(instalment: Instalment) -> dict[str, Any]:
    return {
        "child": instalment.child,
        "number": instalment.number,
        "level": instalment.level,
        "year": instalment.year,
        "due_on": instalment.due_on.isoformat(),
        "amount": instalment.amount,
        "basis": f"{instalment.regulation} {instalment.article}".strip(),
        "paid_on": instalment.paid_on.isoformat() if instalment.paid_on else None,
        "reference": instalment.reference or None,
    }


def instalments_due(
    user: User | AnonymousUser | None, *, on: date, claim: Claim | None = None
) -> QuerySet[Instalment]:
    """Scholarship instalments due by ``on`` and not yet paid, of claims already paid (the
    later years that came due), earliest first."""
    instalments = (
        Instalment.objects.all() if user is None else Instalment.objects.restrict(user)
    ).filter(
        paid_on__isnull=True,
        due_on__lte=on,
        claim__status__in=PAID_STATUSES,
    )
    if claim is not None:
        instalments = instalments.filter(claim=claim)
    return instalments.select_related("claim__person").order_by("due_on", "claim_id", "child")


# --- the SLA clock --------------------------------------------------------------------------


def _calendars(regions: Iterable[str], first: date, last: date) -> dict[str, np.ndarray]:
    """Per desa code: the holidays (national, and regional ones of its province, kab/kota,
    kecamatan or desa) between ``first`` and ``last``, as numpy days; read in one query."""
    rows = list(
        Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", "region_id")
    )
    national = [d for d, r in rows if r is None]
    regional = [(d, r) for d, r in rows if r is not None]
    calendars: dict[str, np.ndarray] = {}
    base = np.array(sorted(national), dtype="datetime64[D]")
    for code in set(regions):
        own = [d for d, r in regional if code == r or code.startswith(f"{r}.")]
        calendars[code] = (
            np.array(sorted({*national, *own}), dtype="datetime64[D]") if own else base
        )
    return calendars


def working_day_deadlines(
    starts: np.ndarray, today: np.datetime64, days: int, holidays: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For an array of submission days: the ``days``-th working day after each (weekends and
    ``holidays`` skipped; the day itself not counted) and the working days past it on
    ``today`` (0 when not late) — :func:`jaring.rules.claims.add_working_days` and
    :func:`~jaring.rules.claims.working_days_after`, vectorised."""
    ends = (
        starts if days == 0 else np.busday_offset(starts, days, roll="backward", holidays=holidays)
    )
    counted = np.busday_count(ends + 1, today + 1, holidays=holidays)
    return ends, np.where(today > ends, counted, 0)


def deadlines(frame: pl.DataFrame, *, on: date, days: int | None = None) -> pl.DataFrame:
    """Add ``due_on`` (the ``days``-th working day after ``submitted_on``) and ``late_days``
    (working days past it on ``on``; 0 when not late) to a frame with ``region_id`` and
    ``submitted_on``. Same answer as :func:`jaring.rules.claims.add_working_days`."""
    days = sla_working_days() if days is None else days
    if frame.is_empty():
        return frame.with_columns(due_on=pl.lit(None, pl.Date), late_days=pl.lit(0, pl.Int64))
    submitted = frame["submitted_on"]
    first, latest = submitted.min(), submitted.max()
    assert isinstance(first, date) and isinstance(latest, date)
    last = max(on, latest) + timedelta(days=days * 3 + 30)
    calendars = _calendars(frame["region_id"].unique().to_list(), first, last)
    due = np.empty(frame.height, dtype="datetime64[D]")
    late = np.zeros(frame.height, dtype=np.int64)
    starts = submitted.to_numpy().astype("datetime64[D]")
    today = np.datetime64(on, "D")
    regions = frame["region_id"].to_numpy()
    groups: dict[int, tuple[np.ndarray, list[int]]] = {}
    for index, code in enumerate(regions):
        calendar = calendars[code]
        groups.setdefault(id(calendar), (calendar, []))[1].append(index)
    for calendar, indices in groups.values():
        where = np.array(indices)
        due[where], late[where] = working_day_deadlines(starts[where], today, days, calendar)
    return frame.with_columns(
        due_on=pl.Series("due_on", due).cast(pl.Date), late_days=pl.Series("late_days", late)
    )


def due_on(claim: Claim, *, on: date) -> tuple[date | None, int]:
    """The deadline of one claim and its working days late (a detail page)."""
    if claim.submitted_on is None:
        return None, 0
    frame = deadlines(
        pl.DataFrame(
            {"region_id": [claim.region_id], "submitted_on": [claim.submitted_on]},
            schema={"region_id": pl.String, "submitted_on": pl.Date},
        ),
        on=claim.paid_on or claim.decided_on or on if claim.status not in ON_THE_CLOCK else on,
    )
    return frame["due_on"][0], int(frame["late_days"][0])


OVERDUE_SCHEMA: dict[str, pl.DataType] = {
    "claim_id": pl.Int64(),
    "person_id": pl.Int64(),
    "name": pl.String(),
    "region_id": pl.String(),
    "region_name": pl.String(),
    "event": pl.String(),
    "event_date": pl.Date(),
    "status": pl.String(),
    "submitted_on": pl.Date(),
    "total": pl.Int64(),
}


def overdue(user: User | AnonymousUser | None, *, on: date) -> pl.DataFrame:
    """Claims on the clock past their deadline on ``on``, most late first: one query for the
    claims, one for the holidays."""
    frame = bulk.read_frame(
        claims_visible(user)
        .order_by()
        .filter(status__in=ON_THE_CLOCK, submitted_on__isnull=False, submitted_on__lte=on)
        .values_list(
            "id",
            "person_id",
            "person__name",
            "region_id",
            "region__name",
            "event",
            "event_date",
            "status",
            "submitted_on",
            "total",
        ),
        OVERDUE_SCHEMA,
    )
    timed = deadlines(frame, on=on)
    return timed.filter(pl.col("late_days") > 0).sort(
        ["late_days", "claim_id"], descending=[True, False]
    )


# --- reports ----------------------------------------------------------------------------------


@dataclass
class Summary:
    """``jaring claims summary --json``: claims of the year (by event date), what they paid,
    the iuran paid for the year's months, and the ratio of the two."""

    claims: int
    paid: int
    iuran: int
    year: int
    programme: int | None = None
    region: str | None = None
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return round(self.paid / self.iuran, 4) if self.iuran else None

    def as_dict(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "claims": self.claims,
            "paid": self.paid,
            "iuran": self.iuran,
            "ratio": ratio,
            "ratio_percent": round(self.paid * 100 / self.iuran, 1) if self.iuran else None,
            "year": self.year,
            "programme": self.programme,
            "region": self.region,
            "by_kind": self.by_kind,
        }


def _bills(user: User | AnonymousUser | None) -> QuerySet[Bill]:
    return Bill.objects.all() if user is None else Bill.objects.restrict(user)


def claims_summary(
    user: User | AnonymousUser | None,
    *,
    year: int,
    programme: Programme | None = None,
    region: str | None = None,
) -> Summary:
    """Claims whose event fell in ``year`` (of the programme, or of people living in the
    region), the amounts received for them, and the iuran paid for the year's months (of the
    programme, or of the programmes the region runs)."""
    claims = claims_visible(user).filter(event_date__year=year)
    bills = _bills(user).filter(month__year=year)
    if programme is not None:
        claims = claims.filter(programme=programme)
        bills = bills.filter(programme=programme)
    if region:
        claims = claims.filter(within_q("region", [region]))
        bills = bills.filter(within_q("programme__region", [region]))
    counts = dict(claims.order_by().values_list("event").annotate(n=Count("id")))
    paid = claims.filter(status__in=PAID_STATUSES).aggregate(s=Sum("amount_received"))["s"] or 0
    iuran = bills.aggregate(s=Sum("paid"))["s"] or 0
    return Summary(
        claims=sum(counts.values()),
        paid=int(paid),
        iuran=int(iuran),
        year=year,
        programme=programme.pk if programme else None,
        region=region,
        by_kind={str(k): int(v) for k, v in counts.items()},
    )


def claims_by_programme(user: User | AnonymousUser | None) -> list[dict[str, Any]]:
    """Claims by programme, year of the event and kind: how many, how many entitled, how much
    due and how much received (one grouped query)."""
    rows = (
        claims_visible(user)
        .order_by()
        .annotate(year=ExtractYear("event_date"))
        .values("programme_id", "programme__name", "year", "event")
        .annotate(
            claims=Count("id"),
            entitled=Count("id", filter=Q(entitled=True)),
            due=Sum("total"),
            paid=Sum("amount_received", filter=Q(status__in=PAID_STATUSES)),
        )
        .order_by("-year", "programme__name", "event")
    )
    return [{**row, "due": int(row["due"] or 0), "paid": int(row["paid"] or 0)} for row in rows]


def ratios(user: User | AnonymousUser | None) -> list[dict[str, Any]]:
    """Per programme (and its region) and year: benefits received for its claims against the
    iuran paid for its months, and the ratio (two grouped queries joined)."""
    paid = pl.DataFrame(
        list(
            claims_visible(user)
            .order_by()
            .filter(programme__isnull=False)
            .annotate(year=ExtractYear("event_date"))
            .values_list("programme_id", "year")
            .annotate(
                claims=Count("id"),
                paid=Sum("amount_received", filter=Q(status__in=PAID_STATUSES)),
            )
        ),
        schema={"programme_id": pl.Int64, "year": pl.Int64, "claims": pl.Int64, "paid": pl.Int64},
        orient="row",
    )
    iuran = pl.DataFrame(
        list(
            _bills(user)
            .order_by()
            .annotate(year=ExtractYear("month"))
            .values_list("programme_id", "year")
            .annotate(iuran=Sum("paid"))
        ),
        schema={"programme_id": pl.Int64, "year": pl.Int64, "iuran": pl.Int64},
        orient="row",
    )
    table = paid.join(iuran, on=["programme_id", "year"], how="left").with_columns(
        pl.col("paid").fill_null(0), pl.col("iuran").fill_null(0)
    )
    names = {
        p.pk: p
        for p in Programme.objects.filter(pk__in=table["programme_id"].to_list()).select_related(
            "region"
        )
    }
    out = []
    for row in table.sort(["year", "programme_id"], descending=[True, False]).iter_rows(named=True):
        programme = names[row["programme_id"]]
        iuran_paid = int(row["iuran"])
        out.append(
            {
                **row,
                "programme": programme,
                "region": programme.region,
                "ratio": round(row["paid"] / iuran_paid, 4) if iuran_paid else None,
                "ratio_percent": round(row["paid"] * 100 / iuran_paid, 1) if iuran_paid else None,
            }
        )
    return out
