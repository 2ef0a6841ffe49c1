"""Programmes benchmark: drafting, signing, diffing and the lampiran files at the sizes of
issue 15, on a registry of a million people.

    .venv/bin/python bench/programmes.py --database sqlite
    DATABASE_URL=postgres://… .venv/bin/python bench/programmes.py --database postgres
    .venv/bin/python bench/programmes.py --people 100000 --signed 50000   # a quick look

Steps, each timed alone in this process (the services a page, the API and the CLI call):

1. **registry**: ``--people`` synthetic workers of Kota Semarang (``synthetic.people``,
   every occupation of the default mix, ages 18–65) written with ``people_bulk_create``; not
   one of the issue's figures, the set-up.
2. **draft**: a programme over every category with a quota of ``--signed`` people;
   ``decree_draft`` reads the whole registry, judges each person rule by rule (region, status,
   age, category, double funding, exclusion lists, near-duplicates), ranks the eligible and
   fits them to the quota and the budget, and writes one entry per person considered.
3. **sign**: ``decree_sign`` of that draft: the ``--signed`` people frozen (name, NIK cipher,
   address, occupation… as they are now) and their memberships started.
4. **diff**: 2 % of the members die in the registry, a second version from July is drafted
   (replacements come in from the ranked list) and signed; ``decree_diff`` of the two
   versions of ``--signed`` people each, removals with their reasons.
5. **xlsx**: the lampiran of a signed version of ``--xlsx-rows`` people (another programme
   of the next year, so nobody is funded twice), full NIKs, through ``lampiran_export``.
6. **pdf**: the PDF lampiran of a signed version of ``--pdf-rows`` people, through the same
   function with a progress callback (what the background task records).

Prints one JSON document: seconds per step (wall, and CPU of this process and its PDF
workers: on a shared machine the second says what a step costs), rows, the peak memory of
this process and of its PDF workers (ru_maxrss), and the load average before and after. Not a
timed test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
REGENCY = "33.74"  # Kota Semarang: 177 kelurahan


#: CPU seconds of each step (this process and its PDF workers, user + system): on a shared
#: machine the wall time says how long a user waited, the CPU time what the step costs.
CPU: dict[str, float] = {}


def _cpu() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(timings: dict[str, float], step: str, work: Callable[[], T]) -> T:
    subprocess.run(["sync"], check=False)  # what earlier steps wrote is not charged to this one
    cpu = _cpu()
    started = time.perf_counter()
    result = work()
    timings[step] = round(time.perf_counter() - started, 2)
    CPU[step] = round(_cpu() - cpu, 2)
    print(
        f"[bench] {step}: {timings[step]} s, cpu {CPU[step]} s (load {os.getloadavg()[0]:.2f})",
        file=sys.stderr,
    )
    return result


def _peak_gb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024**2, 2)


def _machine() -> dict[str, Any]:
    total = None
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            total = round(int(line.split()[1]) / 1024**2, 1)
    return {
        "cpus": os.cpu_count(),
        "memory_gb": total,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _environment(database: str, folder: Path) -> str:
    os.environ.update({"JARING_VAR_DIR": str(folder), "JARING_ENV": "demo", "JARING_DEBUG": "0"})
    if database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--database postgres needs DATABASE_URL=postgres://…")
    os.environ["DJANGO_SETTINGS_MODULE"] = "jaring.settings"
    return os.environ["DATABASE_URL"]


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    if args.database == "postgres":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)
    call_command("regions", "load", verbosity=0, stdout=io.StringIO())

    import polars as pl

    from jaring.audit.models import Channel
    from jaring.programmes.lampiran import lampiran_export
    from jaring.programmes.models import DecreeMember
    from jaring.programmes.selectors import decree_diff
    from jaring.programmes.services import (
        decree_draft,
        decree_sign,
        draft_summary,
        programme_create,
    )
    from jaring.registry.models import Person
    from jaring.registry.models.people import PersonStatus
    from jaring.registry.services import people_bulk_create
    from jaring.rules.months import Month
    from jaring.synthetic.people import generate_people

    timings: dict[str, float] = {}
    counts: dict[str, Any] = {}
    load_before = os.getloadavg()

    people = _timed(
        timings,
        "generate",
        lambda: generate_people(
            args.people, regency=REGENCY, seed=args.seed, reference_date=date(2025, 1, 1)
        ).with_columns(occupation_match=pl.lit("synonym")),
    )
    _timed(timings, "registry", lambda: people_bulk_create(people))
    people = people.clear()

    def programme(name: str, year: int, quota: int) -> Any:
        created, _ = programme_create(
            user=None,
            region_code=REGENCY,
            name=name,
            year=year,
            funder="apbd",
            quota=quota,
            budget=quota * 16_800 * 12,
            legal_basis="Perwal Semarang 1/2025",
        )
        return created

    def sign(decree: Any, number: str, on: date) -> Any:
        return decree_sign(
            user=None, decree=decree, number=number, signed_on=on, signatory_name="BENCH"
        )

    main = programme("Pekerja rentan APBD 2025", 2025, args.signed)
    first = _timed(timings, "draft", lambda: decree_draft(user=None, programme=main))
    counts["draft"] = {
        k: v
        for k, v in draft_summary(first).as_dict().items()
        if k in ("people", "eligible", "over_quota", "excluded", "considered", "total_iuran")
    }
    first = _timed(timings, "sign", lambda: sign(first, "050/1/2025", date(2024, 12, 20)))
    counts["signed"] = DecreeMember.objects.filter(decree=first).count()

    members = DecreeMember.objects.filter(decree=first).order_by("position")
    dying = list(members.values_list("person_id", flat=True)[: args.signed // 50])
    Person.objects.filter(pk__in=dying).update(status=PersonStatus.DECEASED)
    second = _timed(
        timings,
        "draft_second_version",
        lambda: decree_draft(user=None, programme=main, first_month=Month(2025, 7)),
    )
    second = _timed(
        timings, "sign_second_version", lambda: sign(second, "050/2/2025", date(2025, 6, 20))
    )
    difference = _timed(timings, "diff", lambda: decree_diff(first, second))
    counts["diff"] = difference.as_dict()

    def export(quota: int, year: int, file_format: str, step: str) -> dict[str, Any]:
        other = programme(f"Pekerja rentan APBD {year}", year, quota)
        decree = sign(
            decree_draft(user=None, programme=other), f"050/1/{year}", date(year - 1, 12, 20)
        )
        output = io.BytesIO()
        ticks: list[tuple[int, int]] = []
        rows = _timed(
            timings,
            step,
            lambda: lampiran_export(
                decree=decree,
                user=None,
                channel=Channel.CLI,
                file_format=file_format,
                output=output,
                progress=lambda done, total: ticks.append((done, total)),
            ),
        )
        return {"rows": rows, "bytes": len(output.getvalue()), "progress_calls": len(ticks)}

    counts["xlsx"] = export(args.xlsx_rows, 2026, "xlsx", "xlsx")
    counts["pdf"] = export(args.pdf_rows, 2027, "pdf", "pdf")

    return {
        "benchmark": "programmes",
        "database": args.database,
        "people": args.people,
        "seconds": timings,
        "cpu_seconds": CPU,
        "counts": counts,
        "peak_memory_gb": {
            "process": _peak_gb(resource.RUSAGE_SELF),
            "pdf_workers": _peak_gb(resource.RUSAGE_CHILDREN),
        },
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "machine": _machine(),
        "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--signed", type=int, default=500_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--pdf-rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jaring-bench-programmes-") as folder:
        _environment(args.database, Path(folder))
        print(json.dumps(run(args), indent=1))


if __name__ == "__main__":
    main()
