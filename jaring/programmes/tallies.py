"""Keeping :class:`~jaring.programmes.models.MembershipTally` equal to the memberships.

A membership covers the months ``first_month``..``last_month``. The tally stores it as two
flows: one added in its first month and one taken away in the month after its last. Summed up
to a month M (:func:`jaring.core.tallies.tally_totals` with ``upto``), the flows give the
memberships covering M — "in a signed SK" at the end of M — and a version that cuts a
membership short moves only its second flow. History stays right: a membership that ended in
March still counts for February.

The writers of memberships — :func:`~jaring.programmes.services.signing.decree_sign`, and
:func:`~jaring.programmes.services.leaving.memberships_end_on_death` when a member dies — wrap
their writes in :func:`membership_tally_kept`; :func:`membership_tally_rebuild` recomputes the
table (``jaring monev recompute``) and :func:`membership_tally_differences` compares it with the
rows (the consistency tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from jaring.core.bulk import read_sql_frame
from jaring.core.tallies import (
    date_month_sql,
    tally_apply,
    tally_differences,
    tally_rebuild,
)
from jaring.programmes.models import Membership, MembershipTally

_ROWS_SCHEMA = {
    "region": pl.String,
    "month": pl.Int32,
    "funder": pl.String,
    "occupation": pl.String,
    "n": pl.Int64,
}


def membership_tally_rows(memberships: QuerySet[Membership]) -> pl.DataFrame:
    """The flows of ``memberships``: +n in each first month, -n in the month after each last
    month, at the tally's finest grain (desa, month, funder, occupation category). Grouped by
    the database, months computed there too, and read as a frame (COPY on PostgreSQL): a
    recomputation at ten million memberships spent most of its time converting the grouped
    rows in Python."""
    quote = connection.ops.quote_name
    first = date_month_sql(f"m.{quote('first_month')}")
    last = date_month_sql(f"m.{quote('last_month')}")
    condition, params = "", []
    if memberships.query.where or memberships.query.is_sliced:  # not every membership
        subquery, subparams = memberships.order_by().values("pk").query.sql_with_params()
        condition, params = f" WHERE m.{quote('id')} IN ({subquery})", list(subparams)
    sql = (
        f"SELECT m.{quote('region_id')}, {first}, {last}, m.{quote('funder')},"
        f" COALESCE(m.{quote('occupation_id')}, ''), COUNT(*)"
        f" FROM {quote(Membership._meta.db_table)} m{condition} GROUP BY 1, 2, 3, 4, 5"
    )
    grouped = read_sql_frame(
        sql,
        params,
        {
            "region": pl.String,
            "first": pl.Int32,
            "last": pl.Int32,
            "funder": pl.String,
            "occupation": pl.String,
            "n": pl.Int64,
        },
    )
    after = (
        pl.when(pl.col("last") % 100 == 12)
        .then(pl.col("last") + 89)  # December: January of the next year
        .otherwise(pl.col("last") + 1)
    )
    frame = pl.concat(
        [
            grouped.select(
                "region", month="first", funder="funder", occupation="occupation", n="n"
            ),
            grouped.select(
                "region", month=after, funder="funder", occupation="occupation", n=-pl.col("n")
            ),
        ]
    ).cast(_ROWS_SCHEMA)  # type: ignore[arg-type]
    return frame.group_by([c for c in _ROWS_SCHEMA if c != "n"]).agg(pl.col("n").sum())


# Tallies of higher apps that count memberships too (finance's lapsed members, which also
# read the enrolments' paid months): each wraps the same write as membership_tally_kept.
# Registered when such an app starts; this app may not import them.
_ALSO_KEPT: list[Callable[[QuerySet[Membership]], AbstractContextManager[None]]] = []


def membership_tally_also_keep(
    keeper: Callable[[QuerySet[Membership]], AbstractContextManager[None]],
) -> None:
    """Have ``keeper(memberships)`` wrap every write that :func:`membership_tally_kept` wraps
    (once, however often an app starts)."""
    if keeper not in _ALSO_KEPT:
        _ALSO_KEPT.append(keeper)


@contextmanager
def membership_tally_kept(memberships: QuerySet[Membership]) -> Iterator[None]:
    """Wrap a write of memberships (inside its transaction). ``memberships`` must select the
    same rows before and after the write — every row the write creates or changes, counted
    as they were and as they are."""
    before = membership_tally_rows(memberships)
    with ExitStack() as also:
        for keeper in _ALSO_KEPT:
            also.enter_context(keeper(memberships))
        yield
    tally_apply(MembershipTally, minus=before, plus=membership_tally_rows(memberships))


def membership_tally_recomputed() -> list[pl.DataFrame]:
    """Every membership counted afresh: one frame of totals per desa and one per dimension per
    kecamatan (see :func:`jaring.core.tallies.rollup`)."""
    frame = membership_tally_rows(Membership.objects.all())
    kecamatan = frame.with_columns(pl.col("region").str.slice(0, 8))
    return [
        frame.group_by("region", "month").agg(pl.col("n").sum()),
        *(
            kecamatan.group_by("region", "month", dim).agg(pl.col("n").sum())
            for dim in MembershipTally.dimensions
        ),
    ]


def membership_tally_rebuild() -> int:
    """Recompute the whole tally from every membership; returns the number of tally rows."""
    return tally_rebuild(MembershipTally, membership_tally_recomputed())


def membership_tally_differences() -> pl.DataFrame:
    """Tally rows that differ from a recomputation (empty when the tally is right)."""
    return tally_differences(MembershipTally, membership_tally_recomputed())
