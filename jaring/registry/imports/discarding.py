"""Deleting an import that was never saved: its stored file, staging rows and problems go.

An upload whose columns were never confirmed, a checked list nobody wants to save, a file that
could not be read: each may be deleted by whoever may import in its region, so no batch waits
forever. A saved import (its people are in the registry) and one that is running cannot be: the
first is history, the second belongs to the worker. The deletion is audited (django-auditlog
keeps the batch's last state with its region).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.storage import Storage
from django.db import transaction

from jaring.audit.services import acting_as
from jaring.registry.models import ImportBatch, ImportProblem, ImportRow, ImportStatus

if TYPE_CHECKING:
    from jaring.accounts.models import User

#: The states a batch may be deleted in: nothing of it is in the registry, no worker holds it.
DISCARDABLE = frozenset(
    {ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED, ImportStatus.INTERRUPTED}
)


class ImportDiscardError(ValueError):
    """The batch is saved or running (or changed meanwhile); nothing was deleted."""


def import_discard(*, batch: ImportBatch, user: User | None) -> None:
    """Delete ``batch`` with its staging rows, problems and stored file (audited)."""
    with transaction.atomic(), acting_as(user):
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in DISCARDABLE:
            raise ImportDiscardError(locked.status)
        # Plain deletes of the staging tables (no per-row signals), then the batch itself.
        ImportProblem.objects.filter(batch_id=locked.pk).delete()
        ImportRow.objects.filter(batch_id=locked.pk).delete()
        stored = locked.file.name if locked.file else ""
        locked.delete()
        if stored:
            storage = locked.file.storage
            transaction.on_commit(lambda: _file_delete(storage, stored))


def _file_delete(storage: Storage, name: str) -> None:
    if storage.exists(name):
        storage.delete(name)
