"""Crash safety (issue 14, item 10): an import killed with SIGKILL anywhere, twenty times, leaves
no partial rows; the next start marks its batch interrupted and removes its scratch files; the
batch then runs again to the right counts. On SQLite and on PostgreSQL.

The imports run as ``jaring import`` processes against a copy of the migrated test database.
Each is stopped at a point chosen by a seeded RNG (``JARING_STOP_AT``, jaring.core.failpoints:
the process says where it is, then waits) and killed there — no delays, no timing. The kills
run in children forked from one warm interpreter (crash_zygote.py) so they cost a fraction of
a second each; the first import, the re-run and the integrity check are real ``jaring``
processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import polars as pl
import pytest
from django.db import connection

from jaring.synthetic.people import generate_people, write_clean_list

KILLS = 20
SEED = 14
REGION = "35.71"
# Where a run may be killed: each stage boundary, a scratch file on disk (SQLite only), rows
# copied inside the transaction, and everything written just before the commit.
POINTS = (
    "import-started",
    "import-read",
    "import-checked",
    "import-protected",
    "import-committing",
    "bulk-scratch-written",
    "bulk-copied",
    "import-written",
)
ZYGOTE = Path(__file__).with_name("crash_zygote.py")
# Generous: reached in well under a second, but CI machines are shared.
STOP_DEADLINE = 120.0


def _environment(var: Path, url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not k.startswith("JARING_")
    }
    # Frames of 50 rows and more go through scratch files, as a million rows would.
    env.update(
        JARING_VAR_DIR=str(var),
        JARING_ENV="demo",
        DATABASE_URL=url,
        JARING_SCRATCH_FROM_ROWS="50",
    )
    return env


@pytest.fixture(scope="session")
def database_url(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[str]:
    """A copy of the migrated test database (regions loaded) for the ``jaring`` processes,
    made before the test's own transaction opens (a session fixture comes first)."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            target = tmp_path_factory.mktemp("crash") / "jaring.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            connection.connection.backup(copy)
            copy.close()
            yield f"sqlite:///{target}"
            return
        import psycopg

        template = connection.settings_dict["NAME"]
        name = f"crash_{os.getpid()}"
        connection.close()  # CREATE DATABASE … TEMPLATE wants nobody else connected
        parts = urlsplit(os.environ["DATABASE_URL"])
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield urlunsplit(parts._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Database:
    """Plain queries on the copy, outside Django (whose connection is the test database)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite:")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite:
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def people(self) -> tuple[int, str]:
        """How many people, and a digest of every column of every row."""
        rows = self.rows("SELECT * FROM registry_person ORDER BY id")
        return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()

    def status(self, batch: int) -> str:
        return str(self.rows(f"SELECT status FROM registry_importbatch WHERE id = {batch}")[0][0])

    def batches(self) -> list[tuple[int, str]]:
        return [
            (int(pk), str(status))
            for pk, status in self.rows("SELECT id, status FROM registry_importbatch ORDER BY id")
        ]

    def sound(self) -> bool:
        if self.sqlite:
            return self.rows("PRAGMA integrity_check") == [("ok",)]
        return self.rows("SELECT 1") == [(1,)]


def _jaring(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaring", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@dataclass
class Zygote:
    process: subprocess.Popen[str]

    def start(self, args: list[str], env: dict[str, str], log: Path) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"args": args, "env": env, "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except (OSError, IndexError):
        return False


def _wait_for_stop(pid: int, marker: Path, log: Path) -> str:
    """The point the process stopped at (it writes the marker, then waits to be killed)."""
    deadline = time.monotonic() + STOP_DEADLINE
    while not marker.exists():
        if not _alive(pid):
            pytest.fail(f"the import ended before its stop point:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no stop point reached in {STOP_DEADLINE} s:\n{log.read_text()}")
        time.sleep(0.01)
    pid_text, point = marker.read_text().split()
    assert int(pid_text) == pid
    return point


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.01)


def _kill_points(vendor: str) -> list[str]:
    """Twenty points from a seeded RNG, every point at least twice."""
    points = [p for p in POINTS if vendor == "sqlite" or not p.startswith("bulk-scratch")]
    rng = random.Random(SEED)
    chosen = points * 2
    chosen += rng.choices(points, k=KILLS - len(chosen))
    rng.shuffle(chosen)
    return chosen


@pytest.mark.django_db
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="watches processes through /proc")
def test_twenty_kills_leave_nothing_half_done(tmp_path: Path, database_url: str) -> None:
    var = tmp_path / "var"
    env = _environment(var, database_url)
    db = Database(database_url)
    people = generate_people(250, regency=REGION, seed=SEED)
    first, later = tmp_path / "awal.csv", tmp_path / "susulan.csv"
    write_clean_list(people.head(100), first)
    # 150 new people and 50 registered ones with a new address: creates and updates.
    write_clean_list(
        pl.concat(
            [
                people.tail(150),
                people.head(50).with_columns(pl.col("address") + " (pindah)"),
            ]
        ),
        later,
    )
    done = _jaring(env, "import", str(first), "--region", REGION, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] == 100
    before = db.people()
    assert before[0] == 100

    zygote = Zygote(
        subprocess.Popen(
            [sys.executable, str(ZYGOTE)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    )
    killed: list[tuple[int, str, Path]] = []
    scratch_seen = False
    try:
        for n, point in enumerate(_kill_points(connection.vendor)):
            marker, log = tmp_path / f"stop-{n}", tmp_path / f"import-{n}.log"
            pid = zygote.start(
                ["import", str(later), "--region", REGION, "--json"],
                {"JARING_STOP_AT": point, "JARING_STOP_FILE": str(marker)},
                log,
            )
            assert _wait_for_stop(pid, marker, log) == point
            # This start put the previous kill right: its batch interrupted, its scratch gone.
            if killed:
                batch, _, folder = killed[-1]
                assert db.status(batch) == "interrupted"
                assert not folder.exists()
            batch = db.batches()[-1][0]
            folder = next((var / "tmp").glob(f"*.{pid}.*"))
            scratch_seen |= any(folder.glob("jaring-bulk-*.sqlite3"))
            _kill(pid)
            # Nothing of the killed run is in the registry, and the database is sound.
            assert db.people() == before, point
            assert db.sound()
            assert db.status(batch) in {"checking", "committing"}, point
            killed.append((batch, point, folder))
    finally:
        assert zygote.process.stdin is not None
        zygote.process.stdin.close()
        zygote.process.wait(timeout=60)

    assert len(killed) == KILLS
    assert scratch_seen == (connection.vendor == "sqlite")
    # The next start (a re-run of the last batch) marks it interrupted, then runs it through.
    last = killed[-1][0]
    again = _jaring(env, "import", "--again", str(last), "--json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["status"], summary["created"], summary["updated"]) == ("committed", 150, 50)
    assert db.people()[0] == 250
    statuses = dict(db.batches())
    assert [statuses[batch] for batch, _, _ in killed[:-1]] == ["interrupted"] * (KILLS - 1)
    assert statuses[last] == "committed"
    # No scratch file is left anywhere in the data folder, and every reference holds.
    assert list((var / "tmp").iterdir()) == []
    assert list(var.rglob("jaring-bulk-*")) == []
    integrity = _jaring(env, "integrity")
    assert integrity.returncode == 0, integrity.stdout + integrity.stderr
    assert db.sound()
