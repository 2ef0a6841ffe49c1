"""Claims: an event reported for a person, its entitlement, heirs, documents and steps.

- A :class:`Claim` is one event (a death, a work accident or an occupational disease) of one
  person, with what the rules engine found it entitles to on the event date: the cash
  :class:`ClaimLine` rows (each with its legal basis), the :class:`ClaimFinding` rows (the
  reasons nothing is due, or the notes that explain the result), the scholarship as yearly
  :class:`Instalment` rows. Stored as codes and parameters, rendered when shown.
- :class:`Heir` rows in the regulation's order; one is the payee, whose bank account is
  encrypted like the NIK (:mod:`jaring.core.crypto`).
- :class:`ClaimDocument` rows are the file BPJS asks for; uploads are kept out of the public
  files and served only by an access-checked, audited view.
- :class:`ClaimStep` rows say who moved the claim to which status, when, and with what note:
  dilaporkan → berkas lengkap → diajukan → disetujui / ditolak → dibayar → diserahkan.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jaring.core.scoping import RegionScopedModel
from jaring.rules.messages import Message


class EventKind(models.TextChoices):
    """What happened (:data:`jaring.rules.claims.EventKind`)."""

    DEATH = "death", _("Death (not from work)")
    WORK_DEATH = "work_death", _("Death from a work accident or occupational disease")
    WORK_INJURY = "work_injury", _("Work accident with injury")
    OCCUPATIONAL_DISEASE = "occupational_disease", _("Occupational disease")


#: Events that end a life (one claim per person).
DEATH_EVENTS = (EventKind.DEATH, EventKind.WORK_DEATH)
#: Events the worker survives: the JKK assessment (incapacity, disability) belongs to these.
INJURY_EVENTS = (EventKind.WORK_INJURY, EventKind.OCCUPATIONAL_DISEASE)


class DisabilityKind(models.TextChoices):
    """The disability a work accident left (:class:`jaring.rules.claims.Disability`), as
    assessed by the doctor and entered by Disnaker: none, partial anatomical (a percentage of
    Lampiran III PP 44/2015), partial functional (that percentage times the share of the
    function lost), or total and permanent."""

    NONE = "", _("no permanent disability")
    PARTIAL = "partial", _("partial, anatomical (cacat sebagian anatomis)")
    FUNCTIONAL = "functional", _("partial, loss of function (cacat sebagian fungsi)")
    TOTAL = "total", _("total and permanent (cacat total tetap)")


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    DOCUMENTS_COMPLETE = "documents_complete", _("File complete")
    SUBMITTED = "submitted", _("Submitted to BPJS")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    HANDED_OVER = "handed_over", _("Handed over")


#: Statuses of a claim still moving (the SLA clock runs from submission).
OPEN_STATUSES = (ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.SUBMITTED)


class Claim(RegionScopedModel):
    region_path = "region"

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    # The person's desa on the event date (the person may move or the record be edited later).
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # claim_region_prefix
    )
    # The programme (and membership) that covered the event month, or the last one before it.
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    membership = models.ForeignKey(
        "programmes.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    event = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    event_date = models.DateField(_("date of the event"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    cause = models.CharField(_("cause"), max_length=300, blank=True)
    reporter = models.CharField(_("reported by (name, relation)"), max_length=200, blank=True)
    # What the rules engine found on the event date.
    entitled = models.BooleanField(_("entitled"))
    total = models.PositiveBigIntegerField(_("cash benefit (Rp)"), default=0)
    scholarship_max = models.PositiveBigIntegerField(_("scholarship, at most (Rp)"), default=0)
    income_basis = models.PositiveIntegerField(_("income basis (Rp)"))
    protection = models.CharField(_("protection status"), max_length=12, blank=True)
    membership_start = models.DateField(_("member since"), null=True, blank=True)
    tenure_months = models.PositiveSmallIntegerField(_("months of membership"), null=True)
    contribution_months = models.PositiveSmallIntegerField(_("months paid"), null=True)
    era = models.CharField(_("rules of"), max_length=20, blank=True)
    # The JKK assessment of an injury (a work accident or occupational disease survived):
    # months of temporary incapacity (STMB) and the permanent disability, entered by Disnaker
    # from the doctor's statement; the entitlement is recomputed from them.
    incapacity_months = models.PositiveSmallIntegerField(
        _("months unable to work"), null=True, blank=True
    )
    disability = models.CharField(
        _("disability"), max_length=10, choices=DisabilityKind.choices, blank=True
    )
    disability_percent = models.DecimalField(
        _("disability (percent of Lampiran III)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    function_loss = models.DecimalField(
        _("function lost (percent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessed_by_label = models.CharField(_("assessed by"), max_length=150, blank=True)
    # The workflow.
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    submitted_on = models.DateField(_("submitted to BPJS on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    amount_received = models.PositiveBigIntegerField(_("amount received (Rp)"), null=True)
    payment_note = models.CharField(_("note on the amount"), max_length=300, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    handover_photo = models.FileField(
        _("handover photo"), upload_to="claims/handover/%Y/%m/", blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-event_date", "-id"]
        indexes = [
            models.Index(
                fields=["region"], name="claim_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["status", "submitted_on"], name="claim_status"),
            models.Index(fields=["event_date"], name="claim_event_date"),
        ]
        constraints = [
            # One death, one claim: a second report of the same death is refused by the
            # database too (two operators reporting at the same moment).
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(event__in=["death", "work_death"]),
                name="claim_one_death",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} {self.event_date:%Y-%m-%d}"

    @property
    def is_death(self) -> bool:
        return self.event in DEATH_EVENTS


class ClaimLine(models.Model):
    """One line of cash due (``jaring.rules.claims.ClaimLine``): its code, amount, label (a
    message: msgid and parameters) and legal basis."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("programme"), max_length=16)  # jkm, jkk-death, stmb, …
    code = models.CharField(max_length=40)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    label = models.JSONField(default=dict)  # {"msgid": …, "params": {…}}
    regulation = models.CharField(_("regulation"), max_length=120)
    article = models.CharField(_("article"), max_length=120, blank=True)
    verified = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "position"]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.code} {self.amount}"

    @property
    def citation(self) -> str:
        return f"{self.regulation} {self.article}" if self.article else self.regulation


