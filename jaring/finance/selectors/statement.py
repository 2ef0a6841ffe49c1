"""The monthly statement of a programme: the month's bill, the payments received in the month
(and what they paid), and what is still owed — per desa too. Aggregates only: no person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Count, F, Q, Sum

from jaring.finance.models import Allocation, Bill, BillLine, Payment
from jaring.finance.services.bills import CHARGING
from jaring.programmes.models import Programme
from jaring.rules.months import Month


@dataclass
class Statement:
    programme: Programme
    month: Month
    bill: Bill | None
    payments: list[Payment]
    allocations: list[Allocation]
    owed_before: int
    owed_after: int
    by_region: list[dict[str, Any]]

    @property
    def received(self) -> int:
        return sum(p.amount for p in self.payments)

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme.pk,
            "month": str(self.month),
            "bill": self.bill.pk if self.bill else None,
            "billed": self.bill.total if self.bill else 0,
            "received": self.received,
            "owed_before": self.owed_before,
            "owed_after": self.owed_after,
            "payments": [
                {
                    "payment": p.pk,
                    "reference": p.reference,
                    "date": p.paid_on.isoformat(),
                    "amount": p.amount,
                }
                for p in self.payments
            ],
            "regions": self.by_region,
        }


def _owed(programme: Programme, upto: Month) -> int:
    bills = Bill.objects.filter(programme=programme, month__lte=upto.first_day)
    totals = bills.aggregate(total=Sum("total"), paid=Sum("paid"))
    return max(int(totals["total"] or 0) - int(totals["paid"] or 0), 0)


def monthly_statement(programme: Programme, month: Month) -> Statement:
    bill = Bill.objects.filter(programme=programme, month=month.first_day).first()
    payments = list(
        Payment.objects.filter(
            programme=programme,
            paid_on__gte=month.first_day,
            paid_on__lte=month.last_day,
        ).order_by("paid_on", "pk")
    )
    allocations = list(
        Allocation.objects.filter(payment__in=payments).select_related("bill", "payment")
    )
    by_region: list[dict[str, Any]] = []
    if bill is not None:
        rows = (
            BillLine.objects.filter(bill=bill)
            .values("region_id", "region__name")
            .annotate(
                lines=Count("pk", filter=Q(kind__in=CHARGING)),
                billed=Sum("amount"),
                paid=Sum(
                    "amount",
                    filter=Q(kind__in=CHARGING, position__lte=F("bill__paid_through")),
                ),
            )
            .order_by("region_id")
        )
        frame = pl.DataFrame(list(rows)) if rows else pl.DataFrame()
        for row in frame.iter_rows(named=True) if frame.height else ():
            by_region.append(
                {
                    "region": row["region_id"],
                    "name": row["region__name"],
                    "lines": int(row["lines"] or 0),
                    "amount": int(row["billed"] or 0),
                    "paid": int(row["paid"] or 0),
                }
            )
    return Statement(
        programme=programme,
        month=month,
        bill=bill,
        payments=payments,
        allocations=allocations,
        owed_before=_owed(programme, month + -1),
        owed_after=_owed(programme, month),
        by_region=by_region,
    )
