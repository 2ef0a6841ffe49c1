"""Tallies: counts of a stage's rows per region and month, kept current by every write.

Dashboards, the home page and the region browser need counts of a million rows per region in
milliseconds, and need them current after each write (not after a nightly rebuild: DHIS2's
analytics tables are the cautionary tale). Each stage that owns counted rows (the registry's
people, the programmes' memberships, …) declares a concrete :class:`Tally` of its own and,
*inside the transaction of every write that changes counted rows*, calls :func:`tally_apply`
with the rows that stopped counting (``minus``) and the rows that started (``plus``) as polars
frames at its finest grain: a region code (a desa, or a larger region when the row knows no
desa), a month (``yyyymm``) and one column per dimension the stage declares. Here they are
grouped and rolled up to every level — national, province, kab/kota, kecamatan, desa — and added
to the stored counts with one upsert (``n = n + excluded.n``): an import of a million rows adds
one group-by and a few thousand upserts, not a million updates. Dimensions (occupation, sex, …)
are kept down to kecamatan (:attr:`Tally.dimension_depth`); below that only the totals.

The invariant, checked by each stage's consistency test: the table equals :func:`rollup` of the
stage's current rows, which is also how :func:`tally_rebuild` recomputes it from scratch.

ADR 0011 tells why tallies live with the stage that writes the rows (same transaction, no upward
import) and why monitoring only reads and composes them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import ClassVar, TypeVar
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Sum
from django.utils import translation

from jaring.core import bulk
from jaring.core.models import DataVersion

_T = TypeVar("_T")

# Length of a region code at each level: national (""), province "33", kab/kota "33.74",
# kecamatan "33.74.01", desa/kelurahan "33.74.01.1001".
LEVEL_LENGTHS: tuple[int, ...] = (0, 2, 5, 8, 13)
NATIONAL = ""
ALL = "all"  # the dimension of totals; its value is ""


def level_of(code: str) -> int:
    """0 for the country (""), 1 for a province … 4 for a desa/kelurahan."""
    return LEVEL_LENGTHS.index(len(code))


def parent_of(code: str) -> str | None:
    level = level_of(code)
    return None if level == 0 else code[: LEVEL_LENGTHS[level - 1]]


def month_key(year: int, month: int) -> int:
    return year * 100 + month


# --- months computed by the database (a recomputation reads millions of rows) ---------------


def _fixed_offset_minutes(zone: str) -> int | None:
    """The zone's offset from UTC in minutes if it has had one offset since 1970 (Asia/Jakarta:
    +420), else None."""
    tz = ZoneInfo(zone)
    offsets = {
        datetime(year, month, 1, tzinfo=tz).utcoffset() for year in (1970, 2000, 2030)
        for month in (1, 7)
    }  # fmt: skip
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return int(offset.total_seconds() // 60) if offset is not None else None


def local_month_sql(column: str) -> tuple[str, list[object]]:
    """SQL for the ``yyyymm`` integer of a timestamp ``column`` in the project's time zone
    (``TIME_ZONE``, as :func:`django.utils.timezone.localtime` gives it), and its parameters.
    Computed by the database: Django's ``TruncMonth`` on SQLite calls Python for every row,
    which was most of a recomputation's 120 s at a million people."""
    zone = str(settings.TIME_ZONE)
    if connection.vendor == "postgresql":
        local = f"({column} AT TIME ZONE %s)"
        return (
            f"CAST(EXTRACT(YEAR FROM {local}) * 100 + EXTRACT(MONTH FROM {local}) AS integer)",
            [zone, zone],
        )
    minutes = _fixed_offset_minutes(zone)
    if minutes is not None:
        # SQLite stores UTC text ("2025-03-01 17:00:00"): shift it by the zone's offset.
        return f"CAST(strftime('%%Y%%m', {column}, %s) AS integer)", [f"{minutes:+d} minutes"]
    # A zone with summer time: Django's own function (one Python call per row, but right).
    return (
        f"(django_datetime_extract('year', {column}, %s, NULL) * 100"
        f" + django_datetime_extract('month', {column}, %s, NULL))",
        [zone, zone],
    )


