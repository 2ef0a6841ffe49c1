"""Fixtures of the programmes tests: a small registry with known occupations and ages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import pytest

from jaring.registry.services import people_bulk_create
from jaring.synthetic.people import generate_people


@pytest.fixture
def register(db: None) -> Callable[..., pl.DataFrame]:
    """Register ``n`` synthetic people of a kab/kota (or a desa in it), optionally overriding
    columns (``occupation_code``, ``birth_date``…); returns them with their ids."""

    def make(
        n: int,
        regency: str = "35.71",
        *,
        seed: int = 1,
        within: str | None = None,
        **columns: object,
    ) -> pl.DataFrame:
        people = generate_people(n, regency=regency, seed=seed, within=within).with_columns(
            occupation_match=pl.lit("synonym")
        )
        for name, value in columns.items():
            people = people.with_columns(
                pl.Series(name, value) if isinstance(value, list) else pl.lit(value).alias(name)
            )
        ids = people_bulk_create(people)
        return people.with_columns(id=ids)

    return make


def born(age: int, on: date = date(2024, 1, 1)) -> date:
    """A birth date that makes someone ``age`` years old on ``on``."""
    return on.replace(year=on.year - age)
