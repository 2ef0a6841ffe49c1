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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

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
from jaring.finance.models import BpjsStatus, BpjsTally, Enrolment, PaidTally
from jaring.finance.months import months_of

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


@contextmanager
def enrolment_tallies_kept(
    enrolments: QuerySet[Enrolment], *, paid_mask_only: bool = False
) -> Iterator[None]:
    """Wrap a write of enrolments (inside its transaction). ``enrolments`` must select the same
    rows before and after the write: every row it creates or changes. ``paid_mask_only``: the
    write changes nothing but ``paid_mask`` (a payment), so the BPJS tally is not read."""
    paid = paid_rows(enrolments)
    registered = None if paid_mask_only else registered_rows(enrolments)
    yield
    tally_apply(PaidTally, minus=paid, plus=paid_rows(enrolments))
    if registered is not None:
        tally_apply(BpjsTally, minus=registered, plus=registered_rows(enrolments))


_ROWS: dict[type[Tally], Callable[[QuerySet[Enrolment]], pl.DataFrame]] = {
    PaidTally: paid_rows,
    BpjsTally: registered_rows,
}


def finance_tallies_rebuild() -> int:
    """Recompute both tallies from every enrolment; returns the number of tally rows."""
    written = 0
    for model, rows in _ROWS.items():
        written += tally_rebuild(model, [rows(Enrolment.objects.all())])
    return written


def finance_tally_differences(model: type[Tally]) -> pl.DataFrame:
    """Rows of ``model`` that differ from a recomputation (empty when the tally is right)."""
    return tally_differences(model, [_ROWS[model](Enrolment.objects.all())])
