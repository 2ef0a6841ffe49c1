"""Benchmark: the people list, search, a person's page and the people API at province scale.
Prints JSON.

    .venv/bin/python bench/search.py --database sqlite --people 1000000
    DATABASE_URL=postgres://… .venv/bin/python bench/search.py --database postgres \\
        --people 10000000

With ``--database postgres`` the database comes from ``DATABASE_URL`` (it is emptied first);
with ``sqlite`` a fresh file in a temporary folder is used.

- ``load``: ``--people`` registered workers, all in Jawa Tengah (33: about 8,500 desa — the
  province with ~11 million informal workers), written straight into the person table a
  million at a time (COPY on PostgreSQL, Arrow on SQLite); names drawn from Faker's ``id_ID``
  lists and normalised as the import does; one real NIK encrypted for each row, and a few people
  get the blind index of a real NIK for the NIK search;
- ``requests``: each kind of request through Django's test client (the whole view: the
  region restriction, the filters, the template), ``--repeat`` times with varied arguments,
  as a provincial administrator (33), a Kota Semarang administrator (33.74) and a desa
  operator; p50/p95/max in milliseconds. Kinds: the list's first page; pages 10, 100, 500 and
  5,000 (keyset cursors, as the "next" link gives them); a name search written right and one
  with a letter changed; a NIK search; a person's page; the "merged" filter (1 in 2,000 people
  are merged records); the people API's first page, its "next" page, and a name search.

Timings on a shared machine are noisy: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchkit import database_empty, django_setup, load_average

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _frames(n: int, seed: int, chunk: int) -> Any:
    import numpy as np
    import polars as pl

    from jaring.core import crypto
    from jaring.regions.datafiles import read_region_file
    from jaring.registry.names import normalize_names
    from jaring.synthetic.people import _names

    rng = np.random.default_rng(seed)
    moment = datetime(2025, 1, 10, 3, 0, tzinfo=UTC)
    from jaring.registry.models.people import NIK_SLOT

    villages = (
        read_region_file()
        .filter((pl.col("level") == 4) & pl.col("code").str.starts_with("33."))["code"]
        .to_numpy()
    )
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        ids = np.arange(start + 1, start + size + 1)
        female = rng.random(size) < 0.45
        names = pl.Series("name", _names(rng, female), dtype=pl.String)
        birth = np.datetime64("1960-01-01") + rng.integers(0, 46 * 365, size=size).astype(
            "timedelta64[D]"
        )
        yield pl.DataFrame(
            {
                "id": ids,
                # One NIK for all, each cipher bound to its row (the pages decrypt per row).
                "nik_cipher": pl.Series(
                    crypto.encrypt_many(
                        ["3374010101900001"] * size, slot=NIK_SLOT, rows=ids.tolist()
                    ),
                    dtype=pl.Binary,
                ),
                "nik_index": [f"{i:032x}" for i in ids],
                "name": names,
                "name_normalized": normalize_names(names),
                "birth_place": "",
                "birth_date": birth,
                "sex": np.where(female, "P", "L"),
                "address": "",
                "rt_rw": "",
                "region_id": villages[rng.integers(len(villages), size=size)],
                "occupation_text": "",
                "occupation_match": "unclassified",
                "income_basis": 1_000_000,
                # 3 % no longer listed; 1 in 2,000 merged into the row before it.
                "status": np.where(
                    ids % 2000 == 0,
                    "merged",
                    np.where(rng.random(size) < 0.03, "inactive", "registered"),
                ),
                "source_sheet": "",
            }
        ).with_columns(
            merged_into_id=pl.when(pl.col("id") % 2000 == 0).then(pl.col("id") - 1),
            created_at=pl.lit(moment),
            updated_at=pl.lit(moment),
        )


def _load_people(n: int, seed: int) -> dict[str, Any]:
    """The rows a million at a time, in one transaction (core.bulk builds the indexes, the
    trigram index on PostgreSQL too, after the first million)."""
    from django.db import connection, transaction

    from jaring.core import bulk
    from jaring.registry.models import Person

    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Index builds (the trigram GIN index above all) sort in this much memory.
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        frames = _frames(n, seed, 1_000_000)
        # The first million goes in with the indexes dropped and built after it (core.bulk);
        # the rest, when they outnumber it, the same way: built once after all of them, not
        # grown a row at a time (at 10,000,000 the trigram index alone would take longest).
        bulk.copy_frame(Person, next(frames))
        with bulk._indexes_deferred(Person, max(0, n - 1_000_000)):
            for frame in frames:
                bulk.copy_frame(Person, frame)
        copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", [n]
            )
            cursor.execute("VACUUM ANALYZE registry_person")
        else:
            cursor.execute("ANALYZE")
    return {
        "people": n,
        "copy_seconds": round(copied, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": load_average(),
    }


def _users() -> dict[str, Any]:
    from jaring.accounts.models import User, UserRegion
    from jaring.accounts.roles import Role
    from jaring.registry.models import Person

    desa = Person.objects.filter(pk=1).values_list("region_id", flat=True).get()
    users = {}
    for username, role, regions in (
        ("bench.jateng", Role.PROVINCIAL_ADMIN, ("33",)),
        ("bench.semarang", Role.REGENCY_ADMIN, ("33.74",)),
        ("bench.desa", Role.VILLAGE_OPERATOR, (desa,)),
    ):
        user = User.objects.create_user(username=username, password="bench-only", role=role)
        UserRegion.objects.bulk_create([UserRegion(user=user, region_id=c) for c in regions])
        users[username] = user
    return users


def _measure(client: Any, urls: list[str]) -> dict[str, Any]:
    client.get(urls[0])  # warm the caches of the process (templates, the session)
    times = []
    statuses = set()
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95 + 0.5) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "requests": len(times),
        "statuses": sorted(statuses),
    }


def _requests(repeat: int, seed: int) -> dict[str, Any]:
    import random
    from urllib.parse import urlencode

    from django.db.models import Q
    from django.test import Client
    from django.test.utils import override_settings

    from jaring.core import crypto
    from jaring.core.scoping import within_q
    from jaring.registry.models import Person, PersonStatus
    from jaring.registry.paging import _cursor

    rng = random.Random(seed)
    users = _users()
    # NIKs to search: a few people get the blind index of a NIK of their own.
    niks = {}
    for pk in rng.sample(range(1, Person.objects.count() + 1), repeat):
        nik = f"3374{pk:012d}"
        Person.objects.filter(pk=pk).update(nik_index=crypto.blind_index(nik, purpose="nik"))
        niks[pk] = nik
    results: dict[str, Any] = {}
    with override_settings(JARING_BROWSE_PER_HOUR=10**9):
        for username, user in users.items():
            client = Client()
            client.force_login(user)
            visible = (
                Person.objects.filter(within_q("region", user.region_codes or []))
                .filter(status=PersonStatus.REGISTERED)
                .order_by("name_normalized", "id")
            )
            sample = list(visible.values_list("pk", "name_normalized")[:: max(1, 1)][:2000])
            names = [name for _pk, name in sample]
            words = [w for name in names for w in name.split() if len(w) >= 5]
            out: dict[str, Any] = {}
            out["list_first_page"] = _measure(client, ["/orang/"] * repeat)
            for number in (10, 100, 500, 5000):
                offset = (number - 1) * 50 - 1
                rows = list(visible[offset : offset + 1])
                if not rows:
                    continue
                cursor = _cursor(rows[0], number - 1)
                out[f"list_page_{number}"] = _measure(
                    client, [f"/orang/?{urlencode({'after': cursor})}"] * repeat
                )
            typed = [rng.choice(words) for _ in range(repeat)]
            out["search_name"] = _measure(client, [f"/orang/?{urlencode({'q': t})}" for t in typed])
            misspelt = []
            for word in typed:
                i = rng.randrange(1, len(word) - 1)
                misspelt.append(word[:i] + ("y" if word[i] != "y" else "i") + word[i + 1 :])
            out["search_name_misspelt"] = _measure(
                client, [f"/orang/?{urlencode({'q': t})}" for t in misspelt]
            )
            mine = list(
                Person.objects.filter(pk__in=niks)
                .filter(within_q("region", user.region_codes or []))
                .values_list("pk", flat=True)
            )
            nik_urls = [f"/orang/?{urlencode({'q': niks[pk]})}" for pk in mine] or [
                f"/orang/?{urlencode({'q': nik})}" for nik in niks.values()
            ]
            out["search_nik"] = _measure(client, (nik_urls * repeat)[:repeat])
            ids = [pk for pk, _n in rng.sample(sample, min(repeat, len(sample)))]
            out["person_page"] = _measure(client, [f"/orang/{pk}/" for pk in ids])
            out["list_merged"] = _measure(client, ["/orang/?status=merged"] * repeat)
            out["api_first_page"] = _measure(client, ["/api/people/"] * repeat)
            # The API's second page as its "next" link gives it (an export: the provincial
            # administrator has the right; the others get 403 — measured all the same).
            following = client.get("/api/people/").json().get("next") or "/api/people/?page=2"
            out["api_next_page"] = _measure(client, [following] * repeat)
            out["api_search_name"] = _measure(
                client, [f"/api/people/?{urlencode({'q': t})}" for t in misspelt]
            )
            out["people_in_scope"] = Person.objects.filter(
                within_q("region", user.region_codes or []) & ~Q(status=PersonStatus.MERGED)
            ).count()
            results[username] = out
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jaring-bench-search-") as folder:
        django_setup(args.database, Path(folder))
        database_empty(args.database)
        report: dict[str, Any] = {"database": args.database, "load_average_start": load_average()}
        report["load"] = _load_people(args.people, args.seed)
        report["requests"] = _requests(args.repeat, args.seed)
        report["load_average_end"] = load_average()
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
