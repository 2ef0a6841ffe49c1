"""Benchmark: importing lists into the registry, side by side with a bare bulk load and with
django-import-export, on SQLite or PostgreSQL. Prints JSON.

    .venv/bin/python bench/imports.py [--rows 1000000] [--xlsx-rows 100000] [--iie-rows 5000]
                                      [--database sqlite|postgres] [--seed 1]

With ``--database postgres`` the database comes from ``DATABASE_URL`` (it is emptied first);
with ``sqlite`` a fresh file in a temporary folder is used. What is measured:

- ``csv``: ``jaring import FILE --json`` in a child process on a generated messy CSV of
  ``--rows`` rows (read, check, classify, dedup, encrypt, commit) — wall time and the child's
  peak memory (max RSS);
- ``csv_again``: the same file imported a second time (every person found unchanged);
- ``xlsx``: the same for a messy xlsx of ``--xlsx-rows`` rows, imported into a second kab/kota
  next to the first (so its NIKs are looked up against the registry already loaded);
- ``bare_load``: the person rows the CSV's import wrote, written again into the emptied table,
  from the first row to the commit — on SQLite by a plain ``executemany`` of the stored values
  and by :func:`jaring.core.bulk.copy_frame` (Arrow through a scratch file), on PostgreSQL by
  ``copy_frame`` (COPY): the floor for writing them at all;
- ``django_import_export``: django-import-export importing the first ``--iie-rows`` rows of the
  same CSV into the same model (its usual per-row path), as rows per second, extrapolated to the
  whole file; run first, on an empty registry, then removed.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

REGENCY = "33.74"  # Kota Semarang
SECOND_REGENCY = "33.21"  # Kabupaten Demak


# Linux carries a process's peak RSS across fork and exec, so a child of this (large) process
# would report this process's memory as its own. A small launcher forks the real child and
# reports that child's peak, measured from a fresh start.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
with open(os.environ["JARING_BENCH_RSS"], "w") as out:
    out.write(str(usage.ru_maxrss * 1024))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _settle() -> None:
    """Let the disk finish writing what the benchmark itself wrote (a generated file of 150 MB,
    an emptied table), so the step timed next does not pay for it."""
    os.sync()
    time.sleep(2)


def _jaring(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """Run ``jaring ARGS`` in a child; returns (seconds, peak RSS in bytes, stdout)."""
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
        return seconds, int(rss.read() or 0), out.read()


def _setup_environment(database: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "JARING_VAR_DIR": str(folder), "JARING_ENV": "demo", "JARING_DEBUG": "0"}
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    elif not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--database postgres needs DATABASE_URL=postgres://…")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jaring.settings"
    return env


def _django_import_export(path: Path, headers: dict[str, str], rows: int) -> dict[str, Any]:
    """django-import-export's import of the first ``rows`` rows of ``path`` into Person."""
    import polars as pl
    import tablib
    from import_export import fields, resources, widgets

    from jaring.core import bulk, crypto
    from jaring.regions.models import Region
    from jaring.registry.models import Person

    class NikWidget(widgets.Widget):  # type: ignore[misc]
        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
            digits = "".join(ch for ch in str(value or "") if ch.isdigit())
            if len(digits) != 16:
                raise ValueError("NIK harus 16 digit")
            return digits

    class DateWidget(widgets.DateWidget):  # type: ignore[misc]
        """A fair chance: the date forms most lists use (the rest fail, as rows with errors)."""

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            from datetime import datetime

            for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
                try:
                    return datetime.strptime(str(value).strip(), pattern).date()
                except ValueError:
                    continue
            raise ValueError(f"tanggal tidak terbaca: {value!r}")

    villages = {
        r.name.upper(): r for r in Region.objects.filter(parent__parent_id=REGENCY, level=4)
    }

    class VillageWidget(widgets.ForeignKeyWidget):  # type: ignore[misc]
        """The desa by its name among the villages of the kab/kota, from a dictionary loaded once:
        django-import-export's best case (its stock widget queries the database per row)."""

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Region:
            written = str(value).strip().upper()
            for prefix in ("KELURAHAN ", "KEL. ", "KEL ", "DESA ", "DS. "):
                written = written.removeprefix(prefix)
            return villages[written]

    class RupiahWidget(widgets.IntegerWidget):  # type: ignore[misc]
        """'Rp 1.000.000', '1.000.000' or empty (the default basis)."""

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
            digits = "".join(ch for ch in str(value or "") if ch.isdigit())
            return int(digits) if digits else 1_000_000

    class PersonResource(resources.ModelResource):  # type: ignore[misc]
        """Every column our importer reads, mapped the way django-import-export maps them."""

        nik = fields.Field(column_name=headers["nik"], widget=NikWidget())
        name = fields.Field(attribute="name", column_name=headers["name"])
        birth_place = fields.Field(attribute="birth_place", column_name=headers["birth_place"])
        birth_date = fields.Field(
            attribute="birth_date", column_name=headers["birth_date"], widget=DateWidget()
        )
        sex = fields.Field(attribute="sex", column_name=headers["sex"])
        address = fields.Field(attribute="address", column_name=headers["address"])
        rt_rw = fields.Field(attribute="rt_rw", column_name=headers["rt_rw"])
        region = fields.Field(
            attribute="region",
            column_name=headers["desa"],
            widget=VillageWidget(Region, field="name"),
        )
        phone = fields.Field(column_name=headers["phone"])
        occupation_text = fields.Field(
            attribute="occupation_text", column_name=headers["occupation"]
        )
        income_basis = fields.Field(
            attribute="income_basis", column_name=headers["income"], widget=RupiahWidget()
        )

        class Meta:
            model = Person
            fields = (
                "nik", "name", "birth_place", "birth_date", "sex", "address", "rt_rw", "region",
                "phone", "occupation_text", "income_basis",
            )  # fmt: skip
            import_id_fields = ("nik",)

        def get_instance(self, instance_loader: Any, row: Any) -> Person | None:
            nik = NikWidget().clean(row.get(headers["nik"]))
            return Person.objects.filter(nik_index=crypto.blind_index(nik, purpose="nik")).first()

        def import_instance(self, instance: Person, row: Any, **kwargs: Any) -> None:
            super().import_instance(instance, row, **kwargs)
            if instance.pk is None:  # ciphers are bound to the row: its id first (ADR 0016)
                instance.pk = bulk.reserve_ids(Person, 1)
            instance.set_nik(NikWidget().clean(row.get(headers["nik"])))
            instance.set_phone(str(row.get(headers["phone"]) or ""))
            instance.name_normalized = (instance.name or "").lower()
            instance.sex = str(instance.sex or "L")[:1].upper()
            instance.income_basis = instance.income_basis or 1_000_000

    frame = pl.read_csv(path, infer_schema=False, n_rows=rows + 1, skip_rows=_title_rows(path))
    # The generator numbers the columns under the header, "(1)", "(2)", …: not a person.
    frame = frame.filter(~pl.col(frame.columns[0]).str.starts_with("(").fill_null(False))
    dataset = tablib.Dataset(*frame.rows(), headers=frame.columns)
    before = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _settle()
    started = time.perf_counter()
    # Without its transaction: with one, a single bad row (a messy list always has some) rolls
    # the whole import back and nothing would be measured but the rollback.
    result = PersonResource().import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=False
    )
    seconds = time.perf_counter() - started
    created = Person.objects.filter(id__gt=before)
    imported = created.count()
    created.delete()
    return {
        "rows": frame.height,
        "seconds": round(seconds, 2),
        "rows_per_second": round(frame.height / seconds, 1),
        "people_created": imported,
        "row_errors": len(result.row_errors()) + len(result.invalid_rows),
    }


