"""``jaring backup`` and ``jaring restore``: a round trip on the database the suite runs on
(SQLite or PostgreSQL), and files that must not be restored."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from jaring.registry.models import Person

# The backup and restore run outside any transaction, so the test commits; Django empties the
# tables afterwards, except the regions (loaded once per test database), as the browser tests do.
APPS_WITHOUT_REGIONS = [app for app in settings.INSTALLED_APPS if app != "jaring.regions"]
pytestmark = pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)


def _people() -> dict[int, str]:
    return {p.pk: p.nik for p in Person.objects.all()}


def test_a_backup_restores_exactly_what_was_there(
    tmp_path: Path, add_people: Callable[..., pl.DataFrame]
) -> None:
    people = add_people(25, "35.71", seed=4)
    before = _people()
    assert sorted(before) == sorted(people["id"].to_list())
    out = io.StringIO()
    call_command("backup", str(tmp_path / "jaring.backup"), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["database"] == connection.vendor and summary["tables"] > 10
    assert (tmp_path / "jaring.backup").stat().st_mode & 0o077 == 0  # owner only

    # Afterwards: some people gone, someone new.
    Person.objects.filter(pk__in=list(before)[:10]).delete()
    add_people(3, "36.72", seed=5)
    assert _people() != before

    call_command("restore", str(tmp_path / "jaring.backup"), "--yes", stdout=io.StringIO())
    connection.close()  # a fresh connection, as the next start of Jaring has
    assert _people() == before  # the same rows, and every NIK still decrypts


def test_a_file_that_is_not_a_backup_changes_nothing(
    tmp_path: Path, add_people: Callable[..., pl.DataFrame]
) -> None:
    add_people(5, "35.71", seed=6)
    before = _people()
    junk = tmp_path / "daftar.xlsx"
    junk.write_bytes(b"PK\x03\x04 not a database at all")
    with pytest.raises(CommandError, match="bukan cadangan"):
        call_command("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")
    assert _people() == before


def test_restore_asks_before_replacing_everything(tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "b"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="edits the SQLite backup file itself")
def test_a_backup_from_a_newer_version_is_refused(
    tmp_path: Path, add_people: Callable[..., pl.DataFrame]
) -> None:
    add_people(5, "35.71", seed=7)
    before = _people()
    path = tmp_path / "newer.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    newer = sqlite3.connect(path)
    newer.execute(
        "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('registry', '9999_from_the_future', '2030-01-01')"
    )
    newer.commit()
    newer.close()
    with pytest.raises(CommandError, match="versi Jaring yang lebih baru"):
        call_command("restore", str(path), "--yes")
    assert _people() == before
