"""Benchmark: Monev at size — pages and API under 20 concurrent users, the full recomputation of
the tallies, and the update after a 10,000-row import. Prints JSON.

    .venv/bin/python bench/monitoring.py --database sqlite --people 1000000
    DATABASE_URL=postgres://… .venv/bin/python bench/monitoring.py --database postgres \\
        --people 10000000

With ``--database postgres`` the database comes from ``DATABASE_URL`` (it is emptied first);
with ``sqlite`` a fresh file in a temporary folder is used. What is measured:

- ``load``: ``--people`` registered workers written straight into the person table (COPY on
  PostgreSQL, Arrow on SQLite), spread over every desa of all 514 kab/kota, each kab/kota's
  people listed in three monthly lists (a funder per list) between Jan 2024 and Oct 2026 —
  what the registry would hold after its imports; NIK ciphers are placeholders (nothing here
  reads them);
- ``recompute``: ``jaring monev recompute`` — every tally rebuilt from the rows (≤ 60 s);
- ``import_10k``: a clean list of 10,000 new workers imported through the real pipeline into
  Kota Semarang; ``tally_seconds`` is the part spent keeping the tally current (≤ 2 s);
- ``consistent``: after that import, the incremental tally equals a recomputation;
- ``http``: each page and the coverage API served by gunicorn (``--workers`` processes) and
  driven by ``wrk`` with ``--connections`` connections (20 users clicking without pause) for
  ``--duration`` seconds: requests per second, p50, p95 and p99 latency. Pages are cached until
  the next write; ``cold`` gives the same URLs right after a write (the first view of each
  after every write pays the full computation): ``--cold`` requests, one write before each.

Needs ``wrk`` (Debian: ``apt-get install wrk``) and gunicorn. Timings on a shared machine are
noisy: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchkit import database_empty, django_setup, load_average

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    # name: (path, username)
    "dashboard_national": ("/monev/wilayah/ID/", "bench.nasional"),
    "dashboard_province": ("/monev/wilayah/33/", "bench.jateng"),
    "dashboard_kabkota": ("/monev/wilayah/33.74/", "bench.semarang"),
    "home_national": ("/", "bench.nasional"),
    "home_kabkota": ("/", "bench.semarang"),
    "region_page_kabkota": ("/wilayah/33.74/", "bench.semarang"),
    "region_page_province": ("/wilayah/33/", "bench.jateng"),
    "api_coverage_kabkota": ("/api/monev/coverage/?region=33.74", "bench.semarang"),
    "api_coverage_province": ("/api/monev/coverage/?region=33", "bench.jateng"),
}
P95_LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "JSON {\\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d, \\"requests\\": %d, "
    .. "\\"errors\\": %d, \\"non2xx\\": %d}\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
"""


def _say(text: str) -> None:
    """Progress on stderr (a long run shows where it is)."""
    print(time.strftime("%H:%M:%S"), text, f"(load {load_average()})", file=sys.stderr, flush=True)


