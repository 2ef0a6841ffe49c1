"""Benchmark: a month's bill, the branch's response file and the status of a programme of
``--people`` memberships (1,000,000 by default), on SQLite or PostgreSQL. Prints JSON.

    .venv/bin/python bench/finance.py [--people 1000000] [--database sqlite|postgres] [--seed 1]

With ``--database postgres`` the database comes from ``DATABASE_URL`` (it is emptied first);
with ``sqlite`` a fresh file in a temporary folder is used. Set-up (not timed against a target,
but reported): ``--people`` synthetic becak drivers of Kota Semarang created with
``people_bulk_create``, a DBHCHT programme of four months from September 2023, its decree drafted
and signed (the memberships). Then each step is the command a user runs, in a child process,
timed from the outside (Python and Django start-up included) with the child's peak memory:

- ``bill``: ``jaring bills issue --programme ID --month 2023-09 --json`` — a line per
  membership, amounts from the rules engine (issue 16: ≤ 10 s);
- ``response``: ``jaring bpjs import-response FILE --programme ID --json`` on a generated CSV
  of the branch's answer for everyone (two title rows; 1 % non-active with a reason, 0.1 %
  rejected, 100 NIKs in no decree, 0.05 % damaged NIKs), read by the registry's reading stage
  (issue 16: ≤ 30 s);
- ``response_again``: the same file a second time (nothing changes);
- ``status``: ``jaring bills status --programme ID --on 2023-09-20 --json`` — every
  membership's state by the rules engine from its paid months (issue 16: ≤ 5 s), after the bill
  was paid in full (``jaring payments record``, also timed).

Beside them, the floors in the same run and database: reading the programme's membership
columns with ``core.bulk.read_frame`` (what the bill must at least read) and writing the bill's
lines again into an emptied table with ``core.bulk.copy_frame`` (what it must at least write);
the ratios say how far each step is from those floors (each step's wall time less ``startup``,
the time ``jaring check`` takes to start Python and Django). The peak memory target is ≤ 3 GB.

Timings on a shared or busy machine are noisy: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

REGENCY = "33.74"  # Kota Semarang
TARGETS = {"bill": 10.0, "response": 30.0, "status": 5.0}

# Linux carries a process's peak RSS across fork and exec: a small launcher forks the real
# child and reports that child's peak, measured from a fresh start (as bench/imports.py).
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
with open(os.environ["JARING_BENCH_RSS"], "w") as out:
    out.write(f"{usage.ru_maxrss * 1024} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _settle() -> None:
    os.sync()
    time.sleep(2)


class Usage(NamedTuple):
    peak: int  # bytes, the child's maximum resident set
    cpu: float  # seconds of CPU (user + system) the child used: what load does not inflate


def _jaring(env: dict[str, str], *args: str) -> tuple[float, Usage, dict[str, Any]]:
    """Run ``jaring ARGS`` in a child; returns (seconds, its peak memory and CPU, its JSON)."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r") as rss,
    ):
        _settle()
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "jaring", *args],
            env={**env, "JARING_BENCH_RSS": rss.name},
            stdout=out,
            stderr=err,
            check=False,
        )
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"jaring {' '.join(args)} failed: {err.read().strip()[-2000:]}")
        text = out.read()
        peak, cpu = (rss.read() or "0 0").split()
        usage = Usage(int(peak), float(cpu))
        return seconds, usage, json.loads(text) if "--json" in args else {}


def _step(seconds: float, usage: Usage, result: dict[str, Any], target: str | None = None) -> dict:
    step: dict[str, Any] = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.cpu, 2),
        "peak_memory_gb": round(usage.peak / 1e9, 2),
        "result": result,
    }
    if target:
        step["target_seconds"] = TARGETS[target]
        step["within_target"] = seconds <= TARGETS[target]
    return step


def _setup_environment(database: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "JARING_VAR_DIR": str(folder), "JARING_ENV": "demo", "JARING_DEBUG": "0"}
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    elif not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--database postgres needs DATABASE_URL=postgres://…")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jaring.settings"
    return env


