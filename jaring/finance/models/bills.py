"""Monthly bills (tagihan iuran), their lines, payments and the holiday table of due dates.

- A :class:`Bill` is one programme's contributions for one month: a :class:`BillLine` per
  membership active that month, each amount from the rules engine
  (:func:`jaring.rules.contributions.contribution_for_month`). Issued means frozen: a line is
  never changed or deleted; a correction is a new line (an addition, or a cancellation with
  the negative amount of the line it cancels).
- A sponsor paying ahead (3, 6 or 12 months) gets the months' bills issued together as one
  :class:`BillPackage`, due on the first month's due date.
- A :class:`Payment` (SP2D or bank transfer) pays one bill or one package; each
  :class:`Allocation` gives part of it to a bill, whose unpaid lines are then paid in
  position order, whole lines only (``Bill.paid_through``); what is left is the bill's credit,
  shown as over-payment.
- Due dates: the configured day of the month (``JARING_BILL_DUE_DAY``, the 15th), moved to the
  next working day past weekends and the :class:`Holiday` table.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.scoping import RegionScopedModel, RegionScopedQuerySet
from jaring.finance.errors import FinanceError

#: What a bill says when issued, never changed afterwards (corrections change the counts and
#: the total; payments the paid columns).
BILL_FROZEN_FIELDS = frozenset(
    {
        "programme",
        "month",
        "number",
        "due_date",
        "package",
        "issued_total",
        "issued_at",
        "issued_by",
    }
)


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    JOINT_LEAVE = "joint_leave", _("Joint leave (cuti bersama)")
    REGIONAL = "regional", _("Regional holiday")


class Holiday(models.Model):
    """A day on which payments are not processed (SKB 3 Menteri, or a regional one)."""

    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=12, choices=HolidayKind.choices, default=HolidayKind.NATIONAL
    )
    # Empty for a national day; a province or kab/kota code for a regional one.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(region__isnull=True), name="holiday_national"
            ),
            models.UniqueConstraint(
                fields=["day", "region"],
                condition=models.Q(region__isnull=False),
                name="holiday_regional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class BillPackage(RegionScopedModel):
    """Months billed together and paid ahead by a sponsor (GN Lingkaran 3, 6 or 12 months)."""

    region_path = "programme__region"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    first_month = models.DateField(_("first month"))
    months = models.PositiveSmallIntegerField(_("months"))
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("paid-ahead package")
        verbose_name_plural = _("paid-ahead packages")

    def __str__(self) -> str:
        return f"{self.programme_id} {self.first_month:%Y-%m} × {self.months}"


class Bill(RegionScopedModel):
    region_path = "programme__region"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    number = models.CharField(_("bill number"), max_length=60)
    due_date = models.DateField(_("due date"))
    package = models.ForeignKey(
        BillPackage,
        verbose_name=_("paid-ahead package"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    # Counts and sums, kept by the services that add lines and payments.
    lines = models.PositiveIntegerField(_("lines"), default=0)
    people = models.PositiveIntegerField(_("people billed"), default=0)
    issued_total = models.BigIntegerField(_("amount when issued (Rp)"), default=0)
    total = models.BigIntegerField(_("amount with corrections (Rp)"), default=0)
    paid = models.BigIntegerField(_("paid (Rp)"), default=0)
    # Paid into lines (whole lines, in position order); paid - allocated is the credit not
    # yet used. Every line still charged at a position up to ``paid_through`` is paid.
    allocated = models.BigIntegerField(_("allocated to lines (Rp)"), default=0)
    paid_through = models.PositiveIntegerField(_("paid through line"), default=0)
    # Memberships of the month not billed because BPJS rejected their registration.
    withheld = models.PositiveIntegerField(_("not billed (rejected by BPJS)"), default=0)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["programme", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="bill_one_per_month"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """An issued bill keeps what it said when issued: a save of an existing bill names the
        fields it changes, none of them frozen."""
        fields = kwargs.get("update_fields")
        if not self._state.adding and (fields is None or BILL_FROZEN_FIELDS & set(fields)):
            raise FinanceError("BILL_FROZEN", number=self.number)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FinanceError("BILL_FROZEN", number=self.number)

    @property
    def outstanding(self) -> int:
        return max(self.total - self.paid, 0)

    @property
    def overpaid(self) -> int:
        return max(self.paid - self.total, 0)


class LineKind(models.TextChoices):
    """An issued line, or a correction added later (never an edit of an issued line)."""

    CHARGE = "charge", _("Issued")
    ADDITION = "addition", _("Correction: added")
    CANCELLATION = "cancellation", _("Correction: cancelled")


class CorrectionReason(models.TextChoices):
    """Why a correction line was added to an issued bill."""

    NONE = "", _("—")
    NOT_COVERED = "not_covered", _("Not covered by a decree this month any more")
    NEWLY_COVERED = "newly_covered", _("Covered by a decree signed after the bill")
    AMOUNT_CHANGED = "amount_changed", _("Terms changed (income basis, JHT, funder)")
    REJECTED = "rejected", _("Registration rejected by BPJS")


class BillLineQuerySet(RegionScopedQuerySet):
    """Lines are written (by COPY) and read, never updated or deleted."""

    def update(self, **kwargs: Any) -> int:
        raise FinanceError("BILL_FROZEN", number="")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise FinanceError("BILL_FROZEN", number="")


class BillLine(RegionScopedModel):
    """One membership's contribution for the bill's month; never changed once written. It is
    paid when its position is at most the bill's ``paid_through`` and no cancellation line
    cancels it."""

    region_path = "region"
    objects: ClassVar[Any] = BillLineQuerySet.as_manager()

    # No database constraints on the foreign keys: a million lines are written by COPY in the
    # transaction that issues the bill (ADR 0004).
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    position = models.PositiveIntegerField(_("no."))
    kind = models.CharField(
        _("kind"), max_length=12, choices=LineKind.choices, default=LineKind.CHARGE
    )
    membership = models.ForeignKey(
        "programmes.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    income_basis = models.PositiveIntegerField(_("income basis (Rp)"))
    # The contribution engine's choices (jaring.rules.config): funder and PP 50/2025 sector.
    funder = models.CharField(_("funder"), max_length=14)
    transport = models.BooleanField(_("transport sector"), default=False)
    jkk = models.IntegerField(_("JKK (Rp)"))
    jkm = models.IntegerField(_("JKM (Rp)"))
    jht = models.IntegerField(_("JHT (Rp)"), default=0)
    reduction = models.IntegerField(_("reduction (Rp)"), default=0)
    # jkk + jkm + jht - reduction; the negative of the cancelled line for a cancellation.
    amount = models.IntegerField(_("amount (Rp)"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("cancels"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    reason = models.CharField(
        _("reason"), max_length=16, choices=CorrectionReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        indexes = [
            models.Index(fields=["bill", "position"], name="bill_line_position"),
            models.Index(fields=["person"], name="bill_line_person"),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id}:{self.position} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FinanceError("BILL_FROZEN", number="")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FinanceError("BILL_FROZEN", number="")


class PaymentKind(models.TextChoices):
    SP2D = "sp2d", _("SP2D (regional treasury)")
    TRANSFER = "transfer", _("Bank transfer")
    OTHER = "other", _("Other")


class Payment(RegionScopedModel):
    """Money paid for a bill (or a paid-ahead package), with its proof."""

    region_path = "programme__region"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    package = models.ForeignKey(
        BillPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=PaymentKind.choices, default=PaymentKind.SP2D
    )
    reference = models.CharField(_("SP2D or transfer number"), max_length=80)
    paid_on = models.DateField(_("payment date"))
    amount = models.BigIntegerField(_("amount (Rp)"))
    # Recorded although it was more than the outstanding amount, by someone who confirmed it.
    over_confirmed = models.BooleanField(_("over-payment confirmed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The proof is kept outside the public static files and served only by an access-checked,
    # audited view.
    proof = models.FileField(_("proof of payment"), upload_to="finance/proofs/%Y/%m/", blank=True)
    proof_name = models.CharField(_("proof file name"), max_length=255, blank=True)
    proof_sha256 = models.CharField(max_length=64, blank=True)
    proof_size = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], name="payment_reference_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=models.Q(bill__isnull=False) | models.Q(package__isnull=False),
                name="payment_for_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class Allocation(RegionScopedModel):
    """The part of a payment given to one bill, and the lines it paid (a run of positions)."""

    region_path = "bill__programme__region"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField(_("amount (Rp)"))
    lines = models.PositiveIntegerField(_("lines paid"), default=0)
    to_lines = models.BigIntegerField(_("paid into lines (Rp)"), default=0)
    from_position = models.PositiveIntegerField(null=True, blank=True)
    to_position = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["payment", "bill"]

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.bill_id} {self.amount}"