def date_month_sql(column: str) -> str:
    """SQL for the ``yyyymm`` integer of a date ``column`` (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) * 100 + EXTRACT(MONTH FROM {column}) AS integer)"
    return f"CAST(strftime('%%Y%%m', {column}) AS integer)"


def date_year_sql(column: str) -> str:
    """SQL for the year of a date ``column`` as an integer (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(strftime('%%Y', {column}) AS integer)"


class Tally(models.Model):
    """Counts of one stage's rows: ``n`` rows in ``region`` first counted in ``month`` whose
    dimension ``dim`` has ``value`` (``dim == "all"``: all of them)."""

    # Dimensions, in the order of the columns of the frames given to tally_apply.
    dimensions: ClassVar[tuple[str, ...]] = ()
    # The deepest level that keeps the dimensions (3 = kecamatan); below it, totals only.
    dimension_depth: ClassVar[int] = 3

    region = models.CharField(max_length=13)
    parent = models.CharField(max_length=13, null=True, blank=True)  # noqa: DJ001
    level = models.PositiveSmallIntegerField()
    month = models.PositiveIntegerField()  # yyyymm
    dim = models.CharField(max_length=16)
    value = models.CharField(max_length=40, blank=True)
    n = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.region or 'ID'} {self.month} {self.dim}={self.value}: {self.n}"


def tally_constraints(name: str) -> list[models.BaseConstraint]:
    """``Meta.constraints`` of a concrete tally table named ``name``: the upsert's key, which
    also serves a region's own rows."""
    return [models.UniqueConstraint(fields=["region", "dim", "month", "value"], name=f"{name}_key")]


def tally_indexes(name: str) -> list[models.Index]:
    """``Meta.indexes`` of a concrete tally table: a region's children."""
    return [models.Index(fields=["parent", "dim", "month"], name=f"{name}_children")]


_SCHEMA = {
    "region": pl.String,
    "parent": pl.String,
    "level": pl.Int16,
    "month": pl.Int32,
    "dim": pl.String,
    "value": pl.String,
    "n": pl.Int64,
}


