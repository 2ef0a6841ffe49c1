"""Issuing monthly bills, paid-ahead packages and corrections.

A bill is issued in one transaction, column-wise: the programme's memberships covering the
month are read once; each distinct cohort (income basis, JHT, PP 50/2025 sector, funder) gets
its amount from the rules engine; the lines (one per person, ordered by desa) are written by
COPY; enrolments are made for people billed for the first time. Once issued, a bill never
changes: :func:`bill_correct` compares it with the memberships as they are now and appends
lines (an addition, or a cancellation carrying the negative amount of the line it cancels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk
from jaring.core.tallies import data_version_bump
from jaring.finance.errors import FinanceError
from jaring.finance.messages import day_label, month_label
from jaring.finance.models import (
    Bill,
    BillLine,
    BillPackage,
    BpjsStatus,
    CorrectionReason,
    Enrolment,
    Holiday,
    LineKind,
)
from jaring.finance.months import bit
from jaring.finance.services.common import (
    check_month,
    check_scope,
    enrolments_create,
    enrolments_frame,
    transport_codes,
    with_amounts,
)
from jaring.finance.tallies import enrolment_tallies_kept
from jaring.programmes.models import Membership, Programme
from jaring.rules.months import Month
from jaring.rules.programmes import SPONSOR_PACKAGE_MONTHS

if TYPE_CHECKING:
    from jaring.accounts.models import User

#: Kinds of line that charge money (a cancellation gives it back).
CHARGING = (LineKind.CHARGE, LineKind.ADDITION)
#: The data version bumped by every write of bills and payments (pages cached until then).
BILLS = "finance.Bill"


def due_day() -> int:
    return int(getattr(settings, "JARING_BILL_DUE_DAY", 15))


def is_working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def holidays_near(start: date, region_code: str, days: int = 40) -> set[date]:
    """National holidays and those of ``region_code``'s province or kab/kota, from ``start``."""
    codes = [region_code[:length] for length in (2, 5, 8, 13) if len(region_code) >= length]
    rows = Holiday.objects.filter(day__gte=start, day__lte=start + timedelta(days=days)).filter(
        Q(region__isnull=True) | Q(region_id__in=codes)
    )
    return set(rows.values_list("day", flat=True))


def due_date(month: Month, *, region_code: str) -> date:
    """The configured day of the month (the 15th), or the next working day after weekends and
    holidays."""
    day = min(due_day(), month.last_day.day)
    candidate = date(month.year, month.month, day)
    holidays = holidays_near(candidate, region_code)
    while not is_working_day(candidate, holidays):
        candidate += timedelta(days=1)
    return candidate


MEMBER_SCHEMA: dict[str, pl.DataType] = {
    "membership_id": pl.Int64(),
    "person_id": pl.Int64(),
    "region_id": pl.String(),
    "occupation_id": pl.String(),
    "funder": pl.String(),
    "income_basis": pl.Int64(),
    "jht": pl.Boolean(),
}


def members_frame(programme: Programme, month: Month) -> pl.DataFrame:
    """The programme's memberships covering ``month``, one per person (the latest version's
    should two ever cover the same month), with their cohort columns."""
    frame = bulk.read_frame(
        Membership.objects.order_by()
        .filter(programme=programme)
        .covering(month)
        .values_list(
            "id", "person_id", "region_id", "occupation_id", "funder", "income_basis", "jht"
        ),
        MEMBER_SCHEMA,
    )
    return (
        frame.sort("membership_id")
        .unique("person_id", keep="last")
        .with_columns(transport=pl.col("occupation_id").is_in(transport_codes()).fill_null(False))
    )


def _line_columns(frame: pl.DataFrame, bill_id: int, now: object) -> pl.DataFrame:
    return frame.select(
        "id",
        pl.lit(bill_id, pl.Int64).alias("bill_id"),
        "position",
        "kind",
        "membership_id",
        "person_id",
        "region_id",
        "income_basis",
        "funder",
        "transport",
        "jkk",
        "jkm",
        pl.col("jht_amount").alias("jht"),
        "reduction",
        "amount",
        "corrects_id",
        "reason",
        pl.lit(now).dt.convert_time_zone("UTC").alias("created_at"),
    )


def _with_ids(frame: pl.DataFrame) -> pl.DataFrame:
    first = bulk.reserve_ids(BillLine, frame.height)
    return frame.with_columns(id=pl.int_range(first, first + frame.height, dtype=pl.Int64))


def bill_number(programme: Programme, month: Month) -> str:
    return f"TGH/{programme.region_id}/{programme.pk}/{month}"


