"""Writes of the audit trail that django-auditlog does not do by itself."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

from auditlog.context import set_actor

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
