"""Fixtures of the national tests: signed programmes with paid months in two regions, and the
national key."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from django.test import override_settings

from jaring.core import crypto
from jaring.finance.models import Enrolment
from jaring.finance.months import range_mask
from jaring.finance.services.common import enrolments_create, enrolments_frame
from jaring.finance.tallies import enrolment_tallies_kept
from jaring.national.exports import PARTS, SCHEMA_VERSION, nik_index_columns, write_parts
from jaring.registry.names import normalize_names
from jaring.synthetic.corruption import DuplicateMix, corrupt_duplicates
from jaring.synthetic.people import generate_people
from tests.finance.conftest import Signed, signed_programme

__all__ = ["signed_programme"]

KEY = "national-test-key-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"
OTHER_KEY = "another-national-key-" + "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvu"


@pytest.fixture
def national_key() -> Iterator[str]:
    with override_settings(JARING_NATIONAL_KEY=KEY):
        yield KEY


def pay(signed: Signed, first: date, last: date, *, every: int = 1) -> int:
    """Enrol the programme's members and mark ``first``..``last`` paid for every ``every``-th
    one; returns how many were paid."""
    members = signed.people.select(
        pl.col("id").alias("person_id"), pl.col("village_code").alias("region_id")
    )
    programme = signed.programme
    enrolments_create(programme, members, enrolments_frame(programme))
    chosen = members["person_id"].to_list()[::every]
    rows = Enrolment.objects.filter(programme=programme, person_id__in=chosen)
    with enrolment_tallies_kept(rows):
        rows.update(paid_mask=range_mask(first, last, programme.first_month))
    return len(chosen)


@pytest.fixture
def two_regions(signed_programme: Callable[..., Signed]) -> dict[str, Signed]:
    """Kota Kediri (35.71: 12 people, Sep–Dec 2023, 6 paid Sep–Oct) and Kota Cilegon (36.72:
    8 people, Oct–Dec 2023, all paid Oct)."""
    kediri = signed_programme(12, regency="35.71", seed=1)
    cilegon = signed_programme(
        8,
        regency="36.72",
        seed=2,
        first_month=date(2023, 10, 1),
        months=3,
        signed_on=date(2023, 9, 20),
    )
    pay(kediri, date(2023, 9, 1), date(2023, 10, 1), every=2)
    pay(cilegon, date(2023, 10, 1), date(2023, 10, 1))
    return {"35.71": kediri, "36.72": cilegon}


# --- Spark: one local session for the whole test run ---------------------------------------------


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """One Spark session (local[2], 2 GB, no UI, 4 shuffle partitions) for every Spark test:
    starting the JVM costs ~10 s, a query on tiny data a second or two."""
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (scripts/system-packages installs OpenJDK 17)")
    from jaring.national.engines import spark_session

    session = spark_session()
    yield session
    session.stop()


def synthetic_exports(
    folder: Path,
    regencies: dict[str, int],
    *,
    seed: int = 7,
    key: str = KEY,
    shared: int = 0,
    written_differently: bool = False,
    extra: dict[str, pl.DataFrame] | None = None,
) -> list[Path]:
    """Export folders made straight from the synthetic generator (no database): per kab/kota
    ``n`` people registered between Jan 2023 and Jun 2024, about 70 % in a membership of 3–12
    months from 2023 on, each covered month paid with probability 0.8. ``shared``: the first
    kab/kota's first ``shared`` people are registered again in each other one (same NIK, name,
    birth date and phone; a desa there) — cross-region duplicates. ``written_differently``:
    each such copy is changed in one field or more as lists do
    (:func:`jaring.synthetic.corruption.corrupt_duplicates`: a typo or an honorific in the
    name, a NIK digit wrong, the birth date swapped or missing, another phone). ``extra``:
    rows of :func:`generate_people`'s columns added last to a kab/kota's people."""
    rng = np.random.default_rng(seed)
    folders = []
    next_id = 1
    origin: pl.DataFrame | None = None
    for regency, n in regencies.items():
        people = generate_people(n, regency=regency, seed=seed + next_id)
        if origin is None:
            origin = people
        elif shared:
            again = origin.head(shared)
            if written_differently:
                again = corrupt_duplicates(
                    again,
                    villages=again.select("village_code", "village_name", "kecamatan_code")
                    .unique()
                    .with_columns(regency=pl.col("village_code").str.slice(0, 5)),
                    neighbours={},
                    rng=rng,
                    mix=DuplicateMix(village=0.0),
                ).drop("dup_kinds")
            again = again.with_columns(
                village_code=pl.Series(people["village_code"].head(shared).to_list())
            )
            people = pl.concat([people, again.select(people.columns)])
            n = people.height
        if extra and regency in extra:
            people = pl.concat([people, extra[regency].select(people.columns)])
            n = people.height
        ids = list(range(next_id, next_id + n))
        next_id += n
        niks = people["nik"].to_list()
        registered = rng.integers(2023 * 12, 2024 * 12 + 6, n)
        frame = pl.DataFrame(
            {
                "person_id": ids,
                **nik_index_columns(niks, key),
                "phone_index": crypto.national_index_many(
                    people["phone"].to_list(), purpose="phone", secret=key
                ),
                "name_norm": normalize_names(people["name"]),
                "birth_date": people["birth_date"],
                "sex": people["sex"],
                "region": people["village_code"],
                "registered_month": [(i // 12) * 100 + i % 12 + 1 for i in registered],
                "registered_index": registered,
                "funder": rng.choice(["apbd", "dbhcht", "csr"], n),
            }
        ).cast(PARTS["people"])  # type: ignore[arg-type]
        members = frame.sample(fraction=0.7, seed=seed).select("person_id", "region", "funder")
        first = rng.integers(2023 * 12, 2024 * 12 + 3, members.height)
        last = first + rng.integers(2, 12, members.height)
        memberships = members.with_columns(
            first_month=pl.Series([(i // 12) * 100 + i % 12 + 1 for i in first]),
            first_index=pl.Series(first),
            last_month=pl.Series([(i // 12) * 100 + i % 12 + 1 for i in last]),
            last_index=pl.Series(last),
        ).cast(PARTS["memberships"])  # type: ignore[arg-type]
        months = memberships.select(
            "person_id",
            "region",
            pl.int_ranges("first_index", pl.col("last_index") + 1).alias("month_index"),
        ).explode("month_index")
        paid = (
            months.filter(pl.Series(rng.random(months.height) < 0.8))
            .select(
                "person_id",
                "region",
                ((pl.col("month_index") // 12) * 100 + pl.col("month_index") % 12 + 1).alias(
                    "month"
                ),
                "month_index",
            )
            .cast(PARTS["paid"])
        )  # type: ignore[arg-type]
        target = folder / regency
        write_parts(
            target,
            {"people": frame, "memberships": memberships, "paid": paid},
            {
                "schema_version": SCHEMA_VERSION,
                "kind": "jaring-national-export",
                "region": regency,
                "regencies": [regency],
                "key_fingerprint": crypto.key_fingerprint(key),
                "created_at": "2026-12-03T00:00:00+00:00",
            },
        )
        folders.append(target)
    return folders
