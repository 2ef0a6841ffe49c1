"""Bulk writing: indexes built after a large insert into a small table, and lookups by key."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from jaring.core import bulk
from jaring.registry.models import Person
from jaring.registry.services import people_bulk_create
from jaring.registry.synthetic import generate_people

PERSON_INDEXES = {index.name for index in Person._meta.indexes}


def _indexes_in_database() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    return {name for name in found if name in PERSON_INDEXES}


def _dropped(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DROP INDEX")]


@pytest.fixture
def low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM_ROWS", 100)


@pytest.mark.django_db(transaction=True)
def test_a_large_insert_into_a_small_table_builds_the_indexes_afterwards(
    low_threshold: None, add_people: Callable[..., pl.DataFrame]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        people = add_people(300, "35.71")
    assert len(_dropped(queries)) == len(PERSON_INDEXES)
    assert _indexes_in_database() == PERSON_INDEXES
    # The rebuilt indexes hold every row.
    village = people["village_code"][0]
    assert (
        Person.objects.filter(region_id=village).count()
        == (people["village_code"] == village).sum()
    )


@pytest.mark.django_db(transaction=True)
def test_a_small_insert_into_a_larger_table_goes_through_the_indexes(
    low_threshold: None, add_people: Callable[..., pl.DataFrame]
) -> None:
    add_people(300, "35.71")
    with CaptureQueriesContext(connection) as queries:
        add_people(200, "36.72", seed=2)
    assert _dropped(queries) == []
    assert Person.objects.count() == 500


@pytest.mark.django_db(transaction=True)
def test_a_failed_insert_leaves_the_indexes_and_no_rows(low_threshold: None) -> None:
    people = generate_people(150, regency="35.71", seed=3).with_columns(
        occupation_code=pl.lit(None, dtype=pl.String),
        occupation_match=pl.lit("unclassified"),
    )
    # The same NIK twice: the unique constraint stays during the insert and stops it.
    repeated = pl.concat([people, people.head(1)])
    with pytest.raises(IntegrityError):
        people_bulk_create(repeated)
    assert Person.objects.count() == 0
    assert _indexes_in_database() == PERSON_INDEXES


@pytest.mark.django_db
def test_rows_matching_finds_exactly_the_given_keys(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    add_people(40, "35.71")
    stored = dict(Person.objects.values_list("nik_index", "id"))
    wanted = [*list(stored)[:25], "not-a-key", "another-missing-key", next(iter(stored))]
    found = bulk.rows_matching(Person, "nik_index", wanted, ["nik_index", "id"])
    assert sorted(found) == sorted((key, stored[key]) for key in list(stored)[:25])
    assert bulk.rows_matching(Person, "nik_index", [], ["id"]) == []
