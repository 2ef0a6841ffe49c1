"""Fixtures of the finance tests: a programme with a signed decree of known people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest

from jaring.programmes.models import Decree, Programme
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.registry.services import people_bulk_create
from jaring.synthetic.people import generate_people
from tests.programmes.conftest import register

__all__ = ["register"]


@dataclass
class Signed:
    programme: Programme
    decree: Decree
    people: pl.DataFrame


@pytest.fixture
def signed_programme(db: None) -> Callable[..., Signed]:
    """A programme of ``n`` registered people (becak drivers of Kota Kediri by default) with
    its decree signed; keyword arguments go to ``programme_create``."""

    def make(
        n: int,
        *,
        regency: str = "35.71",
        seed: int = 1,
        occupation: str = "becak",
        year: int = 2023,
        first_month: date = date(2023, 9, 1),
        months: int = 4,
        funder: str = "dbhcht",
        signed_on: date = date(2023, 8, 28),
        **fields: object,
    ) -> Signed:
        people = generate_people(n, regency=regency, seed=seed).with_columns(
            occupation_code=pl.lit(occupation),
            occupation_match=pl.lit("synonym"),
            birth_date=pl.lit(date(1980, 5, 17)),
        )
        ids = people_bulk_create(people)
        programme, _ = programme_create(
            user=None,
            region_code=regency,
            name=f"Pekerja rentan {regency}",
            year=year,
            funder=funder,
            first_month=first_month,
            months=months,
            **fields,
        )
        draft = decree_draft(user=None, programme=programme)
        decree = decree_sign(user=None, decree=draft, number="188/1/2023", signed_on=signed_on)
        return Signed(programme, decree, people.with_columns(id=ids))

    return make