def _response_file(path: Path, people: Any, seed: int) -> dict[str, int]:
    """The branch's answer for ``people`` (NIK and name columns), as a CSV with title rows."""
    import polars as pl

    n = people.height
    index = pl.int_range(0, n, eager=True)
    inactive = (index % 100) == 7
    rejected = (index % 1000) == 13
    damaged = (index % 2000) == 29
    nik = pl.Series(people["nik"])
    frame = pl.DataFrame(
        {
            "NO": index + 1,
            "NIK": pl.select(
                pl.when(damaged).then(nik.str.slice(0, 11)).otherwise(nik)
            ).to_series(),
            "NAMA PESERTA": people["name"],
            "NO KPJ": (index + 23_000_000_000).cast(pl.String),
            "STATUS KEPESERTAAN": pl.select(
                pl.when(rejected)
                .then(pl.lit("DITOLAK"))
                .when(inactive)
                .then(pl.lit("NON AKTIF"))
                .otherwise(pl.lit("AKTIF"))
            ).to_series(),
            "KETERANGAN": pl.select(
                pl.when(rejected)
                .then(pl.lit("NIK tidak ditemukan di Dukcapil"))
                .when(inactive)
                .then(pl.lit("Terdaftar di wadah lain"))
                .otherwise(pl.lit(""))
            ).to_series(),
            "TMT": pl.repeat("01/09/2023", n, eager=True),
        }
    )
    from jaring.synthetic.people import generate_people

    outsiders = generate_people(100, regency="33.21", seed=seed + 7)
    extra = pl.DataFrame(
        {
            "NO": pl.int_range(n + 1, n + 101, eager=True),
            "NIK": outsiders["nik"],
            "NAMA PESERTA": outsiders["name"],
            "NO KPJ": pl.int_range(24_000_000_000, 24_000_000_100, eager=True).cast(pl.String),
            "STATUS KEPESERTAAN": pl.repeat("AKTIF", 100, eager=True),
            "KETERANGAN": pl.repeat("", 100, eager=True),
            "TMT": pl.repeat("01/09/2023", 100, eager=True),
        }
    )
    with path.open("w", encoding="utf-8") as out:
        out.write("HASIL VERIFIKASI PENDAFTARAN PESERTA BPU KOLEKTIF\n")
        out.write("BPJS KETENAGAKERJAAN KANTOR CABANG SEMARANG\n\n")
        out.write(pl.concat([frame, extra]).write_csv(separator=";"))
    return {
        "rows": n + 100,
        "inactive": int((inactive & ~rejected & ~damaged).sum()),
        "rejected": int((rejected & ~damaged).sum()),
        "damaged": int(damaged.sum()),
        "not_in_sk": 100,
    }


