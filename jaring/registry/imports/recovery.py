"""After a crash: a batch whose process is gone is marked interrupted, its scratch files removed.

An import runs in one process — the worker, or ``jaring import`` — and writes every row in one
transaction, so a process killed half-way (SIGKILL, the OOM killer, a power cut) leaves no
partial rows. It does leave its batch in *checking* or *committing*, where nothing would ever
move it again, and its scratch files (:mod:`jaring.core.scratch`). :func:`imports_recover` runs
at every start of ``jaring serve``, of the worker and of ``jaring import``, and puts both right
for the processes that are gone — and only for those: two processes may run imports at once,
and the one starting must not take the other's batch for dead.

Who runs a batch is recorded on it when it starts (host, pid and the process's start time,
:class:`~jaring.core.scratch.Owner`), in the same compare-and-set that moves it to *checking*:

- the owner is a process of this host: it is gone when no process of that pid started at that
  moment exists (a reused pid started later);
- on PostgreSQL the run also holds a session advisory lock on the batch
  (:func:`run_lock`) for as long as it runs; PostgreSQL drops it when the process's connection
  ends, however it ended. That answers for an owner on another host (a second server, a
  container);
- on SQLite another host's batch cannot be judged and is left alone (a SQLite file is used by
  one host).

The batch moves to *interrupted* by compare-and-set, naming the owner that was found gone: a
batch that changed meanwhile (finished, or started again by someone else) is left as it is.
From *interrupted* it may be run again (page, API, ``jaring import --again``) or deleted.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from jaring.core.scratch import Owner, scratch_sweep
from jaring.registry.models import ImportBatch, ImportStatus

logger = logging.getLogger("jaring.imports")

#: The states in which a process is working on the batch.
IN_PROCESS = (ImportStatus.CHECKING, ImportStatus.COMMITTING)

# First key of the advisory locks of import runs (the second is the batch's id): "JRNG".
_LOCK_SPACE = 0x4A524E47
# A killed process's connection may take a moment to end on the server (its last statement
# finishes first); a new run of its batch waits this long for the lock.
LOCK_WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class Recovered:
    """What a start found: batches marked interrupted, scratch folders and bytes removed."""

    interrupted: list[int]
    scratch_folders: int
    scratch_bytes: int

    def as_dict(self) -> dict[str, object]:
        return {
            "interrupted": self.interrupted,
            "scratch_folders": self.scratch_folders,
            "scratch_bytes": self.scratch_bytes,
        }


def imports_recover() -> Recovered:
    """Mark the batches left running by processes that are gone as interrupted, then remove
    the scratch folders of this host's processes that are gone."""
    interrupted = []
    running = ImportBatch.objects.filter(status__in=IN_PROCESS).values_list(
        "pk", "runner_host", "runner_pid", "runner_since"
    )
    for pk, host, pid, since in running:
        owner = Owner(host, pid, since) if host and pid else None
        with _owner_gone(pk, owner) as gone:
            if gone and _mark_interrupted(pk, owner):
                interrupted.append(pk)
    sweep = scratch_sweep()
    if interrupted or sweep.folders:
        logger.warning(
            "recovered after a crash: imports %s interrupted, %d scratch folder(s) removed",
            interrupted,
            sweep.folders,
        )
    return Recovered(interrupted, sweep.folders, sweep.bytes)


def recovered_message(recovered: Recovered) -> str:
    """One line for a person at the console ("" when there was nothing to put right)."""
    parts = []
    if recovered.interrupted:
        numbers = ", ".join(f"#{pk}" for pk in recovered.interrupted)
        parts.append(f"Impor {numbers} terputus (prosesnya berhenti) — jalankan ulang.")
    if recovered.scratch_folders:
        megabytes = recovered.scratch_bytes / 1024 / 1024
        parts.append(
            f"Berkas sementara {recovered.scratch_folders} proses yang berhenti dihapus "
            f"({megabytes:.1f} MB)."
        )
    return " ".join(parts)


@contextlib.contextmanager
def _owner_gone(pk: int, owner: Owner | None) -> Iterator[bool]:
    """Whether the batch's process is gone; on PostgreSQL the batch's lock is held meanwhile
    when it was free, so nobody starts the batch while it is being marked."""
    if owner is not None and owner.here:
        yield not owner.alive()
        return
    if connection.vendor != "postgresql":
        # No owner recorded: a batch of a process older than this record, necessarily gone.
        yield owner is None
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_SPACE, pk])
        free = bool(cursor.fetchone()[0])
    try:
        yield free
    finally:
        if free:
            _unlock(pk)


def _mark_interrupted(pk: int, owner: Owner | None) -> bool:
    batches = ImportBatch.objects.filter(pk=pk, status__in=IN_PROCESS)
    if owner is not None:
        batches = batches.filter(
            runner_host=owner.host, runner_pid=owner.pid, runner_since=owner.since
        )
    return bool(
        batches.update(
            status=ImportStatus.INTERRUPTED,
            stage="interrupted",
            error_code="IMPORT_INTERRUPTED",
            error_params={},
            finished_at=timezone.now(),
            runner_host="",
            runner_pid=None,
            runner_since="",
        )
    )


@contextlib.contextmanager
def run_lock(pk: int) -> Iterator[bool]:
    """Hold the batch's advisory lock while it runs (PostgreSQL; nothing on SQLite). Yields
    whether the lock was obtained — waiting up to :data:`LOCK_WAIT_SECONDS` for a killed
    process's connection to end."""
    if connection.vendor != "postgresql":
        yield True
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_SPACE, pk])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.2)
    try:
        yield True
    finally:
        _unlock(pk)


def _unlock(pk: int) -> None:
    with contextlib.suppress(Exception), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, pk])
