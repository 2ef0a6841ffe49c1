"""Keeping the finance tallies equal to the enrolments: who is registered at BPJS
(:class:`~jaring.finance.models.BpjsTally`) and who is paid for each month
(:class:`~jaring.finance.models.PaidTally`), per region and month, for Monev.

Paid months are stored as flows, as the membership tally is: an enrolment paid for March adds
one in March and takes one away in April, so the sum of the months up to M is the members paid
for M. The paid months come from ``paid_mask`` (:mod:`jaring.finance.months`); enrolments are
read grouped by region, first month and mask — a programme's members are paid for together,
so a million enrolments are a few thousand groups.

Every write of an enrolment's status, region or paid months runs inside
:func:`enrolment_tallies_kept` (payments, bill corrections, response files). The rebuild and the
differences serve ``jaring monev recompute`` and the consistency tests.

Lapsed members (:class:`~jaring.finance.models.LapseTally`) depend on both tables: a
membership's months in its SK and its enrolment's paid months. The rules engine gives, for each
distinct (first month, last month, programme start, paid months), the months the member is
lapsed; these are stored as flows like the others — months to come included, since a member
lapses by the passing of months. :func:`enrolment_tallies_kept` keeps them for the enrolments it
wraps; the programmes app's :func:`~jaring.programmes.tallies.membership_tally_kept` calls
:func:`lapse_tally_kept` for the memberships it wraps (registered when finance starts, as the
programmes app may not import finance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from jaring.core.bulk import read_sql_frame
from jaring.core.tallies import (
    Tally,
    date_month_sql,
    tally_apply,
    tally_differences,
    tally_rebuild,
)
from jaring.finance.models import BpjsStatus, BpjsTally, Enrolment, LapseTally, PaidTally
from jaring.finance.months import months_of
from jaring.programmes.models import Membership, Programme
from jaring.rules.months import Month
from jaring.rules.status import ProtectionState, protection_status

_SCHEMA = {"region": pl.String, "month": pl.Int32, "n": pl.Int64}


def _key(year: int, month: int) -> int:
    return year * 100 + month


def _grouped_frame(
    enrolments: QuerySet[Enrolment],
    where: tuple[str, list[object]],
    columns: dict[str, str],
    schema: dict[str, pl.DataType | type[pl.DataType]],
) -> pl.DataFrame:
    """``enrolments`` (those also matching the SQL condition ``where``) counted per ``columns``
    (name: SQL expression of alias ``e``), grouped by the database in one query whose months are
    computed by the database too (``TruncMonth`` calls Python per row on SQLite)."""
    quote = connection.ops.quote_name
    condition, params = where[0], list(where[1])
    if enrolments.query.where or enrolments.query.is_sliced:  # not every enrolment
        subquery, subparams = enrolments.order_by().values("pk").query.sql_with_params()
        condition += f" AND e.{quote('id')} IN ({subquery})"
        params += subparams
    keys = ", ".join(str(i + 1) for i in range(len(columns)))
    sql = (
        f"SELECT {', '.join(columns.values())}, COUNT(*)"
        f" FROM {quote(Enrolment._meta.db_table)} e WHERE {condition} GROUP BY {keys}"
    )
    return read_sql_frame(sql, params, schema | {"n": pl.Int64})


def paid_rows(enrolments: QuerySet[Enrolment]) -> pl.DataFrame:
    """The flows of the months paid for ``enrolments``: +n in each paid month, -n after it."""
    quote = connection.ops.quote_name
    grouped = _grouped_frame(
        enrolments,
        (f"e.{quote('paid_mask')} > 0", []),
        {
            "region": f"e.{quote('region_id')}",
            "base": date_month_sql(f"e.{quote('base_month')}"),
            "mask": f"e.{quote('paid_mask')}",
        },
        {"region": pl.String, "base": pl.Int32, "mask": pl.Int64},
    )
    # The flows of each distinct (first month, paid months): a few thousand sets for a million
    # enrolments, expanded once and joined column-wise.
    flows: list[tuple[int, int, int, int]] = []
    for base, mask in grouped.select("base", "mask").unique().iter_rows():
        for month in months_of(int(mask), date(base // 100, base % 100, 1)):
            after = month + 1
            flows += [
                (base, mask, _key(month.year, month.month), 1),
                (base, mask, _key(after.year, after.month), -1),
            ]
    expanded = pl.DataFrame(
        flows,
        schema={"base": pl.Int32, "mask": pl.Int64, "month": pl.Int32, "sign": pl.Int64},
        orient="row",
    )
    return (
        grouped.join(expanded, on=["base", "mask"])
        .group_by("region", "month")
        .agg((pl.col("n") * pl.col("sign")).sum())
        .filter(pl.col("n") != 0)
        .select(list(_SCHEMA))
    )


def registered_rows(enrolments: QuerySet[Enrolment]) -> pl.DataFrame:
    """Enrolments registered at BPJS, by desa and the month they took effect."""
    quote = connection.ops.quote_name
    effective = f"COALESCE(e.{quote('tmt')}, e.{quote('base_month')})"
    frame = _grouped_frame(
        enrolments,
        (f"e.{quote('bpjs_status')} = %s", [BpjsStatus.REGISTERED.value]),
        {"region": f"e.{quote('region_id')}", "month": date_month_sql(effective)},
        {"region": pl.String, "month": pl.Int32},
    )
    return frame.group_by("region", "month").agg(pl.col("n").sum()).filter(pl.col("n") != 0)


def _lapsed_months(
    paid: tuple[Month, ...], first: date, last: date, cache: dict[tuple[Any, ...], bool]
) -> list[tuple[int, int]]:
    """The flows of one membership covering the months whose first day lies in
    ``first``..``last`` (as :func:`~jaring.finance.selectors.status.lapsed_counts` selects
    them) with months ``paid``: +1 in each month a lapse starts, -1 in the month it stops."""
    start = Month.of(first) if first.day == 1 else Month.of(first) + 1
    end = Month.of(last)
    flows: list[tuple[int, int]] = []
    before = False
    month = start
    while month.index <= end.index:
        key = (paid, month.index)
        lapsed = cache.get(key)
        if lapsed is None:
            state = protection_status(paid, month.first_day).state
            lapsed = cache[key] = state in (ProtectionState.BERAKHIR, ProtectionState.NONAKTIF)
        if lapsed != before:
            flows.append((_key(month.year, month.month), 1 if lapsed else -1))
            before = lapsed
        month = month + 1
    if before:
        flows.append((_key(month.year, month.month), -1))
    return flows


def _lapse_rows(where: str, params: list[object]) -> pl.DataFrame:
    """The lapse flows of the memberships (alias ``m``) whose enrolment (``e``) has paid months
    and which match the SQL condition ``where``, by desa and month. Without a paid month
    nobody lapses (*belum aktif*), so memberships without an enrolment add nothing."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT m.{quote('region_id')}, m.{quote('first_month')}, m.{quote('last_month')},"
        f" p.{quote('first_month')}, e.{quote('paid_mask')}, COUNT(*)"
        f" FROM {quote(Membership._meta.db_table)} m"
        f" JOIN {quote(Programme._meta.db_table)} p ON p.{quote('id')} = m.{quote('programme_id')}"
        f" JOIN {quote(Enrolment._meta.db_table)} e"
        f" ON e.{quote('programme_id')} = m.{quote('programme_id')}"
        f" AND e.{quote('person_id')} = m.{quote('person_id')}"
        f" WHERE e.{quote('paid_mask')} > 0{where} GROUP BY 1, 2, 3, 4, 5"
    )
    grouped = read_sql_frame(
        sql,
        params,
        {
            "region": pl.String,
            "first": pl.Date,
            "last": pl.Date,
            "base": pl.Date,
            "mask": pl.Int64,
            "n": pl.Int64,
        },
    )
    # The flows of each distinct (months in the SK, paid months), expanded once and joined.
    cache: dict[tuple[Any, ...], bool] = {}
    flows: list[tuple[date, date, date, int, int, int]] = []
    for first, last, base, mask in grouped.select("first", "last", "base", "mask").unique().rows():
        paid = months_of(int(mask), base)
        for month, sign in _lapsed_months(paid, first, last, cache):
            flows.append((first, last, base, mask, month, sign))
    expanded = pl.DataFrame(
        flows,
        schema={
            "first": pl.Date,
            "last": pl.Date,
            "base": pl.Date,
            "mask": pl.Int64,
            "month": pl.Int32,
            "sign": pl.Int64,
        },
        orient="row",
    )
    return (
        grouped.join(expanded, on=["first", "last", "base", "mask"])
        .group_by("region", "month")
        .agg((pl.col("n") * pl.col("sign")).sum())
        .filter(pl.col("n") != 0)
        .select(list(_SCHEMA))
    )


