"""Benchmark: claims — reporting an event (with its entitlement), the entitlement alone, the
year's summary and the overdue list — on SQLite or PostgreSQL. Prints JSON.

    .venv/bin/python bench/claims.py [--people 20000] [--claims 50000] [--database sqlite|postgres]

Set-up (reported, not timed against a target): ``--people`` synthetic becak drivers of Kota
Semarang in an APBD programme of 2024, its decree signed and its twelve bills issued and paid
(the paid months the entitlement reads); ``--claims`` claim rows written in bulk for the reads
(submitted on dates spread over two years, a tenth of them in a kab/kota with its own holidays,
beside the national ones).

Timed, in this process (Django already started), each the median of ``--repeat`` runs:

- ``claim_open``: ``claims.services.claim_open`` for a death — the person's paid and covered
  months read, the rules engine's entitlement, lines and findings stored, the person marked
  deceased, memberships ended and drafts updated, all in one transaction (a new person each run);
- ``entitlement``: the read and the rules engine alone (``coverage_of`` + ``entitlement``);
- ``summary``: ``claims_summary`` for the year (what ``jaring claims summary --json`` prints);
- ``overdue``: the overdue list over every submitted claim (deadlines column-wise: the holidays
  read once, numpy's business-day functions per calendar);
- ``overdue_per_claim_estimate``: the same deadlines the way an earlier attempt computed them —
  holidays read for each claim, then ``rules.claims.add_working_days`` — on 500 claims, scaled to
  all of them (a comparison, not a target).

Timings on a shared or busy machine are noisy: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REGENCY = "33.74"  # Kota Semarang


def _setup_environment(database: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "JARING_VAR_DIR": str(folder), "JARING_ENV": "demo", "JARING_DEBUG": "0"}
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    elif not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--database postgres needs DATABASE_URL=postgres://…")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jaring.settings"
    return env


def _jaring(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "jaring", *args], env=env, check=True)


def _median(fn: Callable[[int], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for i in range(repeat):
        started = time.perf_counter()
        result = fn(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="jaring-bench-claims-"))
    env = _setup_environment(args.database, folder)
    if args.database == "postgres":
        _jaring(env, "flush", "--no-input")
    _jaring(env, "migrate", "--no-input", "-v", "0")
    _jaring(env, "regions", "load")

    import django

    django.setup()
    import numpy as np
    import polars as pl

    from jaring.claims.models import Claim, ClaimStatus
    from jaring.claims.selectors import claims_summary, overdue
    from jaring.claims.services import claim_open, coverage_of
    from jaring.finance.models import Holiday
    from jaring.finance.services import bill_issue, payment_record
    from jaring.finance.services.bills import holidays_near
    from jaring.programmes.services import decree_draft, decree_sign, programme_create
    from jaring.regions.models import Region
    from jaring.registry.models import Person
    from jaring.registry.services import people_bulk_create
    from jaring.rules.claims import add_working_days, entitlement
    from jaring.rules.months import Month
    from jaring.synthetic.people import generate_people

    setup: dict[str, float] = {}
    started = time.perf_counter()
    people = generate_people(args.people, regency=REGENCY, seed=args.seed).with_columns(
        occupation_code=pl.lit("becak"),
        occupation_match=pl.lit("synonym"),
        birth_date=pl.lit(date(1980, 5, 17)),
    )
    ids = people_bulk_create(people).to_list()
    setup["people"] = time.perf_counter() - started
    started = time.perf_counter()
    programme, _ = programme_create(
        user=None,
        region_code=REGENCY,
        name="Bench APBD 2024",
        year=2024,
        funder="apbd",
        first_month=date(2024, 1, 1),
        months=12,
    )
    decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=programme),
        number="BENCH/1/2024",
        signed_on=date(2023, 12, 20),
    )
    setup["decree"] = time.perf_counter() - started
    started = time.perf_counter()
    for m in range(1, 13):
        bill = bill_issue(user=None, programme=programme, month=Month(2024, m))[0]
        payment_record(
            user=None, bill=bill, amount=bill.total, paid_on=bill.due_date, reference=f"B{m}"
        )
    setup["bills_paid"] = time.perf_counter() - started

    # Holidays: national ones and a regional set of the kab/kota of a tenth of the claims.
    rng = np.random.default_rng(args.seed)
    days = sorted({date(2024, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 760, 40)})
    Holiday.objects.bulk_create(
        (Holiday(day=d, name="Libur") for d in days[:30]), ignore_conflicts=True
    )
    Holiday.objects.bulk_create(
        Holiday(day=d, name="Libur daerah", kind="regional", region_id="35.71") for d in days[30:]
    )
    started = time.perf_counter()
    regions = list(Person.objects.filter(pk__in=ids[:200]).values_list("region_id", flat=True))
    kediri = list(
        Region.objects.filter(parent__parent_id="35.71").values_list("code", flat=True)[:10]
    )
    first = ids[1000]
    submitted = [
        date(2024, 1, 2) + timedelta(days=int(d)) for d in rng.integers(0, 700, args.claims)
    ]
    Claim.objects.bulk_create(
        (
            Claim(
                person_id=first + i % 5000,
                region_id=kediri[i % len(kediri)] if i % 10 == 0 and kediri else regions[i % 200],
                event="work_injury",
                event_date=day - timedelta(days=20),
                entitled=True,
                total=6_000_000,
                income_basis=1_000_000,
                status=ClaimStatus.SUBMITTED if i % 3 else ClaimStatus.HANDED_OVER,
                submitted_on=day,
                amount_received=None if i % 3 else 6_000_000,
            )
            for i, day in enumerate(submitted)
        ),
        batch_size=5000,
    )
    setup["claims_written"] = time.perf_counter() - started

    living = iter(ids[10_000:])
    steps: dict[str, Any] = {}
    seconds, claim = _median(
        lambda _: claim_open(
            user=None,
            person=Person.objects.get(pk=next(living)),
            event="death",
            event_date=date(2024, 10, 20),
        ),
        args.repeat,
    )
    steps["claim_open"] = {"seconds": round(seconds, 4), "total": claim.total}

    def entitled(i: int) -> int:
        coverage = coverage_of(ids[i], date(2024, 6, 10))
        return entitlement(
            event="death",
            event_date=date(2024, 6, 10),
            paid_months=coverage.paid,
            covered_months=coverage.covered,
        ).total

    seconds, total = _median(entitled, args.repeat)
    steps["entitlement"] = {"seconds": round(seconds, 4), "total": total}
    seconds, summary = _median(lambda _: claims_summary(None, year=2024), args.repeat)
    steps["summary"] = {"seconds": round(seconds, 4), "result": summary.as_dict()}
    on = date(2025, 12, 1)
    seconds, late = _median(lambda _: overdue(None, on=on), max(3, args.repeat // 3))
    on_clock = Claim.objects.filter(status=ClaimStatus.SUBMITTED).count()
    steps["overdue"] = {
        "seconds": round(seconds, 4),
        "claims_on_clock": on_clock,
        "late": late.height,
    }

    sample = list(
        Claim.objects.filter(status=ClaimStatus.SUBMITTED).values_list("submitted_on", "region_id")[
            :500
        ]
    )
    started = time.perf_counter()
    for day, region in sample:
        add_working_days(day, 3, holidays_near(day, region))
    per_claim = (time.perf_counter() - started) / len(sample)
    steps["overdue_per_claim_estimate"] = {
        "seconds": round(per_claim * on_clock, 2),
        "per_claim_ms": round(per_claim * 1000, 3),
    }
    shutil.rmtree(folder, ignore_errors=True)
    print(
        json.dumps(
            {
                "benchmark": "claims",
                "database": args.database,
                "people": args.people,
                "claims": args.claims,
                "repeat": args.repeat,
                "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
                "setup_seconds": {k: round(v, 1) for k, v in setup.items()},
                **steps,
            },
            indent=2,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
