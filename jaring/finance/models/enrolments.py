"""A person's enrolment at BPJS Ketenagakerjaan under a programme: the KPJ the branch gave,
its status there, and the months paid for.

One row per programme and person, whatever the number of decree versions: memberships are cut
and started again by each SK version (:class:`jaring.programmes.models.Membership`), but the
branch registers the person once for the programme's *wadah* and the KPJ stays. Bills, the
response file and payments write it; status, reconciliation, claims and monitoring read it.

``paid_mask`` holds the months whose bill line was paid, as a month set counted from
``base_month`` (:mod:`jaring.finance.months`): the protection status comes from it through the
rules engine (:func:`jaring.rules.status.protection_status`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.scoping import RegionScopedModel
from jaring.core.tallies import Tally, tally_constraints, tally_indexes


class BpjsStatus(models.TextChoices):
    """What the branch's response file said of a person (empty: no answer yet)."""

    NONE = "", _("No answer from BPJS yet")
    REGISTERED = "registered", _("Registered (active) at BPJS")
    REJECTED = "rejected", _("Rejected by BPJS")
    INACTIVE = "inactive", _("Non-active at BPJS")


class ReasonCode(models.TextChoices):
    """Why the branch rejected a person or set them non-active, read from its free text."""

    NONE = "", _("No reason given")
    NIK_INVALID = "nik_invalid", _("NIK not found at Dukcapil or invalid")
    DATA_MISMATCH = "data_mismatch", _("Name or birth date differs from Dukcapil")
    REGISTERED_ELSEWHERE = "registered_elsewhere", _("Already registered by another funder")
    WAGE_EARNER = "wage_earner", _("Already a wage-earner (PU) participant")
    OVER_AGE = "over_age", _("Over the age limit")
    DECEASED = "deceased", _("Deceased")
    UNPAID = "unpaid", _("Contributions unpaid")
    OTHER = "other", _("Other reason")


class Enrolment(RegionScopedModel):
    region_path = "region"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The desa of the person's latest membership of the programme.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    base_month = models.DateField(_("first month of the masks"))
    paid_mask = models.BigIntegerField(_("months paid"), default=0)
    kpj = models.CharField(_("KPJ (BPJS membership number)"), max_length=20, blank=True)
    bpjs_status = models.CharField(
        _("status at BPJS"), max_length=10, choices=BpjsStatus.choices, blank=True
    )
    bpjs_reason = models.CharField(_("reason given by BPJS"), max_length=300, blank=True)
    bpjs_reason_code = models.CharField(
        _("reason"), max_length=20, choices=ReasonCode.choices, blank=True
    )
    tmt = models.DateField(_("effective date at BPJS (TMT)"), null=True, blank=True)
    response = models.ForeignKey(
        "finance.ResponseFile",
        verbose_name=_("last response file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("BPJS enrolment")
        verbose_name_plural = _("BPJS enrolments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="enrolment_unique"),
        ]
        indexes = [
            models.Index(fields=["kpj"], name="enrolment_kpj", condition=~models.Q(kpj="")),
            models.Index(fields=["person"], name="enrolment_person"),
            # The home page's warnings read each programme's distinct paid months: from this
            # index alone (3.4 s → 0.06 s for 200,000 enrolments on SQLite, cold cache).
            models.Index(fields=["programme", "paid_mask"], name="enrolment_programme_mask"),
            models.Index(
                fields=["region"], name="enrolment_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.person_id} {self.kpj or '-'} {self.bpjs_status or '-'}"


class BpjsTally(Tally):
    """Enrolments registered (active) at BPJS, by desa and the month they took effect (TMT; the
    programme's first month when the branch gave none) — see :mod:`jaring.finance.tallies`."""

    class Meta:
        verbose_name = _("BPJS registration tally")
        verbose_name_plural = _("BPJS registration tallies")
        constraints = tally_constraints("bpjs_tally")
        indexes = tally_indexes("bpjs_tally")


class PaidTally(Tally):
    """Enrolments paid for each month, by desa, kept as flows (one added in a paid month, one
    taken away in the month after it): the sum up to M is the members paid for M — "active"."""

    class Meta:
        verbose_name = _("paid months tally")
        verbose_name_plural = _("paid months tallies")
        constraints = tally_constraints("paid_tally")
        indexes = tally_indexes("paid_tally")


class LapseTally(Tally):
    """Members whose cover has lapsed, by desa, kept as flows: one added in the month the rules
    engine first says *berakhir* (or *nonaktif*) from the paid months while the membership is
    in its SK, one taken away in the month it stops (a month paid again, or the month after
    the membership's last). The sum up to M is the members lapsed in M — what
    :func:`jaring.finance.selectors.status.lapsed_counts` counts from the rows. A membership
    lapses by the passing of months, without a write: the flows of the months to come are
    known when the paid months are written (see :mod:`jaring.finance.tallies`)."""

    class Meta:
        verbose_name = _("lapsed members tally")
        verbose_name_plural = _("lapsed members tallies")
        constraints = tally_constraints("lapse_tally")
        indexes = tally_indexes("lapse_tally")
