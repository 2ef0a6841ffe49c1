"""Shared fixtures: the real region table in every test database, users of each role, people."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from django.test import Client

from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import Role
from jaring.regions.services import regions_load
from jaring.registry.services import occupation_taxonomy_sync, people_bulk_create
from jaring.registry.synthetic import generate_people

# Browser tests talk to a live server thread, which needs committed data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "s3cret-pass-for-tests"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the real Kemendagri regions and the occupation taxonomy once per test database."""
    with django_db_blocker.unblock():
        regions_load()
        occupation_taxonomy_sync()


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
        assert client.login(username=user.username, password=PASSWORD)
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
