"""Backups of the database, and restoring one: ``jaring backup FILE`` / ``jaring restore FILE``.

- SQLite: SQLite's online backup API copies the live database page by page into ``FILE`` (one
  self-contained file, no WAL beside it) while the server keeps running; restoring copies
  ``FILE`` back the same way, in one step that other connections see all at once.
- PostgreSQL: ``pg_dump --format=custom``; restoring replaces the whole ``public`` schema with
  the dump's in **one transaction** (``pg_restore`` writes the statements, ``psql
  --single-transaction`` runs them after dropping the schema), so a failed restore changes
  nothing.

Before a restore the file is checked: it must be a backup of the same kind of database, hold
Jaring's tables, and come from this version of Jaring or an older one (``jaring migrate``
brings an older one up to date). The keys are **not** in a backup: NIK and phone numbers in it
stay encrypted, and can only be read with the keys of the installation that wrote it
(docs/deploy.md). Backups hold names, birth dates and addresses in clear: keep them like the
database itself. The file is written readable by its owner only.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import sqlite3
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (Indonesian)."""


@dataclass(frozen=True)
class BackupResult:
    file: str
    database: str
    bytes: int
    seconds: float
    tables: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def database_backup(
    path: Path, *, connection: BaseDatabaseWrapper = default_connection
) -> BackupResult:
    """Write a backup of ``connection``'s database to ``path`` (replaced if it exists)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"Folder {path.parent} tidak ada.")
    started = time.perf_counter()
    partial = path.with_name(f".{path.name}.part")
    try:
        if connection.vendor == "sqlite":
            tables = _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            tables = _postgres_backup(connection, partial)
        else:
            raise BackupError(f"Basis data {connection.vendor} tidak didukung.")
        partial.chmod(0o600)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(
        file=str(path),
        database=connection.vendor,
        bytes=path.stat().st_size,
        seconds=round(time.perf_counter() - started, 2),
        tables=tables,
    )


def database_restore(
    path: Path, *, connection: BaseDatabaseWrapper = default_connection
) -> BackupResult:
    """Replace ``connection``'s database with the backup in ``path``; nothing changes if the
    file is not a Jaring backup of this kind of database or comes from a newer version."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Berkas {path} tidak ada.")
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        tables = _sqlite_restore(connection, path)
    elif connection.vendor == "postgresql":
        tables = _postgres_restore(connection, path)
    else:
        raise BackupError(f"Basis data {connection.vendor} tidak didukung.")
    return BackupResult(
        file=str(path),
        database=connection.vendor,
        bytes=path.stat().st_size,
        seconds=round(time.perf_counter() - started, 2),
        tables=tables,
    )


def _known_migrations() -> set[tuple[str, str]]:
    """(app label, migration) of every migration this version of Jaring ships, read from the
    installed apps' folders (not from the app registry, which tests may narrow)."""
    known: set[tuple[str, str]] = set()
    for entry in settings.INSTALLED_APPS:
        config = AppConfig.create(entry)
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(getattr(package, "__path__", [])):
            if not module.name.startswith(("_", "~")):
                known.add((config.label, module.name))
    return known


def _check_migrations(applied: set[tuple[str, str]], path: Path) -> None:
    if not applied:
        raise BackupError(f"{path.name} bukan cadangan Jaring (tabel django_migrations kosong).")
    known = _known_migrations()
    newer = sorted(f"{app}.{name}" for app, name in applied - known)
    if newer:
        raise BackupError(
            f"{path.name} berasal dari versi Jaring yang lebih baru (migrasi "
            f"{', '.join(newer[:3])} tidak dikenal); pasang versi itu dulu."
        )


# --- SQLite --------------------------------------------------------------------------------------