class FindingRole(models.TextChoices):
    REASON = "reason", _("Why nothing is due")
    NOTE = "note", _("Explanation")


class ClaimFinding(models.Model):
    """A problem code of the rules engine (``jaring.rules.problems``) with its parameters."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=6, choices=FindingRole.choices)
    code = models.CharField(max_length=60)
    severity = models.CharField(max_length=8)
    params = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("claim finding")
        verbose_name_plural = _("claim findings")
        ordering = ["claim", "position"]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.code}"


class HeirRelation(models.TextChoices):
    """:data:`jaring.rules.claims.HeirRelation`, in the order heirs receive."""

    SPOUSE = "spouse", pgettext_lazy("heir", "spouse")
    CHILD = "child", pgettext_lazy("heir", "child")
    GRANDCHILD = "grandchild", pgettext_lazy("heir", "grandchild")
    PARENT = "parent", pgettext_lazy("heir", "parent")
    GRANDPARENT = "grandparent", pgettext_lazy("heir", "grandparent")
    SIBLING = "sibling", pgettext_lazy("heir", "sibling")
    PARENT_IN_LAW = "parent_in_law", pgettext_lazy("heir", "parent-in-law")
    WILL = "will", pgettext_lazy("heir", "person named in the will")


class SchoolLevel(models.TextChoices):
    NONE = "", _("—")
    NOT_YET = "belum", _("not yet at school")
    TK = "tk", _("kindergarten")
    SD = "sd", _("primary school")
    SMP = "smp", _("junior secondary")
    SMA = "sma", _("senior secondary")
    PT = "pt", _("higher education (up to bachelor) / training")


class Heir(RegionScopedModel):
    """An heir of the deceased (or, after an injury, the worker as payee), in the regulation's
    order (``rank`` then ``position``). NIK and bank account are stored encrypted."""

    region_path = "claim__region"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="heirs")
    position = models.PositiveSmallIntegerField(_("order"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=14, choices=HeirRelation.choices)
    nik_cipher = models.BinaryField(_("NIK (encrypted)"), null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    school_level = models.CharField(
        _("school level"), max_length=5, choices=SchoolLevel.choices, blank=True
    )
    school_year = models.PositiveSmallIntegerField(_("year at that level"), null=True, blank=True)
    is_payee = models.BooleanField(_("payee"), default=False)
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    account_cipher = models.BinaryField(_("account number (encrypted)"), null=True, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("heir")
        verbose_name_plural = _("heirs")
        ordering = ["claim", "rank", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=models.Q(is_payee=True), name="heir_one_payee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.position} {self.relation}"


class ClaimDocument(RegionScopedModel):
    """One document of the file (``jaring.rules.claims.DocumentCode``): asked for or not,
    seen on paper or not, and its scan when uploaded."""

    region_path = "claim__region"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("document"), max_length=24)
    required = models.BooleanField(_("required"), default=True)
    received = models.BooleanField(_("received"), default=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    file = models.FileField(_("scan"), upload_to="claims/documents/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["claim", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "code"], name="claim_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.code}"


class ClaimStep(models.Model):
    """One move of a claim: from which status to which, on which date, by whom, with what."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=20, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices)
    on = models.DateField(_("date"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim step")
        verbose_name_plural = _("claim steps")
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.from_status}->{self.to_status}"


class Instalment(RegionScopedModel):
    """One yearly scholarship payment of a child (``jaring.rules.claims.Instalment``)."""

    region_path = "claim__region"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="instalments")
    child = models.PositiveSmallIntegerField(_("child"))
    number = models.PositiveSmallIntegerField(_("instalment"))
    level = models.CharField(_("school level"), max_length=5, choices=SchoolLevel.choices)
    year = models.PositiveSmallIntegerField(_("year at that level"))
    due_on = models.DateField(_("due"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    regulation = models.CharField(_("regulation"), max_length=120)
    article = models.CharField(_("article"), max_length=120, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_by_label = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("scholarship instalment")
        verbose_name_plural = _("scholarship instalments")
        ordering = ["claim", "due_on", "child"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "child", "number"], name="instalment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.child}/{self.number} {self.due_on:%Y-%m-%d}"


def message_json(message: Message) -> dict[str, Any]:
    """A :class:`jaring.rules.messages.Message` as JSON (nested messages kept as messages)."""
    params: dict[str, Any] = {}
    for name, value in message.params:
        params[name] = message_json(value) if isinstance(value, Message) else value
    return {"msgid": message.msgid, "params": params}


def message_of(data: dict[str, Any]) -> Message:
    """The :class:`~jaring.rules.messages.Message` stored by :func:`message_json`."""
    params = tuple(
        sorted(
            (name, message_of(value) if isinstance(value, dict) else str(value))
            for name, value in (data.get("params") or {}).items()
        )
    )
    return Message(str(data.get("msgid", "")), params)
