"""The SQLite connection settings: a new database file gets 16 KiB pages and WAL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.conf import settings


def test_a_new_sqlite_file_gets_large_pages_and_wal(tmp_path: Path) -> None:
    # What Django runs on every connection, on a file that does not exist yet: the page size
    # only takes when it comes before WAL is switched on.
    connection = sqlite3.connect(tmp_path / "new.sqlite3")
    connection.executescript(settings.SQLITE_OPTIONS["init_command"])
    connection.execute("CREATE TABLE t (x)")
    assert connection.execute("PRAGMA page_size").fetchone() == (16384,)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