def _raw_sqlite(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    if connection.in_atomic_block:
        raise BackupError("Cadangan/pemulihan tidak dapat berjalan di dalam transaksi.")
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _table_count(database: sqlite3.Connection) -> int:
    row = database.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return int(row[0])


def _sqlite_backup(connection: BaseDatabaseWrapper, path: Path) -> int:
    source = _raw_sqlite(connection)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        # One file: the copy keeps the source's WAL flag, which would need a -wal file beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("Salinan basis data tidak utuh (quick_check); coba lagi.")
        return _table_count(target)
    finally:
        target.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> int:
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path.name} bukan cadangan SQLite Jaring.")
    backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            applied = set(backup.execute("SELECT app, name FROM django_migrations").fetchall())
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path.name} bukan cadangan Jaring ({exc}).") from exc
        _check_migrations(applied, path)
        if backup.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path.name} rusak (quick_check gagal); tidak dipulihkan.")
        target = _raw_sqlite(connection)
        # One step (all pages at once): other connections see the old database or the new one.
        backup.backup(target)
        return _table_count(target)
    finally:
        backup.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


# Connection parameters libpq's tools understand (psycopg's own options are left out).
_LIBPQ_KEYS = {
    "dbname", "user", "host", "hostaddr", "port", "sslmode", "sslrootcert", "sslcert", "sslkey",
    "sslpassword", "connect_timeout", "application_name", "options", "passfile", "service",
    "target_session_attrs", "gssencmode", "channel_binding",
}  # fmt: skip


def _postgres_env(connection: BaseDatabaseWrapper) -> tuple[dict[str, str], str]:
    """Environment for the PostgreSQL tools (the password there, not on a command line) and a
    connection string for their ``--dbname``, from the parameters Django itself connects with."""
    from psycopg.conninfo import make_conninfo  # here: SQLite never loads psycopg

    params = dict(connection.get_connection_params())
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    conninfo = make_conninfo(
        **{k: str(v) for k, v in params.items() if k in _LIBPQ_KEYS and v not in (None, "")}
    )
    return env, conninfo


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} tidak ditemukan; pasang paket postgresql-client.")
    return found


def _run(
    command: list[str], env: dict[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or [f"kode {result.returncode}"])[0]
        raise BackupError(f"{Path(command[0]).name} gagal: {first}")
    return result


def _postgres_backup(connection: BaseDatabaseWrapper, path: Path) -> int:
    env, name = _postgres_env(connection)
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={path}",
            f"--dbname={name}",
        ],
        env,
    )
    return _postgres_dump_tables(path, env)


def _postgres_dump_tables(path: Path, env: dict[str, str]) -> int:
    listing = _run([_tool("pg_restore"), "--list", str(path)], env).stdout
    return sum(" TABLE " in line and " TABLE DATA " not in line for line in listing.splitlines())


def _postgres_restore(connection: BaseDatabaseWrapper, path: Path) -> int:
    env, name = _postgres_env(connection)
    try:
        tables = _postgres_dump_tables(path, env)
    except BackupError as exc:
        raise BackupError(f"{path.name} bukan cadangan PostgreSQL Jaring ({exc}).") from exc
    migrations = _run(
        [_tool("pg_restore"), "--data-only", "--table=django_migrations", "--file=-", str(path)],
        env,
    ).stdout
    _check_migrations(_copied_migrations(migrations), path)
    script = _run(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)], env
    ).stdout
    # The dump's own statements set the search path to nothing; the schema is made first.
    statements = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" + script
    _run(
        [
            _tool("psql"),
            "--quiet",
            "--no-psqlrc",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={name}",
            "--file=-",
        ],
        env,
        input=statements,
    )
    return tables


def _copied_migrations(data: str) -> set[tuple[str, str]]:
    """(app, name) rows of the ``COPY django_migrations`` block in pg_restore's output."""
    applied: set[tuple[str, str]] = set()
    inside = False
    for line in data.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            inside = True
            continue
        if inside:
            if line == "\\.":
                break
            fields = line.split("\t")
            if len(fields) >= 3:
                applied.add((fields[1], fields[2]))
    return applied