def _floors(programme_id: int, bill_id: int) -> dict[str, dict[str, Any]]:
    """Reading the membership columns the bill reads; writing its lines into an emptied table."""
    import polars as pl
    from django.db import connection, transaction

    from jaring.core import bulk
    from jaring.finance.models import Bill, BillLine
    from jaring.finance.services.bills import MEMBER_SCHEMA
    from jaring.programmes.models import Membership

    _settle()
    started = time.perf_counter()
    frame = bulk.read_frame(
        Membership.objects.order_by()
        .filter(programme_id=programme_id)
        .values_list(
            "id", "person_id", "region_id", "occupation_id", "funder", "income_basis", "jht"
        ),
        MEMBER_SCHEMA,
    )
    read = time.perf_counter() - started

    # The same lines again, with new ids, under a second bill of another month (the database
    # is thrown away afterwards): the real table with its indexes and constraints.
    bill = Bill.objects.get(pk=bill_id)
    other = Bill.objects.create(
        programme_id=programme_id,
        month=date(2023, 10, 1),
        number="BENCH-FLOOR",
        due_date=bill.due_date,
        lines=bill.lines,
        people=bill.people,
        issued_total=bill.total,
        total=bill.total,
        issued_at=bill.issued_at,
    )
    columns = [str(f.column) for f in BillLine._meta.concrete_fields]
    table = connection.ops.quote_name(BillLine._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE bill_id = %s ORDER BY id", [bill_id])
        rows = list(cursor)
    lines = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    first = bulk.reserve_ids(BillLine, lines.height)
    lines = lines.with_columns(
        id=pl.int_range(first, first + lines.height, dtype=pl.Int64),
        bill_id=pl.lit(other.pk, pl.Int64),
    )
    _settle()
    started = time.perf_counter()
    with transaction.atomic():
        bulk.copy_frame(BillLine, lines)
    write = time.perf_counter() - started
    return {
        "read_memberships": {"rows": frame.height, "seconds": round(read, 2)},
        "write_lines": {"rows": lines.height, "seconds": round(write, 2)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="jaring-bench-finance-"))
    env = _setup_environment(args.database, folder)
    if args.database == "postgres":
        _jaring(env, "flush", "--no-input")
    _jaring(env, "migrate", "--no-input", "-v", "0")
    _jaring(env, "regions", "load")

    import django

    django.setup()
    import polars as pl

    from jaring.programmes.services import decree_draft, decree_sign, programme_create
    from jaring.registry.services import people_bulk_create
    from jaring.synthetic.people import generate_people

    setup: dict[str, float] = {}
    started = time.perf_counter()
    people = generate_people(args.people, regency=REGENCY, seed=args.seed).with_columns(
        occupation_code=pl.lit("becak"),
        occupation_match=pl.lit("synonym"),
        birth_date=pl.lit(date(1980, 5, 17)),
    )
    setup["generate_people"] = time.perf_counter() - started
    started = time.perf_counter()
    people_bulk_create(people)
    setup["people_bulk_create"] = time.perf_counter() - started
    started = time.perf_counter()
    programme, _ = programme_create(
        user=None,
        region_code=REGENCY,
        name="Bench DBHCHT 2023",
        year=2023,
        funder="dbhcht",
        first_month=date(2023, 9, 1),
        months=4,
    )
    draft = decree_draft(user=None, programme=programme)
    setup["decree_draft"] = time.perf_counter() - started
    started = time.perf_counter()
    decree_sign(user=None, decree=draft, number="BENCH/1/2023", signed_on=date(2023, 8, 28))
    setup["decree_sign"] = time.perf_counter() - started
    response_path = folder / "balasan.csv"
    started = time.perf_counter()
    expected = _response_file(response_path, people.select("nik", "name"), args.seed)
    setup["response_file"] = time.perf_counter() - started
    del people

    pid = str(programme.pk)
    steps: dict[str, Any] = {}
    # Starting Python and Django alone (each step's wall time includes it).
    steps["startup"] = _step(*_jaring(env, "check"))
    steps["response"] = _step(
        *_jaring(env, "bpjs", "import-response", str(response_path), "--programme", pid, "--json"),
        target="response",
    )
    steps["response_again"] = _step(
        *_jaring(env, "bpjs", "import-response", str(response_path), "--programme", pid, "--json")
    )
    steps["bill"] = _step(
        *_jaring(env, "bills", "issue", "--programme", pid, "--month", "2023-09", "--json"),
        target="bill",
    )
    bill = steps["bill"]["result"]
    payment = ["--bill", str(bill["bill"]), "--amount", str(bill["total"])]
    payment += ["--date", "2023-09-14", "--reference", "SP2D/BENCH/1", "--json"]
    steps["payment"] = _step(*_jaring(env, "payments", "record", *payment))
    steps["status"] = _step(
        *_jaring(env, "bills", "status", "--programme", pid, "--on", "2023-09-20", "--json"),
        target="status",
    )
    floors = _floors(programme.pk, bill["bill"])
    shutil.rmtree(folder, ignore_errors=True)
    floor_bill = floors["read_memberships"]["seconds"] + floors["write_lines"]["seconds"]
    start = steps["startup"]["seconds"]
    print(
        json.dumps(
            {
                "benchmark": "finance",
                "database": args.database,
                "people": args.people,
                "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
                "setup_seconds": {k: round(v, 1) for k, v in setup.items()},
                "response_file_expected": expected,
                **steps,
                "floors": floors,
                "ratio_bill_to_read_plus_write_floor": round(
                    (steps["bill"]["seconds"] - start) / max(floor_bill, 0.01), 2
                ),
                "ratio_status_to_read_floor": round(
                    (steps["status"]["seconds"] - start)
                    / max(floors["read_memberships"]["seconds"], 0.01),
                    2,
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