def _issue_one(
    *,
    user: User | None,
    programme: Programme,
    month: Month,
    due: date,
    package: BillPackage | None,
) -> Bill:
    members = members_frame(programme, month)
    enrolments = enrolments_frame(programme)
    rejected = enrolments.filter(pl.col("bpjs_status") == BpjsStatus.REJECTED)
    billed = members.join(rejected.select("person_id"), on="person_id", how="anti")
    if billed.is_empty():
        reason = (
            "every member's registration was rejected by BPJS"
            if members.height
            else "no membership covers the month"
        )
        raise FinanceError("BILL_EMPTY", month=month_label(month), reason=reason)
    now = timezone.now()
    lines = (
        with_amounts(billed, month)
        .sort("region_id", "person_id")
        .with_columns(
            position=pl.int_range(1, billed.height + 1, dtype=pl.Int64),
            kind=pl.lit(LineKind.CHARGE.value),
            corrects_id=pl.lit(None, pl.Int64),
            reason=pl.lit(""),
        )
    )
    total = int(lines["amount"].sum())
    bill = Bill.objects.create(
        programme=programme,
        month=month.first_day,
        number=bill_number(programme, month),
        due_date=due,
        package=package,
        lines=lines.height,
        people=lines.height,
        issued_total=total,
        total=total,
        withheld=members.height - billed.height,
        issued_at=now,
        issued_by=user,
    )
    bulk.copy_frame(BillLine, _line_columns(_with_ids(lines), bill.pk, now))
    enrolments_create(programme, billed.select("person_id", "region_id"), enrolments)
    return bill


def bill_issue(
    *,
    user: User | None,
    programme: Programme,
    month: Month,
    ahead: int = 1,
) -> list[Bill]:
    """Issue the bill of ``month`` (with ``ahead`` of 3, 6 or 12: the bills of that many
    months from ``month``, as one package paid ahead, all due on the first month's due date).

    Refused, with nothing written, for a month before the programme or outside its signed
    decrees, a month already billed, or a package of another length.
    """
    if ahead != 1 and ahead not in SPONSOR_PACKAGE_MONTHS:
        raise FinanceError(
            "AHEAD_INVALID",
            months=ahead,
            allowed="/".join(str(m) for m in SPONSOR_PACKAGE_MONTHS),
        )
    check_scope(user, programme)
    months = [month + i for i in range(ahead)]
    with transaction.atomic(), acting_as(user):
        # One issuer at a time per programme.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        data_version_bump(BILLS)
        for each in months:
            check_month(programme, each)
        existing = Bill.objects.filter(
            programme=programme, month__in=[m.first_day for m in months]
        ).order_by("month")
        if found := existing.first():
            raise FinanceError(
                "BILL_EXISTS",
                month=month_label(found.month),
                number=found.number,
                date=day_label(timezone.localdate(found.issued_at)),
            )
        due = due_date(month, region_code=programme.region_id)
        package = None
        if ahead > 1:
            package = BillPackage.objects.create(
                programme=programme, first_month=month.first_day, months=ahead, due_date=due
            )
        bills = [
            _issue_one(
                user=user,
                programme=programme,
                month=each,
                due=due if package else due_date(each, region_code=programme.region_id),
                package=package,
            )
            for each in months
        ]
    return bills


# --- corrections ----------------------------------------------------------------------------


LINE_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "position": pl.Int64(),
    "kind": pl.String(),
    "person_id": pl.Int64(),
    "amount": pl.Int64(),
    "corrects_id": pl.Int64(),
}


def bill_lines_frame(bill: Bill) -> pl.DataFrame:
    return bulk.read_frame(
        BillLine.objects.order_by()
        .filter(bill=bill)
        .values_list("id", "position", "kind", "person_id", "amount", "corrects_id"),
        LINE_SCHEMA,
    )


def standing_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """The charging lines no cancellation cancels."""
    cancelled = lines.filter(pl.col("kind") == LineKind.CANCELLATION).select(
        pl.col("corrects_id").alias("id")
    )
    return lines.filter(pl.col("kind").is_in([k.value for k in CHARGING])).join(
        cancelled, on="id", how="anti"
    )


@dataclass(frozen=True)
class Correction:
    bill: Bill
    added: int
    cancelled: int
    amount: int

    def as_dict(self) -> dict[str, object]:
        return {
            "bill": self.bill.pk,
            "added": self.added,
            "cancelled": self.cancelled,
            "amount": self.amount,
            "total": self.bill.total,
        }


