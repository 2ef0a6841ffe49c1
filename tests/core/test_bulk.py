"""Bulk writing: indexes built after a large insert into a small table, SQLite's scratch-file
path for large frames, and lookups by key."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from jaring.core import bulk
from jaring.core.scratch import scratch_folder
from jaring.registry.models import ImportProblem, Person
from jaring.registry.services import people_bulk_create
from jaring.synthetic.people import generate_people
from tests.conftest import APPS_WITHOUT_REGIONS


# The model's indexes and its unique constraint on the NIK's blind index (an index of its own),
# and on PostgreSQL the trigram index on names.
def _person_indexes() -> set[str]:
    names = {index.name for index in Person._meta.indexes} | {"person_nik_unique"}
    if connection.vendor == "postgresql":
        names |= {index.name for index in Person.postgresql_indexes}
    return names


def _unsaved_people(n: int, *, seed: int) -> pl.DataFrame:
    return generate_people(n, regency="35.71", seed=seed).with_columns(
        occupation_code=pl.lit(None, dtype=pl.String),
        occupation_match=pl.lit("unclassified"),
    )


def _indexes_in_database() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    return {name for name in found if name in _person_indexes()}


def _dropped(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DROP INDEX")]


@pytest.fixture
def low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM_ROWS", 100)


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_a_large_insert_into_a_small_table_builds_the_indexes_afterwards(
    low_threshold: None, add_people: Callable[..., pl.DataFrame]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        people = add_people(300, "35.71")
    assert len(_dropped(queries)) == len(_person_indexes())
    assert _indexes_in_database() == _person_indexes()
    # The rebuilt indexes hold every row.
    village = people["village_code"][0]
    assert (
        Person.objects.filter(region_id=village).count()
        == (people["village_code"] == village).sum()
    )


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_a_small_insert_into_a_larger_table_goes_through_the_indexes(
    low_threshold: None, add_people: Callable[..., pl.DataFrame]
) -> None:
    add_people(300, "35.71")
    with CaptureQueriesContext(connection) as queries:
        add_people(200, "36.72", seed=2)
    assert _dropped(queries) == []
    assert Person.objects.count() == 500


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_a_failed_insert_leaves_the_indexes_and_no_rows(low_threshold: None) -> None:
    people = _unsaved_people(150, seed=3)
    # The same NIK twice: the unique index, built again after the rows are in, refuses them
    # and the whole insert goes back.
    repeated = pl.concat([people, people.head(1)])
    with pytest.raises(IntegrityError):
        people_bulk_create(repeated)
    assert Person.objects.count() == 0
    assert _indexes_in_database() == _person_indexes()


@pytest.mark.django_db
def test_rows_matching_finds_exactly_the_given_keys(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    add_people(40, "35.71")
    stored = dict(Person.objects.values_list("nik_index", "id"))
    wanted = [*list(stored)[:25], "not-a-key", "another-missing-key", next(iter(stored))]
    schema = {"nik_index": pl.String(), "id": pl.Int64()}
    found = bulk.rows_matching(Person, "nik_index", wanted, ["nik_index", "id"], schema)
    assert sorted(found.rows()) == sorted((key, stored[key]) for key in list(stored)[:25])
    assert found.schema == schema
    none = bulk.rows_matching(Person, "nik_index", [], ["id"], {"id": pl.Int64()})
    assert none.is_empty() and none.schema == {"id": pl.Int64()}


def _attached() -> list[str]:
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        return [row[1] for row in cursor.fetchall() if row[1] not in {"main", "temp"}]


@pytest.fixture
def low_scratch_threshold(monkeypatch: pytest.MonkeyPatch, transactional_db: None) -> None:
    """SQLite writes frames of 100 rows and more through a scratch file (PostgreSQL: COPY),
    starting with none attached (an earlier test's rolled-back one stays until a commit)."""
    monkeypatch.setattr(bulk, "SCRATCH_FROM_ROWS", 100)
    with connection.cursor() as cursor:
        for name in _attached():
            cursor.execute(f"DETACH DATABASE {name}")


def _scratch_files() -> list[Path]:
    if connection.vendor != "sqlite":
        return []
    return list(scratch_folder().glob("jaring-bulk-*"))


def _copy_statements(queries: CaptureQueriesContext) -> list[str]:
    first_words = ("ATTACH DATABASE", "INSERT INTO")
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(first_words)]


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_a_large_insert_stores_every_value_and_leaves_nothing_behind(
    low_scratch_threshold: None, add_people: Callable[..., pl.DataFrame]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        people = add_people(300, "35.71")
    statements = _copy_statements(queries)
    if connection.vendor == "sqlite":
        # One INSERT … SELECT from the attached scratch file, not an INSERT per row.
        assert statements[0].startswith("ATTACH DATABASE")
        assert statements[1].startswith('INSERT INTO "registry_person"')
        assert "SELECT" in statements[1]
    else:
        # COPY goes through psycopg directly, unseen here; the point is that no INSERT writes
        # the people (the people tally's one upsert of their counts is not a row of theirs).
        assert not [s for s in statements if s.startswith('INSERT INTO "registry_person"')]
    stored = pl.DataFrame(
        list(Person.objects.values_list("id", "name", "birth_date", "region_id", "income_basis")),
        schema=["id", "name", "birth_date", "region_id", "income_basis"],
        orient="row",
    ).sort("id")
    assert stored["id"].to_list() == people["id"].to_list()
    assert stored["name"].to_list() == people["name"].str.strip_chars().to_list()
    assert stored["birth_date"].to_list() == people["birth_date"].to_list()
    assert stored["region_id"].to_list() == people["village_code"].to_list()
    assert stored["income_basis"].to_list() == people["income_basis"].to_list()
    # Encrypted values (blob columns) come back whole.
    first = Person.objects.get(pk=people["id"][0])
    assert (first.nik, first.phone or None) == (people["nik"][0], people["phone"][0])
    # Scratch files are detached after the commit, and gone from the disk.
    assert _attached() == []
    assert _scratch_files() == []


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_after_a_failed_large_insert_the_next_one_works(low_scratch_threshold: None) -> None:
    people = _unsaved_people(150, seed=3)
    with pytest.raises(IntegrityError):
        people_bulk_create(pl.concat([people, people.head(1)]))
    assert Person.objects.count() == 0
    # A rolled-back transaction's scratch file is detached by the next copy.
    people_bulk_create(people)
    assert Person.objects.count() == 150
    assert _attached() == []


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_many_large_inserts_in_one_transaction_all_land(low_scratch_threshold: None) -> None:
    # SQLite attaches a limited number of databases, and a scratch file read in a transaction
    # can only be detached when it ends: past the limit the rows go by executemany.
    with transaction.atomic():
        for seed in range(12):
            people = _unsaved_people(120, seed=seed + 10)
            people_bulk_create(people)
        if connection.vendor == "sqlite":
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)
            assert len(_attached()) == limit < 12
    assert Person.objects.count() == 12 * 120
    assert _attached() == []


