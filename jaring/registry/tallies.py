"""Keeping :class:`~jaring.registry.models.PeopleTally` equal to the registered people.

Every write that creates people, or changes a counted person's region, occupation, sex, birth
date or status, calls one of these inside its own transaction:

- :func:`people_tally_created` after people are inserted (a range of new ids: one group-by);
- :func:`people_tally_kept` around a write of known people (their counted rows are read before
  and after, and the difference is applied) — merges, status changes, import updates, edits.

:func:`people_tally_rebuild` recomputes the table from every row (``jaring monev recompute``),
and :func:`people_tally_differences` compares it with the rows (the consistency tests).

A person counts as two flows, as a membership does: +1 in the month first registered and, once
they leave (inactive, deceased, merged), -1 in the month of ``status_date``. Summed up to a month
M the flows give the people registered at the end of M, so a death in March 2026 leaves the
February count as it was (ADR 0011).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from jaring.core.bulk import read_sql_frame
from jaring.core.tallies import (
    date_month_sql,
    date_year_sql,
    local_month_sql,
    tally_apply,
    tally_differences,
    tally_rebuild,
)
from jaring.registry.models import ImportBatch, PeopleTally, Person, PersonStatus

_ROWS_SCHEMA = {
    "region": pl.String,
    "month": pl.Int32,
    "occupation": pl.String,
    "sex": pl.String,
    "birth_year": pl.String,
    "funder": pl.String,
    "occupation_match": pl.String,
    "n": pl.Int64,
}
_DIMENSIONS = [c for c in _ROWS_SCHEMA if c not in ("region", "month", "n")]
# One row per counted person, as the database gives it.
_PEOPLE_SCHEMA = {
    "region": pl.String,
    "created": pl.Int32,
    "occupation": pl.String,
    "sex": pl.String,
    "birth_year": pl.Int32,
    "funder": pl.String,
    "occupation_match": pl.String,
    "status": pl.String,
    "left": pl.Int32,
}
# Few enough parameters for SQLite's limit, many enough that a 10,000-row import reads once.
_CHUNK = 10_000


def _people(people: QuerySet[Person] | None) -> pl.DataFrame:
    """One row per counted person among ``people`` (None: everyone), read with one query whose
    months are computed by the database: the desa, the month first registered (Asia/Jakarta),
    the dimensions, the status and the month of ``status_date``.

    Counted: the registered, and those who left (inactive, deceased, merged) with the date they
    left — they count from their first month up to the month before they left. A person who
    left without a date leaves every month, as before ``status_date`` was kept."""
    quote = connection.ops.quote_name
    person = quote(Person._meta.db_table)
    batch = quote(ImportBatch._meta.db_table)
    created, params = local_month_sql(f"p.{quote('created_at')}")
    params = [*params, PersonStatus.REGISTERED]
    where = ""
    if people is not None:
        subquery, subparams = people.order_by().values("pk").query.sql_with_params()
        where = f" AND p.{quote('id')} IN ({subquery})"
        params += subparams
    sql = (
        f"SELECT p.{quote('region_id')}, {created}, p.{quote('occupation_id')}, p.{quote('sex')},"
        f" {date_year_sql('p.' + quote('birth_date'))}, b.{quote('funder')},"
        f" p.{quote('occupation_match')}, p.{quote('status')},"
        f" {date_month_sql('p.' + quote('status_date'))}"
        f" FROM {person} p LEFT JOIN {batch} b ON b.{quote('id')} = p.{quote('source_batch_id')}"
        f" WHERE (p.{quote('status')} = %s OR p.{quote('status_date')} IS NOT NULL){where}"
    )
    return read_sql_frame(sql, params, _PEOPLE_SCHEMA)


def _flows(people: pl.DataFrame) -> pl.DataFrame:
    """The people as the tally's flows: +1 in the month each was first registered and, for
    those who left, -1 in the month they left (never before the first)."""
    people = people.with_columns(
        pl.col("birth_year").cast(pl.String).fill_null(""),
        pl.col("funder").fill_null(""),
        pl.col("occupation").fill_null(""),
    )
    plus = people.select(
        "region", pl.col("created").alias("month"), *_DIMENSIONS, n=pl.lit(1, dtype=pl.Int64)
    )
    minus = people.filter(pl.col("status") != PersonStatus.REGISTERED).select(
        "region",
        pl.max_horizontal("created", "left").alias("month"),
        *_DIMENSIONS,
        n=pl.lit(-1, dtype=pl.Int64),
    )
    return pl.concat([plus, minus])


def people_tally_rows(people: QuerySet[Person]) -> pl.DataFrame:
    """The counted ones among ``people`` (registered, or left on a known date) as flows at the
    tally's finest grain: desa, month, occupation category, sex, birth year, funder of the first
    list, how the occupation was classified."""
    return (
        _flows(_people(people))
        .group_by(["region", "month", *_DIMENSIONS])
        .agg(pl.col("n").sum())
        .filter(pl.col("n") != 0)
        .select(list(_ROWS_SCHEMA))
    )


def people_tally_snapshot(ids: Collection[int]) -> pl.DataFrame:
    """Counted rows of the people ``ids`` as they are now."""
    ordered = sorted(ids)
    parts = [
        people_tally_rows(Person.objects.filter(pk__in=ordered[start : start + _CHUNK]))
        for start in range(0, len(ordered), _CHUNK)
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=_ROWS_SCHEMA)


def people_tally_created(first_id: int, count: int) -> int:
    """Count the ``count`` people just inserted with consecutive ids from ``first_id``."""
    if count <= 0:
        return 0
    created = Person.objects.filter(pk__gte=first_id, pk__lt=first_id + count)
    return tally_apply(PeopleTally, plus=people_tally_rows(created))


@contextmanager
def people_tally_kept(ids: Collection[int]) -> Iterator[None]:
    """Wrap a write that changes the people ``ids`` (inside its transaction): what they counted
    for before is taken away and what they count for afterwards is added."""
    ids = list(ids)
    before = people_tally_snapshot(ids)
    yield
    tally_apply(PeopleTally, minus=before, plus=people_tally_snapshot(ids))


def people_tally_recomputed() -> list[pl.DataFrame]:
    """Every counted person afresh (one query, months computed by the database), as one frame
    of totals per desa and month and one frame per dimension per kecamatan and month (one frame
    of every combination would have about as many rows as there are people)."""
    flows = _flows(_people(None))
    kecamatan = flows.with_columns(pl.col("region").str.slice(0, 8))
    return [
        flows.group_by("region", "month").agg(pl.col("n").sum()),
        *(kecamatan.group_by("region", "month", dim).agg(pl.col("n").sum()) for dim in _DIMENSIONS),
    ]


def people_tally_rebuild() -> int:
    """Recompute the whole tally from every person; returns the number of tally rows."""
    return tally_rebuild(PeopleTally, people_tally_recomputed())


def people_tally_differences() -> pl.DataFrame:
    """Tally rows that differ from a recomputation (empty when the tally is right): the key,
    the stored ``n`` and the recomputed ``n_rows``."""
    return tally_differences(PeopleTally, people_tally_recomputed())
