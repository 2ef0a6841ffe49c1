"""``jaring bills issue|status|correct|list``: monthly contribution bills (issue 16)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.utils import timezone

from jaring.finance.management.commands._cli import (
    FinanceCommand,
    bill_of,
    common_options,
    programme_of,
)
from jaring.finance.models import Bill
from jaring.finance.selectors.status import programme_status
from jaring.finance.services import bill_correct, bill_issue
from jaring.programmes.management.commands._arguments import day, month, whole
from jaring.rules.months import Month


def bill_summary(bill: Bill) -> dict[str, Any]:
    return {
        "bill": bill.pk,
        "number": bill.number,
        "month": f"{bill.month:%Y-%m}",
        "lines": bill.lines,
        "people": bill.people,
        "total": bill.total,
        "issued_total": bill.issued_total,
        "withheld": bill.withheld,
        "due_date": bill.due_date.isoformat(),
        "paid": bill.paid,
        "outstanding": bill.outstanding,
        "overpaid": bill.overpaid,
    }


class Command(FinanceCommand):
    help = "Tagihan iuran bulanan: terbitkan, status kepesertaan, koreksi, daftar."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Terbitkan tagihan satu bulan (atau paket di muka)")
        issue.add_argument("--programme", required=True, help="Nomor program")
        issue.add_argument("--month", required=True, help="Bulan iuran, TTTT-BB")
        issue.add_argument(
            "--ahead", default="1", help="Bayar di muka: paket 3, 6 atau 12 bulan (sponsor)"
        )
        status = sub.add_parser("status", help="Aktif, tertunggak dan berakhir pada suatu hari")
        status.add_argument("--programme", required=True, help="Nomor program")
        status.add_argument("--on", help="Tanggal, TTTT-BB-HH (bawaan: hari ini)")
        status.add_argument("--regions", action="store_true", help="Rinci per desa/kelurahan")
        correct = sub.add_parser("correct", help="Koreksi tagihan menurut kepesertaan sekarang")
        correct.add_argument("bill", help="Nomor tagihan")
        listing = sub.add_parser("list", help="Tagihan suatu program")
        listing.add_argument("--programme", required=True, help="Nomor program")
        for each in (issue, status, correct, listing):
            common_options(each)

    def _issue(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = programme_of(options["programme"], user)
        first = month(options["month"], "Bulan iuran")
        assert first is not None  # required by argparse
        ahead = whole(options["ahead"], "Jumlah bulan di muka") or 0
        bills = bill_issue(user=user, programme=programme, month=first, ahead=ahead)
        result = bill_summary(bills[0])
        if len(bills) > 1:
            result["package"] = bills[0].package_id
            result["bills"] = [bill_summary(b) for b in bills]
            result["package_total"] = sum(b.total for b in bills)
        return result

    def _status(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = programme_of(options["programme"], user)
        on = day(options["on"], "Tanggal") or timezone.localdate()
        if Month.of(on) < Month.of(programme.first_month):
            from jaring.finance.errors import FinanceError
            from jaring.finance.messages import day_label, month_label

            raise FinanceError(
                "DATE_BEFORE_START", date=day_label(on), first=month_label(programme.first_month)
            )
        status = programme_status(programme, on, regions=options["regions"])
        result = status.as_dict()
        if options["regions"]:
            result["regions"] = status.by_region
        return result

    def _correct(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        bill = bill_of(options["bill"], user)
        return bill_correct(user=user, bill=bill).as_dict()

    def _list(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = programme_of(options["programme"], user)
        bills = Bill.objects.filter(programme=programme).order_by("month")
        return {"programme": programme.pk, "bills": [bill_summary(b) for b in bills]}
