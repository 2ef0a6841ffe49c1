"""Writes of the audit trail that django-auditlog does not do by itself."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, NamedTuple

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from jaring.audit.models import Channel, DataExport

if TYPE_CHECKING:
    from jaring.accounts.models import User


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Changes made inside are recorded in the audit log as done by ``user``.

    Web requests get their actor from django-auditlog's middleware; services also run from the
    command line and background tasks, so every write service names its actor itself.
    """
    with set_actor(user) if user is not None else nullcontext():
        yield


def cli_actor_label() -> str:
    """Who runs a command-line export: the operating-system account and host."""
    return f"cli:{getpass.getuser()}@{socket.gethostname()}"


def export_record(
    *,
    actor: User | None,
    channel: Channel,
    kind: str,
    description: str,
    region_code: str,
    row_count: int,
    file_format: str,
    remote_addr: str | None = None,
) -> DataExport:
    """Record that personal data left the system: who, through which door, how many rows."""
    return DataExport.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else cli_actor_label(),
        channel=channel,
        kind=kind,
        description=description[:300],
        region_code=region_code,
        row_count=row_count,
        file_format=file_format,
        remote_addr=remote_addr,
    )


class RecordChange(NamedTuple):
    """One record changed by a bulk write: its key, its label, ``{field: [before, after]}``
    (as django-auditlog writes them: field names, values as text) and what caused it."""

    pk: int
    label: str
    changes: Mapping[str, list[str]]
    context: Mapping[str, Any]


def record_bulk_updates(
    model: type[models.Model],
    records: Iterable[RecordChange],
    *,
    actor: User | None,
    action: int = LogEntry.Action.UPDATE,
) -> int:
    """Write the audit entries of updates that bypass ``save()`` (an import's bulk update), so
    a person's history shows them like any edit: one UPDATE entry per record, before and after
    (``action``: CREATE for records created in bulk by a person's decision). Returns how many
    were written."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(record.pk),
            object_id=record.pk,
            object_repr=record.label,
            action=action,
            changes=dict(record.changes),
            changes_text="",
            actor=actor,
            actor_email=getattr(actor, "email", None) or None,
            timestamp=now,
            additional_data=dict(record.context),
        )
        for record in records
        if record.changes
    ]
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
