"""Recording a payment (SP2D or transfer) and allocating it to bill lines.

A payment pays one bill, or one paid-ahead package (its bills in month order, each up to what
it still owes; any excess stays with the last). Inside a bill, the money available (paid minus
already allocated) pays the unpaid lines in position order, whole lines only, up to the first
line it cannot pay in full: one ``paid_through`` position per bill, no per-line write. The
people whose lines were paid get the month's bit in their enrolment's ``paid_mask`` (one
``UPDATE``), which is what their protection status is computed from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING

import polars as pl
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core.tallies import data_version_bump
from jaring.finance.errors import FinanceError
from jaring.finance.messages import day_label, rupiah
from jaring.finance.models import (
    Allocation,
    Bill,
    BillLine,
    BillPackage,
    Enrolment,
    Payment,
    PaymentKind,
)
from jaring.finance.months import bit
from jaring.finance.services.bills import BILLS, CHARGING, bill_lines_frame, standing_lines
from jaring.finance.services.common import check_scope, first_signed_on
from jaring.finance.tallies import enrolment_tallies_kept
from jaring.rules.months import Month

if TYPE_CHECKING:
    from jaring.accounts.models import User

#: Largest proof file (bytes).
PROOF_MAX_BYTES = 10 * 1024 * 1024
PROOF_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class Allocated:
    lines: int
    amount: int
    from_position: int | None
    to_position: int | None


def allocate(bill: Bill, *, payment: Payment | None) -> Allocated:
    """Pay the bill's unpaid lines from its available credit (``paid - allocated``), in
    position order; ``bill`` is locked by the caller and saved here."""
    available = bill.paid - bill.allocated
    if available <= 0:
        return Allocated(0, 0, None, None)
    lines = standing_lines(bill_lines_frame(bill))
    unpaid = lines.filter(pl.col("position") > bill.paid_through).sort("position")
    if unpaid.is_empty():
        return Allocated(0, 0, None, None)
    running = unpaid.with_columns(cumulative=pl.col("amount").cum_sum())
    # Whole lines, in order (amounts are positive, so this is a prefix): the money stops at
    # the first line it cannot pay in full.
    paid = running.filter(pl.col("cumulative") <= available)
    if paid.is_empty():
        return Allocated(0, 0, None, None)
    first, last = int(paid["position"][0]), int(paid["position"][-1])
    amount = int(paid["amount"].sum())
    old_through = bill.paid_through
    bill.paid_through = last
    bill.allocated += amount
    bill.save(update_fields=["paid_through", "allocated"])
    month_bit = bit(Month.of(bill.month), bill.programme.first_month)
    newly = (
        BillLine.objects.filter(
            bill=bill,
            kind__in=CHARGING,
            position__gt=old_through,
            position__lte=last,
        )
        .exclude(
            pk__in=BillLine.objects.filter(bill=bill, corrects__isnull=False).values("corrects")
        )
        .values("person_id")
    )
    paying = Enrolment.objects.filter(programme_id=bill.programme_id, person_id__in=newly)
    with enrolment_tallies_kept(paying, paid_mask_only=True):
        paying.update(paid_mask=F("paid_mask").bitor(month_bit), updated_at=timezone.now())
    return Allocated(paid.height, amount, first, last)


def _proof(upload: bytes | IO[bytes] | None, name: str) -> tuple[ContentFile | None, str, int]:
    if upload is None:
        return None, "", 0
    data = upload if isinstance(upload, bytes) else upload.read()
    if len(data) > PROOF_MAX_BYTES:
        raise FinanceError(
            "PROOF_TOO_LARGE",
            size=f"{len(data) / 1024 / 1024:.1f} MB",
            limit=f"{PROOF_MAX_BYTES // 1024 // 1024} MB",
        )
    if not name.lower().endswith(PROOF_SUFFIXES):
        raise FinanceError("PROOF_TYPE", name=name)
    return ContentFile(data, name=name), hashlib.sha256(data).hexdigest(), len(data)


def payment_record(
    *,
    user: User | None,
    amount: int,
    paid_on: date,
    reference: str,
    bill: Bill | None = None,
    package: BillPackage | None = None,
    kind: str = PaymentKind.SP2D,
    proof: bytes | IO[bytes] | None = None,
    proof_name: str = "",
    confirm_over: bool = False,
    note: str = "",
    today: date | None = None,
) -> Payment:
    """Record a payment of ``amount`` for ``bill`` (or ``package``) and allocate it.

    Refused, with nothing written, for an amount of Rp 0 or less, no reference, a reference
    already recorded for the programme, a date in the future or before the programme's first
    decree was signed, more than is owed without ``confirm_over``, or a proof that is not a PDF
    or an image.
    """
    if (bill is None) == (package is None):
        raise ValueError("give a bill or a package")
    programme = bill.programme if bill is not None else package.programme  # type: ignore[union-attr]
    check_scope(user, programme)
    if amount <= 0:
        raise FinanceError("AMOUNT_NOT_POSITIVE", amount=rupiah(amount))
    reference = reference.strip()
    if not reference:
        raise FinanceError("REFERENCE_REQUIRED")
    today = today or timezone.localdate()
    if paid_on > today:
        raise FinanceError("DATE_IN_FUTURE", date=day_label(paid_on))
    signed = first_signed_on(programme)
    if signed is not None and paid_on < signed:
        raise FinanceError(
            "DATE_BEFORE_PROGRAMME", date=day_label(paid_on), signed=day_label(signed)
        )
    content, digest, size = _proof(proof, proof_name)
    with transaction.atomic(), acting_as(user):
        data_version_bump(BILLS)
        earlier = Payment.objects.filter(programme=programme, reference=reference).first()
        if earlier is not None:
            raise FinanceError(
                "PAYMENT_EXISTS",
                reference=reference,
                date=day_label(earlier.paid_on),
                amount=rupiah(earlier.amount),
            )
        chosen = (
            Bill.objects.filter(pk=bill.pk)
            if bill is not None
            else Bill.objects.filter(package=package).order_by("month")
        )
        bills = list(chosen.select_for_update().select_related("programme"))
        outstanding = sum(max(b.total - b.paid, 0) for b in bills)
        if amount > outstanding and not confirm_over:
            raise FinanceError(
                "OVERPAYMENT_UNCONFIRMED",
                amount=rupiah(amount),
                outstanding=rupiah(outstanding),
            )
        payment = Payment(
            programme=programme,
            bill=bill,
            package=package,
            kind=kind,
            reference=reference[:80],
            paid_on=paid_on,
            amount=amount,
            over_confirmed=amount > outstanding,
            note=note.strip()[:300],
            proof_name=proof_name[:255],
            proof_sha256=digest,
            proof_size=size,
            recorded_by=user,
        )
        if content is not None:
            payment.proof.save(proof_name, content, save=False)
        payment.save()
        remaining = amount
        for index, each in enumerate(bills):
            last = index == len(bills) - 1
            share = remaining if last else min(remaining, max(each.total - each.paid, 0))
            if share <= 0 and not last:
                continue
            each.paid += share
            each.save(update_fields=["paid"])
            remaining -= share
            done = allocate(each, payment=payment)
            Allocation.objects.create(
                payment=payment,
                bill=each,
                amount=share,
                lines=done.lines,
                to_lines=done.amount,
                from_position=done.from_position,
                to_position=done.to_position,
            )
    return payment


def proof_max_bytes() -> int:
    return int(getattr(settings, "JARING_PROOF_MAX_BYTES", PROOF_MAX_BYTES))