def _people_frames(n: int, seed: int, chunk: int) -> Any:
    """The person rows, a chunk at a time, and the lists they came from."""
    import numpy as np
    import polars as pl

    from jaring.regions.datafiles import read_region_file
    from jaring.registry.models import ImportBatch, ImportStatus
    from jaring.registry.occupations import TAXONOMY

    rng = np.random.default_rng(seed)
    villages = read_region_file().filter(pl.col("level") == 4)["code"].to_numpy()
    regencies = sorted({v[:5] for v in villages})
    months = [(2024 + m // 12, m % 12 + 1) for m in range(34)]  # Jan 2024 – Oct 2026
    funders = ["apbd", "dbhcht", "csr", "baznas"]
    batches, moments = [], []
    for regency in regencies:
        for month_index in sorted(rng.choice(len(months), 3, replace=False)):
            year, month = months[month_index]
            moments.append(f"{year}-{month:02d}-10T03:00:00")
            batches.append(
                ImportBatch(
                    file=f"bench/{regency}-{year}{month:02d}.csv",
                    file_name=f"daftar-{regency}-{year}-{month:02d}.csv",
                    file_sha256="0" * 64,
                    file_size=0,
                    region_id=regency,
                    source_name="bench",
                    funder=funders[int(rng.integers(len(funders)))],
                    status=ImportStatus.COMMITTED,
                )
            )
    batches = ImportBatch.objects.bulk_create(batches)
    created = {b.pk: moment for b, moment in zip(batches, moments, strict=True)}
    by_regency: dict[str, list[int]] = {}
    for b in batches:
        by_regency.setdefault(str(b.region_id), []).append(b.pk)
    occupation_codes = np.array([t.code for t in TAXONOMY])
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        ids = np.arange(start + 1, start + size + 1)
        desa = villages[rng.integers(len(villages), size=size)]
        batch = np.array(
            [by_regency[d[:5]][k] for d, k in zip(desa, rng.integers(3, size=size), strict=True)]
        )
        classified = rng.random(size) < 0.9
        birth = np.datetime64("1960-01-01") + rng.integers(0, 46 * 365, size=size).astype(
            "timedelta64[D]"
        )
        sex = np.where(rng.random(size) < 0.4, "P", "L")
        drawn = occupation_codes[rng.integers(len(occupation_codes), size=size)].tolist()
        frame = pl.DataFrame(
            {
                "id": ids,
                "nik_cipher": pl.Series([b"\x00"] * size, dtype=pl.Binary),
                "nik_index": [f"{i:032x}" for i in ids],
                "name": [f"Pekerja {i}" for i in ids],
                "name_normalized": [f"pekerja {i}" for i in ids],
                "birth_place": "",
                "birth_date": birth,
                "sex": sex,
                "address": "",
                "rt_rw": "",
                "region_id": desa,
                "occupation_text": "",
                # A list, not numpy's object array: polars copied that array's pointers into
                # the column as bytes.
                "occupation_id": pl.Series(
                    [
                        code if known else None
                        for code, known in zip(drawn, classified.tolist(), strict=True)
                    ],
                    dtype=pl.String,
                ),
                "occupation_match": np.where(classified, "synonym", "unclassified"),
                "income_basis": 1_000_000,
                "status": "registered",
                "source_batch_id": batch,
                "source_sheet": "",
                "created_at": pl.Series([created[b] for b in batch]).str.to_datetime(
                    time_zone="UTC"
                ),
            }
        ).with_columns(updated_at=pl.col("created_at"))
        yield frame


def _load_people(n: int, seed: int) -> float:
    from django.db import transaction

    from jaring.core import bulk
    from jaring.registry.models import Person

    started = time.perf_counter()
    if os.environ.get("DATABASE_URL"):
        from django.db import connection

        with connection.cursor() as cursor:
            # The deferred indexes (the trigram index on names among them) are built in memory.
            cursor.execute("SET maintenance_work_mem = '1GB'")
    # One frame, one transaction: the table's indexes are dropped once and built once at the
    # end. In chunks of a million, every chunk after the first found a table at least as large
    # as what came in and grew its indexes row by row (the trigram index on names too).
    for frame in _people_frames(n, seed, n):
        with transaction.atomic():
            bulk.lock_table(Person)
            bulk.copy_frame(Person, frame)
    if os.environ.get("DATABASE_URL"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", [n]
            )
            cursor.execute("ANALYZE")
    return round(time.perf_counter() - started, 1)


def _load_memberships(n: int, seed: int) -> dict[str, Any]:
    """Every registered person made a member of their kab/kota's programme (one programme and
    one signed decree per kab/kota, written straight into the tables as ``jaring sk sign``
    would leave them), and enrolled at BPJS with the months paid: what Monev's tallies count
    ("in an SK", "registered at BPJS", "active" = paid for the month, "lapsed")."""
    from datetime import datetime

    import numpy as np
    import polars as pl
    from django.db import transaction

    from jaring.core import bulk
    from jaring.finance.models import Enrolment
    from jaring.programmes.models import Decree, DecreeStatus, Funder, Membership, Programme
    from jaring.regions.models import Region
    from jaring.registry.models import Person

    started = time.perf_counter()
    rng = np.random.default_rng(seed + 1)
    first = date(2025, 1, 1)
    regencies = list(Region.objects.filter(level=2).values_list("code", flat=True))
    funders = [Funder.APBD, Funder.DBHCHT, Funder.CSR, Funder.BAZNAS]
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                name=f"Perlindungan pekerja rentan {code}",
                region_id=code,
                year=2025,
                funder=funders[i % len(funders)],
                wadah="SG",
                first_month=first,
                months=24,
            )
            for i, code in enumerate(regencies)
        ]
    )
    decrees = Decree.objects.bulk_create(
        [
            Decree(
                programme=p,
                version=1,
                status=DecreeStatus.SIGNED,
                first_month=first,
                last_month=date(2026, 12, 1),
                funder=p.funder,
                age_min=18,
                age_max=65,
                number=f"100.3.3.3/{p.pk}/2025",
                signed_on=date(2024, 12, 20),
            )
            for p in programmes
        ]
    )
    of_regency = pl.DataFrame(
        {
            "regency": [p.region_id for p in programmes],
            "programme_id": [p.pk for p in programmes],
            "decree_id": [d.pk for d in decrees],
            "funder": [p.funder for p in programmes],
        }
    )
    people = bulk.read_frame(
        Person.objects.order_by("id").values_list("id", "region_id", "occupation_id"),
        {"person_id": pl.Int64(), "region_id": pl.String(), "occupation_id": pl.String()},
    )
    size = people.height
    # Joined in 2025 (Jan–Jun); 8 % stopped being paid for after a month of 2025 (they lapse),
    # the rest paid up to Oct 2026; 95 % registered at BPJS, 3 % non-active, 2 % no answer yet.
    start = rng.integers(0, 6, size=size)
    stopped = rng.random(size) < 0.08
    last_paid = np.where(stopped, np.minimum(start + rng.integers(1, 6, size=size), 11), 21)
    paid_mask = ((1 << (last_paid + 1)) - 1) ^ ((1 << start) - 1)
    status = rng.choice(["registered", "inactive", ""], size=size, p=[0.95, 0.03, 0.02])
    now = datetime(2026, 11, 30, 3, 0)
    frame = people.with_columns(
        regency=pl.col("region_id").str.slice(0, 5),
        first_month=pl.date(2025, pl.lit(pl.Series(start.astype("int32"))) + 1, 1),
    ).join(of_regency, on="regency", how="left", maintain_order="left")
    first_month = pl.col("first_month")
    memberships = frame.select(
        id=pl.col("person_id"),
        person_id="person_id",
        programme_id="programme_id",
        decree_id="decree_id",
        region_id="region_id",
        occupation_id="occupation_id",
        funder="funder",
        income_basis=pl.lit(1_000_000),
        jht=pl.lit(False),
        first_month=first_month,
        last_month=pl.lit(date(2026, 12, 1)),
        since_month=first_month,
        ended_by_id=pl.lit(None, dtype=pl.Int64),
        end_reason=pl.lit(""),
        double_funded=pl.lit(False),
        created_at=pl.lit(now),
    )
    enrolments = frame.select(
        id=pl.col("person_id"),
        programme_id="programme_id",
        person_id="person_id",
        region_id="region_id",
        base_month=pl.lit(first),
        paid_mask=pl.Series(paid_mask.astype("int64")),
        kpj=(pl.col("person_id") + 25_000_000_000).cast(pl.String),
        bpjs_status=pl.Series(status),
        bpjs_reason=pl.lit(""),
        bpjs_reason_code=pl.lit(""),
        tmt=first_month,
        response_id=pl.lit(None, dtype=pl.Int64),
        updated_at=pl.lit(now),
    )
    with transaction.atomic():
        bulk.copy_frame(Membership, memberships)
        bulk.copy_frame(Enrolment, enrolments)
    if os.environ.get("DATABASE_URL"):
        from django.db import connection

        with connection.cursor() as cursor:
            for table in ("programmes_membership", "finance_enrolment"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n])
            cursor.execute("ANALYZE")
    return {
        "programmes": len(programmes),
        "memberships": memberships.height,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _figures_from_rows() -> dict[str, Any]:
    """The national dashboard's figures for October 2026 beside the same counts taken straight
    from the rows: the tallies must give exactly what the rows say."""
    from django.db.models import F

    from jaring.finance.models import Enrolment
    from jaring.finance.selectors.status import lapsed_counts
    from jaring.monitoring.periods import Period
    from jaring.monitoring.selectors import coverage_checked
    from jaring.programmes.models import Membership

    october = date(2026, 10, 1)
    started = time.perf_counter()
    coverage = coverage_checked("", Period.parse("2026-10"))
    seconds = round(time.perf_counter() - started, 2)
    bit = 1 << 21  # October 2026 counted from January 2025
    rows = {
        "in_sk": Membership.objects.filter(
            first_month__lte=october, last_month__gte=october
        ).count(),
        "bpjs_registered": Enrolment.objects.filter(bpjs_status="registered").count(),
        "active": Enrolment.objects.annotate(october=F("paid_mask").bitand(bit))
        .exclude(october=0)
        .count(),
    }
    started = time.perf_counter()
    # Lapsed on the last day of October: every membership joined to its enrolment and the rules
    # engine run on its paid months (what the pages read from the lapse tally instead).
    rows["lapsed"] = sum(lapsed_counts("", length=0, on=date(2026, 10, 31)).values())
    lapsed_seconds = round(time.perf_counter() - started, 2)
    tallies = {name: getattr(coverage, name) for name in rows}
    return {
        "tallies": tallies,
        "rows": rows,
        "equal": tallies == rows,
        "national_coverage_seconds": seconds,
        "lapsed_from_rows_seconds": lapsed_seconds,
    }


def _import_10k(folder: Path, seed: int) -> dict[str, Any]:
    """A 10,000-row list through the real pipeline; the tally's share timed by wrapping the two
    functions the pipeline calls."""
    from django.contrib.auth import get_user_model

    from jaring.registry.imports import services as pipeline
    from jaring.registry.imports.applying import commit
    from jaring.synthetic.people import generate_people, write_clean_list

    spent = {"seconds": 0.0}

    def timed(function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - started

        return wrapper

    created_original, kept_original = commit.people_tally_created, commit.people_tally_kept
    commit.people_tally_created = timed(created_original)
    commit.people_tally_kept = timed(kept_original)
    path = folder / "daftar-10k.csv"
    write_clean_list(generate_people(10_000, regency="33.74", seed=seed + 7), path)
    user = get_user_model().objects.get(username="bench.nasional")
    started = time.perf_counter()
    with path.open("rb") as handle:
        batch = pipeline.import_create(
            source=handle,
            file_name=path.name,
            region_code="33.74",
            source_name="bench 10k",
            user=user,
        )
    summary = pipeline.import_run(batch.pk)
    commit.people_tally_created, commit.people_tally_kept = created_original, kept_original
    return {
        "rows": 10_000,
        "created": summary.get("created"),
        "import_seconds": round(time.perf_counter() - started, 2),
        "tally_seconds": round(spent["seconds"], 3),
    }


def _users() -> dict[str, str]:
    """Session cookies of a national, a provincial and a kab/kota admin."""
    from django.test import Client

    from jaring.accounts.models import User, UserRegion
    from jaring.accounts.roles import Role

    cookies = {}
    for username, role, regions in (
        ("bench.nasional", Role.NATIONAL_ADMIN, ()),
        ("bench.jateng", Role.PROVINCIAL_ADMIN, ("33",)),
        ("bench.semarang", Role.REGENCY_ADMIN, ("33.74",)),
    ):
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username, password="bench-only-password", role=role
        )
        UserRegion.objects.bulk_create(
            [UserRegion(user=user, region_id=c) for c in regions], ignore_conflicts=True
        )
        client = Client()
        client.force_login(user)
        cookies[username] = client.cookies["sessionid"].value
    return cookies


def _serve(port: int, workers: int, folder: Path) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "jaring.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=os.environ.copy(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(240):
        try:
            subprocess.run(
                ["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{port}/masuk/"],
                check=True,
                timeout=5,
            )
            return server
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            time.sleep(1)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


def _wrk(url: str, cookie: str, *, connections: int, duration: int, script: Path) -> dict[str, Any]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stats = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "requests_per_second": float(rate[1]) if rate else None,
        "p50_ms": round(stats["p50"] / 1000, 1),
        "p95_ms": round(stats["p95"] / 1000, 1),
        "p99_ms": round(stats["p99"] / 1000, 1),
        "requests": stats["requests"],
        "errors": stats["errors"] + stats["non2xx"],
    }


