"""Who is covered on a day: each membership's protection status from its paid months, by the
rules engine (:func:`jaring.rules.status.protection_status`: aktif, tertunggak 1–3, berakhir).

Column-wise for a million memberships: the programme's memberships covering the month and their
enrolments' ``paid_mask`` are read once each; the rules engine runs once per *distinct* set of
paid months (a handful: most members of a programme are paid for together) and the results are
joined back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import Greatest

from jaring.core import bulk
from jaring.finance.models import Bill, Enrolment
from jaring.finance.months import months_of
from jaring.finance.services.bills import due_date
from jaring.programmes.models import Membership, Programme
from jaring.rules.months import Month
from jaring.rules.status import ProtectionState, protection_status

#: The states counted, in the order of the command's JSON.
STATE_KEYS = ("active", "arrears_1", "arrears_2", "arrears_3", "lapsed", "not_yet_active")


def state_key(state: str, unpaid: int) -> str:
    if state == ProtectionState.AKTIF:
        return "active"
    if state == ProtectionState.TERTUNGGAK:
        return f"arrears_{min(unpaid, 3)}"
    if state in (ProtectionState.BERAKHIR, ProtectionState.NONAKTIF):
        return "lapsed"
    return "not_yet_active"


def states_of_masks(masks: pl.Series, base: date, on: date) -> pl.DataFrame:
    """For each distinct ``paid_mask``: the rules engine's state on ``on`` (``state``,
    ``unpaid_months``, ``last_paid`` and ``lapse_month`` as ``YYYY-MM``, and the status key)."""
    rows = []
    for mask in masks.unique().to_list():
        status = protection_status(months_of(int(mask), base), on)
        rows.append(
            (
                int(mask),
                status.state.value,
                status.unpaid_months,
                str(status.last_paid) if status.last_paid else None,
                str(status.lapse_month) if status.lapse_month else None,
                state_key(status.state.value, status.unpaid_months),
            )
        )
    return pl.DataFrame(
        rows,
        schema={
            "paid_mask": pl.Int64,
            "state": pl.String,
            "unpaid_months": pl.Int64,
            "last_paid": pl.String,
            "lapse_month": pl.String,
            "key": pl.String,
        },
        orient="row",
    )


def status_frame(programme: Programme, on: date) -> pl.DataFrame:
    """One row per membership of ``programme`` covering ``on``'s month: ``membership_id``,
    ``person_id``, ``region_id``, ``paid_mask`` and the columns of :func:`states_of_masks`."""
    members = bulk.read_frame(
        Membership.objects.order_by()
        .filter(programme=programme)
        .covering(on)
        .values_list("id", "person_id", "region_id"),
        {"membership_id": pl.Int64(), "person_id": pl.Int64(), "region_id": pl.String()},
    )
    paid = bulk.read_frame(
        Enrolment.objects.order_by()
        .filter(programme=programme)
        .values_list("person_id", "paid_mask"),
        {"person_id": pl.Int64(), "paid_mask": pl.Int64()},
    )
    frame = members.join(paid, on="person_id", how="left").with_columns(
        pl.col("paid_mask").fill_null(0)
    )
    states = states_of_masks(frame["paid_mask"], programme.first_month, on)
    return frame.join(states, on="paid_mask", how="left")


@dataclass
class ProgrammeStatus:
    programme: int
    on: date
    memberships: int
    counts: dict[str, int]
    not_yet_due: int
    outstanding: int
    due_date: date
    by_region: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "on": self.on.isoformat(),
            "month": str(Month.of(self.on)),
            "memberships": self.memberships,
            **self.counts,
            "not_yet_due": self.not_yet_due,
            "due_date": self.due_date.isoformat(),
            "outstanding": self.outstanding,
        }


def outstanding_until(programme: Programme, month: Month) -> int:
    """What the programme's bills up to ``month`` still owe (over-payments not netted)."""
    return int(
        Bill.objects.filter(programme=programme, month__lte=month.first_day).aggregate(
            owed=Sum(Greatest(F("total") - F("paid"), 0))
        )["owed"]
        or 0
    )


def programme_status(programme: Programme, on: date, *, regions: bool = False) -> ProgrammeStatus:
    frame = status_frame(programme, on)
    counts = dict.fromkeys(STATE_KEYS, 0)
    for key, n in frame.group_by("key").len().iter_rows():
        counts[str(key)] = int(n)
    month = Month.of(on)
    due = due_date(month, region_code=programme.region_id)
    previous = str(month + -1)
    not_yet_due = (
        frame.filter((pl.col("key") == "arrears_1") & (pl.col("last_paid") == previous)).height
        if on <= due
        else 0
    )
    by_region: list[dict[str, Any]] = []
    if regions:
        table = (
            frame.group_by("region_id", "key")
            .len()
            .pivot(on="key", index="region_id", values="len")
        )
        for row in table.sort("region_id").iter_rows(named=True):
            by_region.append(
                {"region": row["region_id"], **{k: int(row.get(k) or 0) for k in STATE_KEYS}}
            )
    return ProgrammeStatus(
        programme=programme.pk,
        on=on,
        memberships=frame.height,
        counts=counts,
        not_yet_due=not_yet_due,
        outstanding=outstanding_until(programme, month),
        due_date=due,
        by_region=by_region,
    )


def lapsed_counts(code: str, *, length: int, on: date) -> dict[str, int]:
    """Members whose cover has lapsed on ``on`` (in a signed SK for its month, the rules
    engine's state *berakhir* or *nonaktif* from their paid months), in the region ``code``
    ("" is the country), counted per region code cut to ``length`` characters: ``len(code)``
    for the region itself, the children's code length for its children.

    Read when asked, not kept in a tally: a membership lapses by the passing of months without
    any write. One grouped query (members joined to their enrolment, by region, programme start
    and paid months — a handful of distinct paid-month sets per programme), the rules engine
    once per distinct set."""
    first_day = on.replace(day=1)
    quote = connection.ops.quote_name
    region = f"m.{quote('region_id')}"
    prefix = f"substr({region}, 1, {int(length)})" if length else "''"
    within = f" AND substr({region}, 1, {len(code)}) = %s" if code else ""
    # A join, not a subquery per member: an enrolment is unique per programme and person, and
    # SQLite evaluated the correlated subquery twice per member (233 s against 13 s for a
    # million members, loaded machine) — the national pages' first view after a write.
    sql = (
        f"SELECT {prefix}, p.{quote('first_month')}, COALESCE(e.{quote('paid_mask')}, 0),"
        f" COUNT(*) FROM {quote(Membership._meta.db_table)} m"
        f" JOIN {quote(Programme._meta.db_table)} p ON p.{quote('id')} = m.{quote('programme_id')}"
        f" LEFT JOIN {quote(Enrolment._meta.db_table)} e"
        f" ON e.{quote('programme_id')} = m.{quote('programme_id')}"
        f" AND e.{quote('person_id')} = m.{quote('person_id')}"
        f" WHERE m.{quote('first_month')} <= %s AND m.{quote('last_month')} >= %s{within}"
        " GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_day, first_day, *([code] if code else [])])
        grouped = cursor.fetchall()
    counts: dict[str, int] = {}
    keys: dict[tuple[date, int], str] = {}
    for prefix, base, paid_mask, n in grouped:
        key = keys.get((base, paid_mask))
        if key is None:
            status = protection_status(months_of(int(paid_mask), base), on)
            key = keys[(base, paid_mask)] = state_key(status.state.value, status.unpaid_months)
        if key == "lapsed":
            counts[prefix] = counts.get(prefix, 0) + n
    return counts