def bill_correct(*, user: User | None, bill: Bill) -> Correction:
    """Bring an issued bill in line with the memberships as they are now, by new lines only:
    a line for someone no longer covered (or rejected by BPJS) is cancelled; someone covered
    now without a line gets one; a changed amount is cancelled and charged anew. A cancelled
    line that was already paid returns its money to the bill's credit (and the person's
    month is no longer paid)."""
    programme = bill.programme
    check_scope(user, programme)
    month = Month.of(bill.month)
    from jaring.finance.services.payments import allocate

    with transaction.atomic(), acting_as(user):
        locked = Bill.objects.select_for_update().get(pk=bill.pk)
        data_version_bump(BILLS)
        lines = bill_lines_frame(locked)
        standing = standing_lines(lines)
        members = members_frame(programme, month)
        enrolments = enrolments_frame(programme)
        rejected = enrolments.filter(pl.col("bpjs_status") == BpjsStatus.REJECTED)
        wanted = with_amounts(
            members.join(rejected.select("person_id"), on="person_id", how="anti"), month
        )
        now = timezone.now()
        pair = standing.select("id", "person_id", "position", "amount").join(
            wanted.select("person_id", pl.col("amount").alias("wanted")),
            on="person_id",
            how="full",
            coalesce=True,
        )
        gone = pair.filter(pl.col("wanted").is_null() & pl.col("id").is_not_null())
        changed = pair.filter(
            pl.col("wanted").is_not_null()
            & pl.col("id").is_not_null()
            & (pl.col("wanted") != pl.col("amount"))
        )
        new = pair.filter(pl.col("id").is_null())
        rejected_ids = set(rejected["person_id"].to_list())
        cancel = pl.concat([gone, changed]).with_columns(
            reason=pl.when(pl.col("wanted").is_not_null())
            .then(pl.lit(CorrectionReason.AMOUNT_CHANGED.value))
            .when(pl.col("person_id").is_in(sorted(rejected_ids)))
            .then(pl.lit(CorrectionReason.REJECTED.value))
            .otherwise(pl.lit(CorrectionReason.NOT_COVERED.value))
        )
        next_position = int(lines["position"].max() or 0) + 1  # type: ignore[arg-type]
        originals = BillLine.objects.filter(pk__in=cancel["id"].to_list())
        cancellations = [
            BillLine(
                bill=locked,
                position=0,
                kind=LineKind.CANCELLATION,
                membership_id=line.membership_id,
                person_id=line.person_id,
                region_id=line.region_id,
                income_basis=line.income_basis,
                funder=line.funder,
                transport=line.transport,
                jkk=-line.jkk,
                jkm=-line.jkm,
                jht=-line.jht,
                reduction=-line.reduction,
                amount=-line.amount,
                corrects_id=line.pk,
                reason=dict(zip(cancel["id"], cancel["reason"], strict=True))[line.pk],
                created_at=now,
            )
            for line in originals.order_by("position")
        ]
        for offset, line in enumerate(cancellations):
            line.position = next_position + offset
        BillLine.objects.bulk_create(cancellations, batch_size=5000)
        next_position += len(cancellations)
        additions = wanted.join(
            pl.concat([changed.select("person_id"), new.select("person_id")]),
            on="person_id",
            how="semi",
        ).with_columns(
            reason=pl.when(pl.col("person_id").is_in(changed["person_id"].implode()))
            .then(pl.lit(CorrectionReason.AMOUNT_CHANGED.value))
            .otherwise(pl.lit(CorrectionReason.NEWLY_COVERED.value))
        )
        additions = additions.sort("region_id", "person_id").with_columns(
            position=pl.int_range(next_position, next_position + additions.height, dtype=pl.Int64),
            kind=pl.lit(LineKind.ADDITION.value),
            corrects_id=pl.lit(None, pl.Int64),
        )
        if additions.height:
            bulk.copy_frame(BillLine, _line_columns(_with_ids(additions), locked.pk, now))
            enrolments_create(programme, additions.select("person_id", "region_id"), enrolments)
        # Money of cancelled lines that were paid goes back to the bill's credit.
        paid_back = cancel.filter(pl.col("position") <= locked.paid_through)
        if paid_back.height:
            locked.allocated -= int(paid_back["amount"].sum())
            unpaid = Enrolment.objects.filter(
                programme=programme, person_id__in=paid_back["person_id"].to_list()
            )
            with enrolment_tallies_kept(unpaid, paid_mask_only=True):
                unpaid.update(paid_mask=_clear(bit(month, programme.first_month)), updated_at=now)
        delta = int(additions["amount"].sum() or 0) - int(cancel["amount"].sum() or 0)
        locked.total += delta
        locked.lines += len(cancellations) + additions.height
        locked.people = int(standing.height - cancel.height + additions.height)
        locked.save(update_fields=["total", "lines", "people", "allocated"])
        allocate(locked, payment=None)
    return Correction(locked, additions.height, len(cancellations), delta)


def _clear(mask_bit: int) -> object:
    from django.db.models import F

    return F("paid_mask").bitand(~mask_bit)