def rollup(model: type[Tally], frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (``region``, ``month``, the model's dimensions, optionally ``n``; one row per
    counted row otherwise) as the rows of the tally table: every level, the totals and every
    dimension, zero counts dropped.

    A frame may also carry only some dimensions, or none: it then gives the rows of those
    dimensions (and no totals), or the totals alone. A full recomputation of ten million rows
    is cheaper as one such frame per dimension than as one frame of every combination
    (:func:`tally_rebuild`)."""
    if "n" not in frame.columns:
        frame = frame.with_columns(n=pl.lit(1, dtype=pl.Int64))
    present = tuple(d for d in model.dimensions if d in frame.columns)
    totals = len(present) == len(model.dimensions) or not present
    frame = frame.with_columns(
        pl.col("region").fill_null(""),
        pl.col("month").cast(pl.Int32),
        pl.col("n").cast(pl.Int64),
        *[pl.col(d).cast(pl.String).fill_null("") for d in present],
    )
    # Group once at the finest grain: every level below reads a smaller frame.
    keys = ["region", "month", *present]
    frame = frame.group_by(keys).agg(pl.col("n").sum())
    parts: list[pl.DataFrame] = []
    for level, length in enumerate(LEVEL_LENGTHS):
        at = frame.filter(pl.col("region").str.len_chars() >= length).with_columns(
            region=pl.col("region").str.slice(0, length),
        )
        parent = (
            pl.col("region").str.slice(0, LEVEL_LENGTHS[level - 1])
            if level
            else pl.lit(None, dtype=pl.String)
        )
        dims = [ALL] if totals else []
        dims += list(present) if level <= model.dimension_depth else []
        for dim in dims:
            value = pl.lit("") if dim == ALL else pl.col(dim)
            parts.append(
                at.group_by("region", "month", value.alias("value"))
                .agg(pl.col("n").sum())
                .with_columns(parent=parent, level=pl.lit(level, dtype=pl.Int16), dim=pl.lit(dim))
                .select(list(_SCHEMA))
                .cast(_SCHEMA)  # type: ignore[arg-type]
            )
    rows = pl.concat(parts) if parts else pl.DataFrame(schema=_SCHEMA)
    return rows.filter(pl.col("n") != 0)


def rollup_parts(model: type[Tally], parts: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The tally rows of several frames (see :func:`rollup`), added up by key."""
    rows = [rollup(model, part) for part in parts]
    if not rows:
        return pl.DataFrame(schema=_SCHEMA)
    key = ["region", "parent", "level", "month", "dim", "value"]
    return (
        pl.concat(rows)
        .group_by(key)
        .agg(pl.col("n").sum())
        .filter(pl.col("n") != 0)
        .select(list(_SCHEMA))
    )


def _columns(model: type[Tally]) -> list[str]:
    return [str(getattr(model._meta.get_field(name), "column", name)) for name in _SCHEMA]


def tally_apply(
    model: type[Tally], *, plus: pl.DataFrame | None = None, minus: pl.DataFrame | None = None
) -> int:
    """Add ``plus`` and take away ``minus`` (frames as for :func:`rollup`); returns the number
    of tally rows touched. Must run inside the transaction of the write it follows."""
    if not connection.in_atomic_block:
        raise RuntimeError("tally_apply must run inside the transaction of the write")
    parts = []
    for frame, sign in ((plus, 1), (minus, -1)):
        if frame is not None and not frame.is_empty():
            if "n" not in frame.columns:
                frame = frame.with_columns(n=pl.lit(1, dtype=pl.Int64))
            parts.append(
                frame.select(
                    "region", "month", *model.dimensions, pl.col("n").cast(pl.Int64) * sign
                )
            )
    if not parts:
        return 0
    rows = rollup(model, pl.concat(parts, how="vertical_relaxed"))
    if rows.is_empty():
        return 0
    _upsert(model, rows)
    data_version_bump(model._meta.label)
    return rows.height


def data_version_bump(name: str) -> None:
    """Count one more write of the derived data ``name`` (inside the writer's transaction)."""
    quote = connection.ops.quote_name
    table = quote(DataVersion._meta.db_table)
    version = quote("version")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('name')}, {version}) VALUES (%s, %s) "
            f"ON CONFLICT ({quote('name')}) DO UPDATE SET {version} = {table}.{version} + 1",
            # A counter starts at a random value: after a database is emptied and filled again,
            # its versions do not repeat ones that a running server still has cached.
            [name, secrets.randbelow(2**62)],
        )


def data_versions() -> str:
    """Every derived data's version in one short string, for cache keys (one query, asked by
    every cached page and API answer: written in SQL, without the ORM's compiling)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('name')}, {quote('version')} FROM "
            f"{quote(DataVersion._meta.db_table)} ORDER BY {quote('name')}"
        )
        return ",".join(f"{name}:{version}" for name, version in cursor.fetchall())


def versioned(parts: tuple[object, ...], compute: Callable[[], _T], timeout: int = 3600) -> _T:
    """``compute()``, cached under ``parts`` and the current :func:`data_versions` and language:
    a write bumps a version, so nothing cached before it is ever served after it."""
    raw = repr((data_versions(), translation.get_language(), parts))
    key = "jaring:v:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _upsert(model: type[Tally], rows: pl.DataFrame) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = _columns(model)
    names = ", ".join(quote(c) for c in columns)
    key = ", ".join(quote(c) for c in ("region", "dim", "month", "value"))
    n = quote("n")
    conflict = f"ON CONFLICT ({key}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = ["varchar[]", "varchar[]", "smallint[]", "integer[]", "varchar[]",
                     "varchar[]", "bigint[]"]  # fmt: skip
            arrays = ", ".join(f"%s::{t}" for t in types)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {conflict}",
                [rows[c].to_list() for c in _SCHEMA],
            )
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders}) {conflict}",
                rows.rows(),
            )


def tally_rebuild(model: type[Tally], parts: Iterable[pl.DataFrame]) -> int:
    """Replace the whole table by the rollup of ``parts`` (all of the stage's counted rows:
    one frame of every combination, or one frame of the totals and one per dimension);
    returns the number of tally rows written."""
    # In the order of the table's unique key: the key's index then grows at its end, which on
    # SQLite writes a few million rows several times faster than in the frame's order.
    rows = rollup_parts(model, parts).sort("region", "dim", "month", "value")
    with transaction.atomic():
        bulk.lock_table(model)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            model.objects.all().delete()  # type: ignore[attr-defined]
        bulk.copy_frame(model, rows.rename(dict(zip(_SCHEMA, _columns(model), strict=True))))
        data_version_bump(model._meta.label)
    return rows.height


def tally_frame(model: type[Tally], *, regions: Sequence[str] | None = None) -> pl.DataFrame:
    """The stored rows (all, or those of ``regions``), non-zero, as a frame of the rollup's
    columns: what the consistency tests compare with :func:`rollup` of the rows."""
    rows = model.objects.exclude(n=0)  # type: ignore[attr-defined]
    if regions is not None:
        rows = rows.filter(region__in=list(regions))
    return pl.DataFrame(list(rows.values_list(*_SCHEMA)), schema=_SCHEMA, orient="row")


def tally_differences(model: type[Tally], parts: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Rows of ``model`` that differ from the rollup of ``parts`` (the stage's rows counted
    afresh; empty when the tally is right): the key, the stored ``n`` and ``n_rows``."""
    stored = tally_frame(model)
    computed = rollup_parts(model, parts)
    key = ["region", "parent", "level", "month", "dim", "value"]
    joined = stored.join(
        computed.rename({"n": "n_rows"}), on=key, how="full", coalesce=True, nulls_equal=True
    )
    return joined.with_columns(pl.col("n", "n_rows").fill_null(0)).filter(
        pl.col("n") != pl.col("n_rows")
    )