def _subquery(queryset: QuerySet[Any], column: str) -> tuple[str, list[object]]:
    """`` AND <column> IN (<the ids of queryset>)``, or nothing when it selects every row."""
    if not (queryset.query.where or queryset.query.is_sliced):
        return "", []
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return f" AND {column} IN ({sql})", list(params)


def lapse_rows_of_memberships(memberships: QuerySet[Membership]) -> pl.DataFrame:
    """The lapse flows of ``memberships``."""
    return _lapse_rows(*_subquery(memberships, f"m.{connection.ops.quote_name('id')}"))


def lapse_rows_of_enrolments(enrolments: QuerySet[Enrolment]) -> pl.DataFrame:
    """The lapse flows of the memberships of ``enrolments`` (same programme and person)."""
    return _lapse_rows(*_subquery(enrolments, f"e.{connection.ops.quote_name('id')}"))


@contextmanager
def lapse_tally_kept(memberships: QuerySet[Membership]) -> Iterator[None]:
    """Wrap a write of memberships (inside its transaction; called by
    :func:`~jaring.programmes.tallies.membership_tally_kept`)."""
    before = lapse_rows_of_memberships(memberships)
    yield
    tally_apply(LapseTally, minus=before, plus=lapse_rows_of_memberships(memberships))


@contextmanager
def enrolment_tallies_kept(
    enrolments: QuerySet[Enrolment], *, paid_mask_only: bool = False
) -> Iterator[None]:
    """Wrap a write of enrolments (inside its transaction). ``enrolments`` must select the same
    rows before and after the write: every row it creates or changes. ``paid_mask_only``: the
    write changes nothing but ``paid_mask`` (a payment), so the BPJS tally is not read."""
    paid = paid_rows(enrolments)
    registered = None if paid_mask_only else registered_rows(enrolments)
    lapses = lapse_rows_of_enrolments(enrolments)
    yield
    tally_apply(PaidTally, minus=paid, plus=paid_rows(enrolments))
    if registered is not None:
        tally_apply(BpjsTally, minus=registered, plus=registered_rows(enrolments))
    tally_apply(LapseTally, minus=lapses, plus=lapse_rows_of_enrolments(enrolments))


_ROWS: dict[type[Tally], Callable[[QuerySet[Enrolment]], pl.DataFrame]] = {
    PaidTally: paid_rows,
    BpjsTally: registered_rows,
    LapseTally: lapse_rows_of_enrolments,
}


def finance_tallies_rebuild() -> int:
    """Recompute the three tallies from every enrolment (and, for lapses, its memberships);
    returns the number of tally rows."""
    written = 0
    for model, rows in _ROWS.items():
        written += tally_rebuild(model, [rows(Enrolment.objects.all())])
    return written


def finance_tally_differences(model: type[Tally]) -> pl.DataFrame:
    """Rows of ``model`` that differ from a recomputation (empty when the tally is right)."""
    return tally_differences(model, [_ROWS[model](Enrolment.objects.all())])
