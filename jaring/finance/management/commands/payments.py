"""``jaring payments record``: a payment (SP2D or transfer) for a bill or a paid-ahead package."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from jaring.finance.errors import FinanceError
from jaring.finance.management.commands._cli import FinanceCommand, bill_of, common_options
from jaring.finance.models import Bill, BillPackage, PaymentKind
from jaring.finance.services import payment_record
from jaring.programmes.management.commands._arguments import day, rupiah, whole


class Command(FinanceCommand):
    help = "Pembayaran iuran: catat SP2D atau transfer untuk suatu tagihan."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        record = sub.add_parser("record", help="Catat pembayaran dan alokasikan ke baris tagihan")
        target = record.add_mutually_exclusive_group(required=True)
        target.add_argument("--bill", help="Nomor tagihan")
        target.add_argument("--package", help="Nomor paket bayar di muka")
        record.add_argument("--amount", required=True, help="Jumlah (Rp)")
        record.add_argument("--date", required=True, help="Tanggal bayar, TTTT-BB-HH")
        record.add_argument("--reference", required=True, help="Nomor SP2D atau transfer")
        record.add_argument(
            "--kind", default=PaymentKind.SP2D, help="sp2d|transfer|other (bawaan sp2d)"
        )
        record.add_argument("--proof", type=Path, help="Bukti bayar (PDF, JPG, PNG)")
        record.add_argument("--note", default="", help="Catatan")
        record.add_argument(
            "--confirm-over",
            action="store_true",
            help="Setujui kelebihan bayar (selisih menjadi saldo tagihan)",
        )
        common_options(record)

    def _record(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        amount_text = options["amount"]
        if amount_text.strip().startswith("-"):
            raise FinanceError("AMOUNT_NOT_POSITIVE", amount=amount_text)
        amount = rupiah(amount_text, "Jumlah") or 0
        paid_on = day(options["date"], "Tanggal bayar")
        assert paid_on is not None
        kind = options["kind"].strip().lower()
        if kind not in PaymentKind.values:
            raise CommandError(f"Jenis pembayaran {kind!r} tidak dikenal: sp2d, transfer, other.")
        bill: Bill | None = None
        package: BillPackage | None = None
        if options["bill"]:
            bill = bill_of(options["bill"], user)
        else:
            pk = whole(options["package"], "Nomor paket") or 0
            package = BillPackage.objects.filter(pk=pk).select_related("programme").first()
            if package is None:
                raise CommandError(f"Paket #{options['package']} tidak ada.")
        proof = options["proof"]
        if proof is not None and not proof.is_file():
            raise CommandError(f"Berkas bukti {proof} tidak ada.")
        payment = payment_record(
            user=user,
            bill=bill,
            package=package,
            amount=amount,
            paid_on=paid_on,
            reference=options["reference"],
            kind=kind,
            proof=proof.read_bytes() if proof else None,
            proof_name=proof.name if proof else "",
            confirm_over=options["confirm_over"],
            note=options["note"],
        )
        bills = list(
            Bill.objects.filter(pk=bill.pk)
            if bill is not None
            else Bill.objects.filter(package=package).order_by("month")
        )
        return {
            "payment": payment.pk,
            "amount": payment.amount,
            "paid": sum(b.paid for b in bills),
            "outstanding": sum(b.outstanding for b in bills),
            "overpaid": sum(b.overpaid for b in bills),
            "lines_paid": sum(a.lines for a in payment.allocations.all()),
            "bills": [b.pk for b in bills],
        }
