"""Probable duplicates and what reviewers decided about them.

A :class:`MatchRun` scores people against each other (:mod:`jaring.registry.matching`); each
pair above the review threshold becomes a :class:`MatchCandidate` with its per-field evidence.
A reviewer merges the pair or marks it distinct; the :class:`MatchDecision` is remembered by
the pair of people, so a distinct pair is never proposed again and a merge can be traced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.scoping import RegionScopedModel
from jaring.registry.models.people import Person


class MatchRunKind(models.TextChoices):
    FULL = "full", _("Whole registry")
    INCREMENTAL = "incremental", _("New list against the registry")


class MatchRun(RegionScopedModel):
    """One run of the matcher over a region (or the whole country)."""

    kind = models.CharField(_("kind"), max_length=12, choices=MatchRunKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "registry.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    threshold = models.FloatField(_("review threshold"))
    people_compared = models.PositiveIntegerField(_("people compared"), default=0)
    candidate_pairs = models.PositiveIntegerField(_("candidate pairs"), default=0)
    clusters = models.PositiveIntegerField(_("clusters"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    trained = models.BooleanField(_("model trained in this run"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.region_id or 'ID'} {self.started_at:%Y-%m-%d %H:%M}"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Different people")
    SUPERSEDED = "superseded", _("Replaced by a newer run")


class MatchCandidate(RegionScopedModel):
    """Two people the model scores as probably one. Visible only to users who may see both."""

    region_path = ("person_low__region", "person_high__region")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="candidates")
    # Ordered by id, so a pair has one spelling and one row.
    person_low = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_high = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    cluster = models.PositiveBigIntegerField(_("cluster"), null=True, blank=True)
    # Per-field evidence: the comparison level (a stable key, labelled by
    # matching.EVIDENCE_LABELS) and its weight in bits.
    evidence_name = models.CharField(max_length=40)
    evidence_birth_date = models.CharField(max_length=40)
    evidence_nik = models.CharField(max_length=40)
    evidence_sex = models.CharField(max_length=40)
    evidence_village = models.CharField(max_length=40)
    evidence_phone = models.CharField(max_length=40)
    weight_name = models.FloatField()
    weight_birth_date = models.FloatField()
    weight_nik = models.FloatField()
    weight_sex = models.FloatField()
    weight_village = models.FloatField()
    weight_phone = models.FloatField()
    status = models.CharField(
        _("status"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    decision = models.ForeignKey(
        "MatchDecision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        ordering = ["-probability", "id"]
        indexes = [
            models.Index(fields=["status", "-probability"], name="candidate_queue"),
            models.Index(fields=["person_low", "person_high"], name="candidate_pair"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person_low__lt=models.F("person_high")),
                name="candidate_pair_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_low_id}~{self.person_high_id} {self.probability:.3f}"


class DecisionKind(models.TextChoices):
    MERGED = "merged", _("Merged: one person")
    DISTINCT = "distinct", _("Different people")


class MatchDecision(models.Model):
    """A reviewer's decision about a pair of people, remembered for good."""

    person_low = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_high = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    # For a merge: the record that stays; the other points at it (Person.merged_into).
    survivor = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rows_moved = models.PositiveIntegerField(_("list rows moved to the survivor"), default=0)
    probability = models.FloatField(_("match probability at decision"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["person_low", "person_high"], name="decision_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(person_low__lt=models.F("person_high")),
                name="decision_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_low_id}~{self.person_high_id} {self.kind}"

    def get_additional_data(self) -> dict[str, str | None]:
        """The region of the surviving (or lower) person, so the auditor's scope applies."""
        person = self.survivor or self.person_low
        return {"region": person.region_id}