def _problems(n: int, *, code: str = "NIK_INVALID") -> pl.DataFrame:
    return pl.DataFrame(
        {"batch_id": 1, "sheet": "", "row_number": range(1, n + 1), "code": code,
         "severity": "error", "column": "NIK", "params": '{"value": "x"}'}
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
def test_several_tables_in_one_go_keep_their_order_and_a_later_failure_writes_nothing(
    low_scratch_threshold: None,
) -> None:
    def broken(chunk: pl.DataFrame) -> pl.DataFrame:
        raise ValueError("bad chunk")

    with pytest.raises(ValueError, match="bad chunk"), transaction.atomic():
        bulk.copy_frames(
            bulk.FrameCopy(ImportProblem, _problems(300)),
            bulk.FrameCopy(ImportProblem, _problems(200, code="SEX_UNREADABLE"), prepare=broken),
        )
    assert ImportProblem.objects.count() == 0
    assert _scratch_files() == []

    with transaction.atomic():
        bulk.copy_frames(
            bulk.FrameCopy(ImportProblem, _problems(300)),
            bulk.FrameCopy(ImportProblem, _problems(5, code="SEX_UNREADABLE")),  # executemany
            bulk.FrameCopy(ImportProblem, _problems(0)),
        )
    codes = list(ImportProblem.objects.order_by("id").values_list("code", flat=True))
    assert codes == ["NIK_INVALID"] * 300 + ["SEX_UNREADABLE"] * 5
    assert _attached() == []


@pytest.mark.django_db
def test_an_update_unless_changed_leaves_rows_written_meanwhile() -> None:
    ids = people_bulk_create(_unsaved_people(3, seed=4)).to_list()
    read = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    Person.objects.filter(pk=ids[1]).update(name="Ditulis Sementara")  # someone else, meanwhile
    frame = pl.DataFrame(
        {"id": ids, "name": ["Baru A", "Baru B", "Baru C"], "name__was": [read[i] for i in ids]}
    )
    with transaction.atomic():
        updated = bulk.update_from_frame(Person, frame, key=["id"], unless_changed=["name"])
    assert updated == 2
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [names[i] for i in ids] == ["Baru A", "Ditulis Sementara", "Baru C"]


def _analyses(queries: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith("ANALYZE") for q in queries.captured_queries)


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner statistics")
def test_a_copy_that_grows_a_table_by_a_tenth_refreshes_its_statistics(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    # Inside one transaction the planner knows a table as it was at its last ANALYZE:
    # analysed while empty, it stays empty to the planner (the demo's payments on CI ran for
    # an hour in nested loops planned for one row). The copy refreshes it.
    table = Person._meta.db_table

    def analysed() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return float(cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    add_people(1200, "35.71", seed=1)
    assert analysed() == 1200
    # Less than a tenth more: left to autovacuum.
    with CaptureQueriesContext(connection) as queries:
        add_people(110, "35.71", seed=2)
    assert _analyses(queries) == 0 and analysed() == 1200
    # A tenth or more: refreshed.
    with CaptureQueriesContext(connection) as queries:
        add_people(200, "35.71", seed=3)
    assert _analyses(queries) == 1 and analysed() == 1510
