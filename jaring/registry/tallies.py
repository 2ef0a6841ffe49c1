"""Keeping :class:`~jaring.registry.models.PeopleTally` equal to the registered people.

Every write that creates people, or changes a counted person's region, occupation, sex, birth
date or status, calls one of these inside its own transaction:

- :func:`people_tally_created` after people are inserted (a range of new ids: one group-by);
- :func:`people_tally_kept` around a write of known people (their counted rows are read before
  and after, and the difference is applied) — merges, status changes, import updates, edits.

:func:`people_tally_rebuild` recomputes the table from every row (``jaring monev recompute``),
and :func:`people_tally_differences` compares it with the rows (the consistency tests).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import polars as pl
from django.db.models import CharField, Count, F, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, ExtractYear, Substr, TruncMonth
from django.utils import timezone

from jaring.core.tallies import (
    tally_apply,
    tally_differences,
    tally_rebuild,
)
from jaring.registry.models import PeopleTally, Person, PersonStatus

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
# Few enough parameters for SQLite's limit, many enough that a 10,000-row import reads once.
_CHUNK = 10_000


def _month(moment: datetime) -> int:
    local = timezone.localtime(moment)
    return local.year * 100 + local.month


def people_tally_rows(people: QuerySet[Person]) -> pl.DataFrame:
    """The counted ones among ``people`` (registered: not merged, inactive or deceased), grouped
    at the tally's finest grain: desa, month first registered (Asia/Jakarta), occupation
    category, sex, birth year, funder of the first list."""
    grouped = (
        people.filter(status=PersonStatus.REGISTERED)
        .order_by()
        .values_list(
            "region_id",
            "created_at",
            "occupation_id",
            "sex",
            ExtractYear("birth_date"),
            "source_batch__funder",
            "occupation_match",
        )
        .annotate(n=Count("id"))
    )
    rows = [
        (
            region,
            _month(created),
            occupation,
            sex,
            str(year) if year else "",
            funder or "",
            match,
            n,
        )
        for region, created, occupation, sex, year, funder, match, n in grouped.iterator(
            chunk_size=20_000
        )
    ]
    frame = pl.DataFrame(rows, schema=_ROWS_SCHEMA, orient="row")
    # Rows differing only in the moment of creation fall in one month: add them up.
    return frame.group_by([c for c in _ROWS_SCHEMA if c != "n"]).agg(pl.col("n").sum())


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
    """Every registered person counted afresh, as one frame of totals per desa and month and one
    frame per dimension per kecamatan and month: grouped by the database, each a few hundred
    thousand rows at ten million people (one frame of every combination would have about as
    many rows as there are people)."""
    registered = (
        Person.objects.filter(status=PersonStatus.REGISTERED)
        .order_by()
        .annotate(first_month=TruncMonth("created_at"))
    )

    def frame(rows: QuerySet[Person, tuple[Any, ...]], columns: list[str]) -> pl.DataFrame:
        data = [
            (region, month.year * 100 + month.month, *rest)
            for region, month, *rest in rows.iterator(chunk_size=50_000)
        ]
        schema = {"region": pl.String, "month": pl.Int32}
        schema |= dict.fromkeys(columns, pl.String) | {"n": pl.Int64}
        return pl.DataFrame(data, schema=schema, orient="row")

    parts = [frame(registered.values_list("region_id", "first_month").annotate(n=Count("id")), [])]
    within = registered.annotate(kecamatan=Substr("region_id", 1, 8))
    values: dict[str, Any] = {
        "occupation": F("occupation_id"),
        "sex": F("sex"),
        "birth_year": Cast(ExtractYear("birth_date"), CharField()),
        "funder": Coalesce(F("source_batch__funder"), Value("")),
        "occupation_match": F("occupation_match"),
    }
    for dim, value in values.items():
        rows = (
            within.annotate(value=value)
            .values_list("kecamatan", "first_month", "value")
            .annotate(n=Count("id"))
        )
        parts.append(frame(rows, [dim]))
    return parts


def people_tally_rebuild() -> int:
    """Recompute the whole tally from every person; returns the number of tally rows."""
    return tally_rebuild(PeopleTally, people_tally_recomputed())


def people_tally_differences() -> pl.DataFrame:
    """Tally rows that differ from a recomputation (empty when the tally is right): the key,
    the stored ``n`` and the recomputed ``n_rows``."""
    return tally_differences(PeopleTally, people_tally_recomputed())
