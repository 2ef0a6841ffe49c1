"""Shared fixtures: the real region table in every test database, users of each role, people."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import Role
from jaring.regions.services import regions_load
from jaring.registry.fields import WRITTEN
from jaring.registry.matching import train_model
from jaring.registry.matching.services import model_path
from jaring.registry.models import ImportBatch, ImportRow, ImportStatus, RowAction
from jaring.registry.services import people_bulk_create
from jaring.synthetic.corruption import corrupt_duplicates
from jaring.synthetic.people import generate_people
from jaring.synthetic.registries import SyntheticRegistry, synthetic_registry

# Browser tests talk to a live server thread, which needs committed data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "s3cret-pass-for-tests"


# Transactional and live-server tests commit their data, so Django flushes the tables of these
# apps afterwards. The region table (91,599 rows, loaded once per test database) is left out so
# it survives for the tests after them.
APPS_WITHOUT_REGIONS = [app for app in settings.INSTALLED_APPS if app != "jaring.regions"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the real Kemendagri regions once per test database (``migrate`` has synced the
    occupation taxonomy already)."""
    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the database it fills is rolled back afterwards,
    so the data versions that key cached pages can repeat from one test to the next."""
    cache.clear()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: Role, regions: tuple[str, ...] = ()) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, role=role)
        UserRegion.objects.bulk_create(UserRegion(user=user, region_id=c) for c in regions)
        return user

    return make


@pytest.fixture
def login() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def add_people(db: None) -> Callable[..., pl.DataFrame]:
    """Create ``n`` synthetic people in a kab/kota (or a desa inside it); returns them with ids."""

    def add(n: int, regency: str, *, seed: int = 1, within: str | None = None) -> pl.DataFrame:
        people = generate_people(n, regency=regency, seed=seed, within=within).with_columns(
            occupation_code=pl.lit(None, dtype=pl.String),
            occupation_match=pl.lit("unclassified"),
        )
        ids = people_bulk_create(people)
        return people.with_columns(id=ids)

    return add


@pytest.fixture
def kediri_and_cilegon(
    add_people: Callable[..., pl.DataFrame],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return add_people(30, "35.71", seed=1), add_people(30, "36.72", seed=2)


# --- a registry with known duplicates (matching tests, page and browser tests) ------------------


def _list_batch(region: str, source: str, funder: str = "") -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=f"{source}.xlsx",
        file_sha256="",
        file_size=0,
        region_id=region,
        source_name=source,
        funder=funder,
        status=ImportStatus.COMMITTED,
    )


def _register(people: pl.DataFrame, batch: ImportBatch) -> pl.DataFrame:
    """People as an import would leave them: persons plus the list rows naming them."""
    people = people.with_columns(
        occupation_code=pl.lit(None, dtype=pl.String), occupation_match=pl.lit("unclassified")
    )
    # As an import leaves them: each person points at the list row that created it.
    people = people.with_columns(_sheet=pl.lit(""), _row=pl.int_range(2, people.height + 2))
    ids = people_bulk_create(people.select(*WRITTEN, "_sheet", "_row"), batch_id=batch.pk)
    ImportRow.objects.bulk_create(
        ImportRow(
            batch=batch,
            row_number=i + 2,
            state="accepted",
            action=RowAction.CREATED,
            person_id=pid,
            name=name,
        )
        for i, (pid, name) in enumerate(zip(ids.to_list(), people["name"].to_list(), strict=True))
    )
    return people.with_columns(id=ids)


@pytest.fixture(scope="session")
def synthetic() -> SyntheticRegistry:
    """A small registry with known duplicates and look-alikes (matching and its generator)."""
    return synthetic_registry(4_000, seed=11, n_new=300)


def training_registry() -> pl.DataFrame:
    """What the tests' model is trained on (and bench/national.py's): 4,000 people of Kota
    Kediri and 300 copies written differently."""
    columns = ["nik", "name", "birth_date", "sex", "village_code", "phone"]
    base = generate_people(4000, regency="35.71", seed=21)
    copies = corrupt_duplicates(
        base.head(300).select(*columns, "village_name", "kecamatan_code"),
        villages=base.select("village_code", "village_name", "kecamatan_code")
        .unique()
        .with_columns(regency=pl.lit("35.71")),
        neighbours={"35.71": "35.06"},
        rng=np.random.default_rng(5),
    )
    return (
        pl.concat([base.select(columns), copies.select(columns)])
        .with_row_index("person_id", offset=1)
        .with_columns(pl.col("person_id").cast(pl.Int64))
    )


@pytest.fixture(scope="session")
def trained_model_file(django_db_setup: None) -> None:
    """Train once per test session on a synthetic registry with known duplicates."""
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    train_model(training_registry(), seed=1).save(path)


@pytest.fixture
def duplicate_registry(trained_model_file: None) -> dict[str, pl.DataFrame]:
    """Kota Kediri's main list, and a second list repeating 40 of its people with typos in the
    name and one NIK digit wrong — the duplicates the queue must surface."""
    main = _register(
        generate_people(1200, regency="35.71", seed=31),
        _list_batch("35.71", "SK 2024", funder="apbd"),
    )
    originals = main.head(40)
    twisted = originals.with_columns(
        name=pl.lit("H. ") + pl.col("name"),
        # One wrong digit in the serial: a new NIK, so exact-NIK matching misses it.
        nik=pl.col("nik").str.slice(0, 15)
        + ((pl.col("nik").str.slice(15, 1).cast(pl.Int64) + 1) % 10).cast(pl.String),
    )
    second = _register(twisted, _list_batch("35.71", "Daftar kader", funder="csr"))
    return {"main": main, "originals": originals, "second": second}
