"""After a crash: a batch left running by a process that is gone is marked interrupted at the next
start — only that one: a live process's batch, and on SQLite another host's, stay as they are;
a run that lost its batch meanwhile writes nothing; an interrupted batch runs again."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.core import failpoints
from jaring.core.scratch import Owner, scratch_root
from jaring.registry.imports.discarding import DISCARDABLE
from jaring.registry.imports.recovery import imports_recover
from jaring.registry.imports.services import ImportRequestError, import_create, import_run
from jaring.registry.models import ImportBatch, ImportStatus, Person
from jaring.synthetic.people import generate_people, write_clean_list

pytestmark = pytest.mark.django_db

KEDIRI = "35.71"


def _gone() -> Owner:
    """A process of this host that has ended."""
    pid = subprocess.Popen(["true"])
    pid.wait()
    return Owner(Owner.current().host, pid.pid, "0-1")


def _batch(status: str, owner: Owner | None) -> ImportBatch:
    runner = (
        {"runner_host": owner.host, "runner_pid": owner.pid, "runner_since": owner.since}
        if owner
        else {}
    )
    return ImportBatch.objects.create(
        file_name="daftar.csv",
        file_sha256="",
        file_size=1,
        region_id=KEDIRI,
        source_name="Kelurahan",
        status=status,
        stage="saving",
        **runner,
    )


def _listed(tmp_path: Path, n: int = 6) -> ImportBatch:
    path = tmp_path / "daftar.csv"
    write_clean_list(generate_people(n, regency=KEDIRI, seed=61), path)
    with path.open("rb") as handle:
        return import_create(
            source=handle, file_name=path.name, region_code=KEDIRI, source_name="Kelurahan"
        )


def test_only_the_batches_of_processes_that_are_gone_are_marked() -> None:
    me = Owner.current()
    dead = _batch(ImportStatus.COMMITTING, _gone())
    # The same pid, started at another moment: a reused number, not the owner.
    reused = _batch(ImportStatus.CHECKING, Owner(me.host, me.pid, "0-1"))
    live = _batch(ImportStatus.CHECKING, me)
    elsewhere = _batch(ImportStatus.CHECKING, Owner("another-server", 4242, "0-1"))
    unrecorded = _batch(ImportStatus.COMMITTING, None)
    saved = _batch(ImportStatus.COMMITTED, _gone())

    recovered = imports_recover()

    status = dict(ImportBatch.objects.values_list("pk", "status"))
    assert status[dead.pk] == status[reused.pk] == status[unrecorded.pk] == "interrupted"
    assert (status[live.pk], status[saved.pk]) == ("checking", "committed")
    # Another host's process cannot be seen from here: on PostgreSQL its lock tells (free:
    # gone); a SQLite file has one host, so such a batch is left alone.
    assert status[elsewhere.pk] == (
        "interrupted" if connection.vendor == "postgresql" else "checking"
    )
    assert sorted(recovered.interrupted) == sorted(
        pk
        for pk in (dead.pk, reused.pk, unrecorded.pk, elsewhere.pk)
        if status[pk] == "interrupted"
    )
    marked = ImportBatch.objects.get(pk=dead.pk)
    assert (marked.error_code, marked.stage, marked.runner_pid) == (
        "IMPORT_INTERRUPTED",
        "interrupted",
        None,
    )
    assert marked.finished_at is not None
    assert imports_recover().interrupted == []  # nothing twice


def test_a_run_that_lost_its_batch_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another start took the batch for dead just before the save: the save refuses."""
    batch = _listed(tmp_path)

    def taken(point: str) -> None:
        if point == "import-committing":
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.INTERRUPTED)

    monkeypatch.setattr(failpoints, "reached", taken)
    with pytest.raises(ImportRequestError) as refused:
        import_run(batch.pk)
    assert refused.value.code == "IMPORT_NOT_RUNNABLE"
    assert ImportBatch.objects.get(pk=batch.pk).status == "interrupted"
    assert Person.objects.count() == 0


def test_a_run_stopped_from_outside_is_interrupted_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _listed(tmp_path)

    def stop(point: str) -> None:
        if point == "bulk-copied":
            raise KeyboardInterrupt

    monkeypatch.setattr(failpoints, "reached", stop)
    with pytest.raises(KeyboardInterrupt):
        import_run(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.error_code, batch.runner_pid) == (
        "interrupted",
        "IMPORT_INTERRUPTED",
        None,
    )
    assert Person.objects.count() == 0


def test_an_interrupted_batch_runs_again_and_may_be_deleted(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    batch = _listed(tmp_path)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.CHECKING, runner_host="another-server", runner_pid=1
    )
    with pytest.raises(ImportRequestError):  # running, as far as anyone here can tell
        import_run(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.INTERRUPTED, error_code="IMPORT_INTERRUPTED"
    )
    assert ImportStatus.INTERRUPTED in DISCARDABLE
    client = login(make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,)))
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "Terputus — jalankan ulang" in page
    assert "tidak ada data yang tersimpan" in page
    assert reverse("import-mapping", args=[batch.pk]) in page  # "Jalankan ulang"

    summary = import_run(batch.pk)
    batch.refresh_from_db()
    assert (summary["status"], summary["created"], Person.objects.count()) == ("committed", 6, 6)
    assert (batch.error_code, batch.runner_host, batch.runner_pid) == ("", "", None)


def test_recover_by_hand(tmp_path: Path) -> None:
    dead = _batch(ImportStatus.CHECKING, _gone())
    leftover = scratch_root() / _gone().folder_name
    leftover.mkdir()
    (leftover / "jaring-bulk-x.sqlite3").write_bytes(b"\0" * 100)
    out = io.StringIO()
    call_command("recover", "--json", stdout=out)
    recovered = json.loads(out.getvalue())
    assert recovered["interrupted"] == [dead.pk]
    assert recovered["scratch_folders"] >= 1 and not leftover.exists()
