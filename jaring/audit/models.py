"""Exports and downloads of personal data.

Changes to records (create, update, delete, with before and after) are kept by
django-auditlog's ``LogEntry``; this model records the other half of UU 27/2022's duty: who
took personal data out of the system, when, how much and through which door.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    CLI = "cli", _("Command line")


class DataExport(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who ran it when there is no user account (the command line): "cli:root@host".
    actor_label = models.CharField(_("actor"), max_length=150)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=3, choices=Channel.choices)
    kind = models.CharField(_("what"), max_length=40)
    description = models.CharField(_("description"), max_length=300)
    region_code = models.CharField(_("region"), max_length=13, blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    file_format = models.CharField(_("format"), max_length=10)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.kind}"
