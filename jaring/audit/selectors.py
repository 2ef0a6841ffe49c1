"""Reads of the audit trail, restricted like the records it describes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.db.models import QuerySet

from jaring.audit.models import DataExport
from jaring.core.scoping import code_within_q, user_region_codes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User


def log_entries_visible(user: User | AnonymousUser) -> QuerySet[LogEntry]:
    """Change log entries of records in the user's regions (all, for national roles)."""
    entries: QuerySet[LogEntry] = LogEntry.objects.select_related("actor", "content_type").order_by(
        "-timestamp"
    )
    codes = user_region_codes(user)
    if codes is None:
        return entries
    if not codes:
        return entries.none()
    return entries.filter(code_within_q("additional_data__region", codes))


def exports_visible(user: User | AnonymousUser) -> QuerySet[DataExport]:
    exports: QuerySet[DataExport] = DataExport.objects.select_related("actor").order_by("-at")
    codes = user_region_codes(user)
    if codes is None:
        return exports
    return exports.filter(code_within_q("region_code", codes)) if codes else exports.none()