# --- reads (the stages' selectors wrap these for their own tally) -----------------------------


def tally_totals(
    model: type[Tally], codes: Iterable[str], *, upto: int | None = None
) -> dict[str, int]:
    """The count in each region of ``codes`` ("" is the country) at the end of month ``upto``
    (``yyyymm``; None: every month stored), in one query."""
    codes = list(dict.fromkeys(codes))
    rows = model.objects.filter(region__in=codes, dim=ALL)  # type: ignore[attr-defined]
    if upto is not None:
        rows = rows.filter(month__lte=upto)
    totals = dict(
        rows.order_by().values("region").annotate(total=Sum("n")).values_list("region", "total")
    )
    return {code: int(totals.get(code) or 0) for code in codes}


def tally_children(model: type[Tally], code: str, *, upto: int | None = None) -> dict[str, int]:
    """The count in each child region of ``code`` ("" for the provinces); zeros left out."""
    rows = model.objects.filter(parent=code, dim=ALL)  # type: ignore[attr-defined]
    if upto is not None:
        rows = rows.filter(month__lte=upto)
    totals = (
        rows.order_by().values("region").annotate(total=Sum("n")).values_list("region", "total")
    )
    return {region: int(total) for region, total in totals if total}


def tally_months(model: type[Tally], code: str) -> dict[int, int]:
    """What each month (``yyyymm``) adds to the count in ``code`` (negative when more rows
    stopped counting than started)."""
    rows = (
        model.objects.filter(region=code, dim=ALL)  # type: ignore[attr-defined]
        .order_by("month")
        .values_list("month", "n")
    )
    return {month: int(n) for month, n in rows}


def tally_breakdown(
    model: type[Tally], code: str, *, upto: int | None = None
) -> dict[str, dict[str, int]]:
    """The count in ``code`` by each dimension: ``{dim: {value: n}}``. Dimensions are kept down
    to :attr:`Tally.dimension_depth`; deeper regions get ``{}``."""
    rows = model.objects.filter(region=code).exclude(dim=ALL)  # type: ignore[attr-defined]
    if upto is not None:
        rows = rows.filter(month__lte=upto)
    grouped = rows.order_by().values("dim", "value").annotate(total=Sum("n"))
    breakdown: dict[str, dict[str, int]] = {}
    for dim, value, total in grouped.values_list("dim", "value", "total"):
        if total:
            breakdown.setdefault(dim, {})[value] = int(total)
    return breakdown