def _title_rows(path: Path) -> int:
    for index, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        if "nik" in line.lower():
            return index
    return 0


def _bare_loads(batch_id: int) -> dict[str, dict[str, Any]]:
    """Write the person rows that batch ``batch_id`` created into the emptied table again, each
    way in turn, timed from the first row to the commit (the import's time includes its commit
    too): on SQLite a plain ``executemany`` of the stored values and ``core.bulk.copy_frame``;
    on PostgreSQL ``copy_frame`` (COPY)."""
    import polars as pl
    from django.db import connection, transaction

    from jaring.core import bulk
    from jaring.registry.models import Person

    fields = Person._meta.concrete_fields
    columns = [str(f.column) for f in fields]
    table = connection.ops.quote_name(Person._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quoted} FROM {table} WHERE source_batch_id = %s ORDER BY id", [batch_id]
        )
        # As stored: on SQLite dates are text; bytea comes back as memoryview on PostgreSQL.
        rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor]
    frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)

    def emptied() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # PostgreSQL's DELETE would leave a million dead rows and pending foreign-key
            # checks for the copy to step over; TRUNCATE empties the table as an import finds it.
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {table}")

    def executemany() -> None:
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)

    loads: dict[str, Callable[[], object]] = {"copy_frame": lambda: bulk.copy_frame(Person, frame)}
    if connection.vendor == "sqlite":
        loads = {"executemany": executemany, **loads}
    results = {}
    for name, load in loads.items():
        emptied()
        _settle()
        started = time.perf_counter()
        with transaction.atomic():
            bulk.lock_table(Person)
            load()
        results[name] = {"rows": len(rows), "seconds": round(time.perf_counter() - started, 2)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--iie-rows", type=int, default=5_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="jaring-bench-"))
    env = _setup_environment(args.database, folder)
    if args.database == "postgres":
        _jaring(env, "flush", "--no-input")
    _jaring(env, "migrate", "--no-input", "-v", "0")
    _jaring(env, "regions", "load")

    import django

    django.setup()
    from django.utils import timezone

    from jaring.synthetic.messy import write_messy_file

    today = timezone.localdate()  # what the import judges ages against
    started = time.perf_counter()
    csv_path = folder / "daftar-1m.csv"
    truth = write_messy_file(
        csv_path,
        rows=args.rows,
        regency=REGENCY,
        seed=args.seed,
        fmt="csv",
        header_style="standard",
        csv_style="comma-utf8",
        reference_date=today,
    )
    xlsx_path = folder / "daftar-100k.xlsx"
    write_messy_file(
        xlsx_path, rows=args.xlsx_rows, regency=SECOND_REGENCY, seed=args.seed + 1, fmt="xlsx"
    )
    generated = time.perf_counter() - started

    iie = _django_import_export(csv_path, truth.headers, args.iie_rows)

    csv_seconds, csv_peak, csv_out = _jaring(
        env, "import", str(csv_path), "--region", REGENCY, "--json"
    )
    csv_summary = json.loads(csv_out)
    # The same file again: every row finds its person unchanged, and nothing is written twice.
    again_seconds, again_peak, again_out = _jaring(
        env, "import", str(csv_path), "--region", REGENCY, "--json"
    )
    again = json.loads(again_out)
    xlsx_seconds, xlsx_peak, xlsx_out = _jaring(
        env, "import", str(xlsx_path), "--region", SECOND_REGENCY, "--json"
    )
    xlsx_summary = json.loads(xlsx_out)
    # Last: it empties the person table.
    bare = _bare_loads(csv_summary["batch"])

    shutil.rmtree(folder)  # a million people's database and the generated files
    ours_rate = args.rows / csv_seconds
    print(
        json.dumps(
            {
                "benchmark": "imports",
                "database": args.database,
                "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
                "generated_files_seconds": round(generated, 1),
                "csv": {
                    "rows": args.rows,
                    "seconds": round(csv_seconds, 2),
                    "seconds_inside_import": csv_summary.get("seconds"),
                    "peak_memory_gb": round(csv_peak / 1e9, 2),
                    "summary": {k: v for k, v in csv_summary.items() if k != "problems"},
                    "matches_ground_truth": all(
                        csv_summary[k] == truth.summary[k]
                        for k in ("rows", "accepted", "warnings", "held", "rejected", "problems")
                    ),
                },
                "csv_again": {
                    "seconds": round(again_seconds, 2),
                    "seconds_inside_import": again.get("seconds"),
                    "peak_memory_gb": round(again_peak / 1e9, 2),
                    "unchanged": again["unchanged"],
                    "created_or_updated": again["created"] + again["updated"],
                },
                "bare_load": bare,
                "ratio_import_to_bare_load": {
                    name: round(csv_seconds / load["seconds"], 2) for name, load in bare.items()
                },
                "xlsx": {
                    "rows": args.xlsx_rows,
                    "seconds": round(xlsx_seconds, 2),
                    "peak_memory_gb": round(xlsx_peak / 1e9, 2),
                    "created": xlsx_summary["created"],
                },
                "django_import_export": iie,
                "speedup_over_django_import_export": round(ours_rate / iie["rows_per_second"], 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
