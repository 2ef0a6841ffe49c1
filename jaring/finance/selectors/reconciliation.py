"""Reconciliation of a programme with the branch, per desa, for one month.

Four lists, each a set of people (and the desa they belong to):

- **in the SK but not active at BPJS**: members this month whose enrolment the branch has not
  answered, rejected (with its reason) or set non-active;
- **active at BPJS but not in the SK**: people the branch lists as registered under the
  programme who have no membership this month — enrolments whose decree ended or dropped them,
  and response rows whose NIK is in no decree of the programme: paying for people outside the
  decree;
- **one KPJ with two NIKs**: a KPJ the branch gave to more than one person (in the programme's
  enrolments, any programme's, or its response files);
- **registered by another funder**: members this month also registered, for the same month,
  under another programme — or whom the branch rejected as already registered elsewhere (or as
  wage earners).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from jaring.core import bulk
from jaring.finance.models import BpjsStatus, Enrolment, ReasonCode, ResponseRow
from jaring.programmes.models import Membership, Programme
from jaring.rules.months import Month

LISTS = ("in_sk_not_active", "active_not_in_sk", "kpj_conflicts", "registered_elsewhere")


@dataclass
class Reconciliation:
    programme: int
    month: Month
    #: One frame per list: ``person_id`` (null for a NIK unknown to the registry),
    #: ``region_id`` (null when unknown), ``why`` (a status, reason code or KPJ) and ``kpj``.
    lists: dict[str, pl.DataFrame]
    breakdown: dict[str, int] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return self.lists[name].height

    def by_region(self) -> list[dict[str, Any]]:
        parts = [
            frame.group_by(pl.col("region_id").fill_null("")).len().with_columns(list=pl.lit(name))
            for name, frame in self.lists.items()
            if frame.height
        ]
        if not parts:
            return []
        table = pl.concat(parts).pivot(on="list", index="region_id", values="len").sort("region_id")
        return [
            {"region": row["region_id"] or None, **{n: int(row.get(n) or 0) for n in LISTS}}
            for row in table.iter_rows(named=True)
        ]

    def as_dict(self, *, regions: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = {
            "programme": self.programme,
            "month": str(self.month),
            **{name: self.count(name) for name in LISTS},
            **self.breakdown,
        }
        if regions:
            result["regions"] = self.by_region()
        return result


_ENROLMENT = {
    "person_id": pl.Int64(),
    "region_id": pl.String(),
    "kpj": pl.String(),
    "bpjs_status": pl.String(),
    "bpjs_reason_code": pl.String(),
}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"person_id": pl.Int64, "region_id": pl.String, "why": pl.String, "kpj": pl.String}
    )


def reconcile(programme: Programme, on: date) -> Reconciliation:
    month = Month.of(on)
    members = bulk.read_frame(
        Membership.objects.order_by()
        .filter(programme=programme)
        .covering(month)
        .values_list("person_id", "region_id"),
        {"person_id": pl.Int64(), "region_id": pl.String()},
    ).unique("person_id")
    enrolments = bulk.read_frame(
        Enrolment.objects.order_by()
        .filter(programme=programme)
        .values_list("person_id", "region_id", "kpj", "bpjs_status", "bpjs_reason_code"),
        _ENROLMENT,
    )
    joined = members.join(enrolments.drop("region_id"), on="person_id", how="left").with_columns(
        pl.col("bpjs_status").fill_null(""), pl.col("kpj").fill_null("")
    )
    not_active = joined.filter(pl.col("bpjs_status") != BpjsStatus.REGISTERED).select(
        "person_id",
        "region_id",
        why=pl.when(pl.col("bpjs_status") == BpjsStatus.REJECTED)
        .then(pl.concat_str([pl.lit("rejected:"), pl.col("bpjs_reason_code").fill_null("")]))
        .when(pl.col("bpjs_status") == "")
        .then(pl.lit("not_answered"))
        .otherwise(pl.col("bpjs_status")),
        kpj="kpj",
    )
    outside = (
        enrolments.filter(pl.col("bpjs_status") == BpjsStatus.REGISTERED)
        .join(members.select("person_id"), on="person_id", how="anti")
        .select("person_id", "region_id", why=pl.lit("membership_ended"), kpj="kpj")
    )
    unknown = _registered_not_in_sk(programme, members)
    active_not_in_sk = pl.concat([outside, unknown], how="vertical_relaxed")
    conflicts = _kpj_conflicts(programme, enrolments)
    elsewhere = _registered_elsewhere(programme, month, joined)
    reasons = not_active.group_by("why").len()
    breakdown = {f"not_active_{w}".replace(":", "_"): int(n) for w, n in reasons.iter_rows()}
    return Reconciliation(
        programme=programme.pk,
        month=month,
        lists={
            "in_sk_not_active": not_active,
            "active_not_in_sk": active_not_in_sk,
            "kpj_conflicts": conflicts,
            "registered_elsewhere": elsewhere,
        },
        breakdown=dict(sorted(breakdown.items())),
    )


def _registered_not_in_sk(programme: Programme, members: pl.DataFrame) -> pl.DataFrame:
    """Rows of the programme's response files saying "registered" for a NIK in no decree of
    the programme (the latest row per NIK)."""
    rows = bulk.read_frame(
        ResponseRow.objects.order_by("nik_index", "response__imported_at", "row_number")
        .filter(response__programme=programme, outcome="not_in_sk")
        .values_list("nik_index", "person_id", "person__region_id", "status", "kpj"),
        {
            "nik_index": pl.String(),
            "person_id": pl.Int64(),
            "region_id": pl.String(),
            "status": pl.String(),
            "kpj": pl.String(),
        },
    )
    latest = rows.unique("nik_index", keep="last").filter(pl.col("status") == BpjsStatus.REGISTERED)
    latest = latest.join(members.select("person_id"), on="person_id", how="anti")
    return latest.select("person_id", "region_id", why=pl.lit("not_in_any_sk"), kpj="kpj")


def _kpj_conflicts(programme: Programme, enrolments: pl.DataFrame) -> pl.DataFrame:
    kpjs = enrolments.filter(pl.col("kpj") != "")["kpj"].unique().to_list()
    holders = bulk.rows_matching(
        Enrolment,
        "kpj",
        kpjs,
        ["kpj", "person_id", "region_id"],
        {"kpj": pl.String(), "person_id": pl.Int64(), "region_id": pl.String()},
    )
    in_files = bulk.read_frame(
        ResponseRow.objects.order_by()
        .filter(response__programme=programme)
        .exclude(kpj="")
        .exclude(nik_index__isnull=True)
        .values_list("kpj", "nik_index", "person_id"),
        {"kpj": pl.String(), "nik_index": pl.String(), "person_id": pl.Int64()},
    )
    shared_in_files = (
        in_files.group_by("kpj")
        .agg(pl.col("nik_index").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
    )["kpj"]
    shared = (
        holders.group_by("kpj")
        .agg(pl.col("person_id").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
    )["kpj"]
    all_shared = pl.concat([shared, shared_in_files]).unique().implode()
    people = pl.concat(
        [
            holders.select("person_id", "region_id", "kpj"),
            in_files.select("person_id", pl.lit(None, pl.String).alias("region_id"), "kpj"),
        ],
        how="vertical_relaxed",
    ).filter(pl.col("kpj").is_in(all_shared))
    return (
        people.sort("region_id", nulls_last=True)
        .unique(["kpj", "person_id"], keep="first")
        .select("person_id", "region_id", why=pl.col("kpj"), kpj="kpj")
    )


def _registered_elsewhere(programme: Programme, month: Month, joined: pl.DataFrame) -> pl.DataFrame:
    said = joined.filter(
        pl.col("bpjs_reason_code").is_in(
            [ReasonCode.REGISTERED_ELSEWHERE.value, ReasonCode.WAGE_EARNER.value]
        )
    ).select("person_id", "region_id", why=pl.col("bpjs_reason_code"), kpj="kpj")
    members = Membership.objects.filter(programme=programme).covering(month).values("person_id")
    covered = bulk.read_frame(
        Membership.objects.order_by()
        .covering(month)
        .exclude(programme=programme)
        .filter(person_id__in=members)
        .values_list("person_id", "programme_id"),
        {"person_id": pl.Int64(), "other_programme_id": pl.Int64()},
    )
    others = bulk.read_frame(
        Enrolment.objects.order_by()
        .filter(bpjs_status=BpjsStatus.REGISTERED, person_id__in=members)
        .exclude(programme=programme)
        .values_list("person_id", "programme_id"),
        {"person_id": pl.Int64(), "other_programme_id": pl.Int64()},
    )
    double = others.join(covered, on=["person_id", "other_programme_id"], how="semi")
    found = joined.join(double, on="person_id", how="inner").select(
        "person_id",
        "region_id",
        why=pl.concat_str([pl.lit("programme:"), pl.col("other_programme_id").cast(pl.String)]),
        kpj="kpj",
    )
    return pl.concat([found, said]).unique("person_id", keep="first")