def _cold(url: str, cookie: str, times: int) -> dict[str, Any]:
    """One request right after a write (a bumped version), ``times`` times."""
    from django.db import transaction

    from jaring.core.tallies import data_version_bump

    seconds = []
    for _ in range(times):
        with transaction.atomic():
            data_version_bump("bench")
        started = time.perf_counter()
        subprocess.run(
            ["curl", "-sf", "-o", "/dev/null", "-H", f"Cookie: sessionid={cookie}", url], check=True
        )
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {
        "median_ms": round(seconds[len(seconds) // 2] * 1000, 1),
        "max_ms": round(seconds[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-memberships",
        dest="memberships",
        action="store_false",
        help="Only registered people: no programme, decree, membership or BPJS enrolment",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the SQLite folder here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jaring-bench-monev-"))
    folder.mkdir(parents=True, exist_ok=True)
    django_setup(args.database, folder)
    result: dict[str, Any] = {
        "database": args.database,
        "people": args.people,
        "load_average_before": load_average(),
    }
    database_empty(args.database)
    result["load_seconds"] = _load_people(args.people, args.seed)
    _say(f"people written in {result['load_seconds']} s")
    if args.memberships:
        result["memberships"] = _load_memberships(args.people, args.seed)
        _say(f"memberships written: {result['memberships']}")
    from jaring.monitoring.services import tallies_recompute

    started = time.perf_counter()
    rebuilt = tallies_recompute()
    result["recompute"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "tally_rows": sum(r.rows for r in rebuilt),
        "stages": {r.tally: r.seconds for r in rebuilt},
    }
    _say(f"recomputed: {result['recompute']}")
    if args.memberships:
        result["figures"] = _figures_from_rows()
        _say(f"figures: {result['figures']}")
    cookies = _users()
    result["import_10k"] = _import_10k(folder, args.seed)
    _say(f"import: {result['import_10k']}")
    from jaring.registry.tallies import people_tally_differences

    started = time.perf_counter()
    result["consistent"] = people_tally_differences().is_empty()
    result["consistency_check_seconds"] = round(time.perf_counter() - started, 1)
    from django.db import connections

    connections.close_all()
    script = folder / "p95.lua"
    script.write_text(P95_LUA)
    server = _serve(args.port, args.workers, folder)
    try:
        base = f"http://127.0.0.1:{args.port}"
        http: dict[str, Any] = {}
        for name, (path, user) in PAGES.items():
            url = base + path
            _wrk(url, cookies[user], connections=2, duration=2, script=script)  # warm up
            http[name] = _wrk(
                url,
                cookies[user],
                connections=args.connections,
                duration=args.duration,
                script=script,
            )
            http[name]["cold"] = _cold(url, cookies[user], args.cold)
            print(name, http[name], file=sys.stderr)
        result["http"] = http
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    result["load_average_after"] = load_average()
    result["machine"] = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2))
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
