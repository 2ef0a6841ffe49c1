"""The tables of the base: versions of derived data, for caches that must never be stale, and
the record of each re-encryption of the stored ciphertexts under a new key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter bumped inside the transaction of every write that changes a kind of derived
    data (a stage's tally, monitoring's figures): a cache keyed by the versions is never
    served after a write, and needs no invalidation (``core.tallies.data_versions``)."""

    name = models.CharField(max_length=60, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RotationState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped by an error")


class KeyRotation(models.Model):
    """One run of ``jaring keys rotate`` (:mod:`jaring.core.rotation`): who ran it, when, the
    key it rewrote to, and how far it got. Kept by the audit trail; a run stopped half-way
    stays *running* (or *failed*) and the next run carries on where the data says."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    actor_label = models.CharField(_("run by"), max_length=150)
    key_id = models.PositiveSmallIntegerField(_("key number"))
    state = models.CharField(_("state"), max_length=8, choices=RotationState.choices)
    rewritten = models.PositiveBigIntegerField(_("ciphertexts rewritten"), default=0)

    class Meta:
        verbose_name = _("key rotation")
        verbose_name_plural = _("key rotations")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} → {self.key_id} ({self.state})"


class KeyRotationColumn(models.Model):
    """What one run did to one column of ciphertexts."""

    rotation = models.ForeignKey(KeyRotation, on_delete=models.CASCADE, related_name="columns")
    table = models.CharField(_("table"), max_length=100)
    field = models.CharField(_("field"), max_length=100)
    rewritten = models.PositiveBigIntegerField(_("rewritten"), default=0)
    # Rows written by someone else between the read and the write: left, being new already.
    changed_meanwhile = models.PositiveBigIntegerField(_("changed meanwhile"), default=0)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("key rotation column")
        verbose_name_plural = _("key rotation columns")
        constraints = [
            models.UniqueConstraint(
                fields=["rotation", "table", "field"], name="key_rotation_column_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.field}"
