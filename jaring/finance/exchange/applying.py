"""Applying a checked response file: rows matched with the programme's people by the blind
index of the NIK, enrolments made or changed, every row stored with its outcome.

One transaction, column-wise: the programme's people (every membership it ever had) are read
once; a row whose NIK is in none of its decrees is listed as such (and tied to the registry's
person when there is one), never applied and never dropped; an enrolment changes only when the
row says something new (a KPJ, a status, a reason, a TMT), so the same content twice changes
nothing. A KPJ the file gives to two NIKs, or that another person already holds (KPJ_SHARED),
never replaces a member's own number: it is listed by the reconciliation, and a person decides.
A byte-identical file is recognised and not read again at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk, crypto
from jaring.finance.exchange.checking import check_response, outcome_before_matching
from jaring.finance.exchange.reading import read_response
from jaring.finance.models import Enrolment, ResponseFile, ResponseRow, RowOutcome
from jaring.finance.services.common import check_scope
from jaring.finance.tallies import enrolment_tallies_kept
from jaring.programmes.models import Membership, Programme
from jaring.registry.models import Person

if TYPE_CHECKING:
    from jaring.accounts.models import User

ENROLMENT_COLUMNS = ("kpj", "bpjs_status", "bpjs_reason", "bpjs_reason_code", "tmt")


@dataclass(frozen=True)
class ResponseResult:
    response: ResponseFile
    already: bool
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        r = self.response
        return {
            "response": r.pk,
            "rows": r.rows,
            "registered": r.registered,
            "rejected": r.rejected,
            "inactive": r.inactive,
            "not_in_sk": r.not_in_sk,
            "unreadable": r.unreadable,
            "held": r.held,
            "repeated": r.repeated,
            "changed": r.changed,
            "already_imported": self.already,
        }


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _members(programme: Programme) -> pl.DataFrame:
    """Everyone any decree of the programme covered: person, NIK index, latest desa. Sorted
    here, not by the database: PostgreSQL took a second longer to send a million rows in
    order."""
    frame = bulk.read_frame(
        Membership.objects.order_by()
        .filter(programme=programme)
        .values_list("person_id", "person__nik_index", "region_id", "last_month"),
        {
            "person_id": pl.Int64(),
            "nik_index": pl.String(),
            "region_id": pl.String(),
            "last_month": pl.Date(),
        },
    )
    latest = frame.sort("person_id", "last_month").unique("person_id", keep="last")
    return latest.drop("last_month")


ENROLMENT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "person_id": pl.Int64(),
    "kpj": pl.String(),
    "bpjs_status": pl.String(),
    "bpjs_reason": pl.String(),
    "bpjs_reason_code": pl.String(),
    "tmt": pl.Date(),
}


def response_import(
    *,
    user: User | None,
    programme: Programme,
    path: str | Path,
    file_name: str | None = None,
    today: date | None = None,
) -> ResponseResult:
    """Read, check and apply the branch's response file for ``programme``."""
    check_scope(user, programme)
    path = Path(path)
    name = file_name or path.name
    digest, size = _sha256(path)
    earlier = ResponseFile.objects.filter(programme=programme, sha256=digest).first()
    if earlier is not None:
        return ResponseResult(earlier, already=True)
    today = today or timezone.localdate()
    response = read_response(path, file_name=name)
    rows = check_response(response, today=today, first_month=programme.first_month)
    members = _members(programme)
    rows = rows.join(
        members.select("nik_index", "person_id", "region_id"), on="nik_index", how="left"
    ).with_columns(in_sk=pl.col("person_id").is_not_null())
    # Rows of people in no decree: tied to the registry's person, when there is one.
    outsiders = rows.filter(~pl.col("in_sk") & pl.col("readable"))["nik_index"].to_list()
    known = bulk.rows_matching(
        Person,
        "nik_index",
        outsiders,
        ["nik_index", "id"],
        {"nik_index": pl.String(), "other_person_id": pl.Int64()},
    )
    rows = rows.join(known, on="nik_index", how="left").with_columns(
        person_id=pl.coalesce("person_id", "other_person_id")
    )
    rows = _shared_kpj(rows)
    enrolments = bulk.read_frame(
        Enrolment.objects.order_by()
        .filter(programme=programme)
        .values_list("id", "person_id", *ENROLMENT_COLUMNS),
        ENROLMENT_SCHEMA,
    )
    before = outcome_before_matching()
    rows = rows.with_columns(
        outcome=pl.coalesce(
            before,
            pl.when(~pl.col("in_sk")).then(pl.lit(RowOutcome.NOT_IN_SK.value)),
        )
    )
    applied = rows.filter(pl.col("outcome").is_null()).join(
        enrolments.rename({c: f"old_{c}" for c in ENROLMENT_COLUMNS}).rename(
            {"id": "enrolment_id"}
        ),
        on="person_id",
        how="left",
    )
    contested = pl.col("problems").list.contains("KPJ_SHARED") & (
        pl.col("old_kpj").fill_null("") != ""
    )
    applied = applied.with_columns(
        new_kpj=pl.when((pl.col("kpj") != "") & ~contested)
        .then(pl.col("kpj"))
        .otherwise(pl.col("old_kpj").fill_null("")),
        new_tmt=pl.coalesce("tmt", "old_tmt"),
    )
    changed = (
        pl.col("enrolment_id").is_null()
        | (pl.col("new_kpj") != pl.col("old_kpj").fill_null(""))
        | (pl.col("status") != pl.col("old_bpjs_status").fill_null(""))
        | (pl.col("reason") != pl.col("old_bpjs_reason").fill_null(""))
        | (pl.col("reason_code") != pl.col("old_bpjs_reason_code").fill_null(""))
        | (pl.col("new_tmt").is_not_null() & pl.col("old_tmt").is_null())
        | (pl.col("new_tmt") != pl.col("old_tmt"))
    ).fill_null(True)
    applied = applied.with_columns(
        outcome=pl.when(changed)
        .then(pl.lit(RowOutcome.APPLIED.value))
        .otherwise(pl.lit(RowOutcome.UNCHANGED.value))
    )
    rows = (
        rows.join(
            applied.select("sheet", "row_number", pl.col("outcome").alias("_applied")),
            on=["sheet", "row_number"],
            how="left",
        )
        .with_columns(outcome=pl.coalesce("outcome", "_applied"))
        .drop("_applied")
    )
    counted = rows.filter(pl.col("outcome").is_in([RowOutcome.APPLIED, RowOutcome.UNCHANGED]))
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        made = ResponseFile.objects.create(
            programme=programme,
            file_name=name[:255],
            sha256=digest,
            size=size,
            file_format=response.table.format,
            header_row=response.table.header_row,
            nik_column=response.column("nik") or "",
            kpj_column=response.column("kpj") or "",
            status_column=response.column("status") or "",
            reason_column=response.column("reason") or "",
            tmt_column=response.column("tmt") or "",
            name_column=response.column("name") or "",
            rows=rows.height,
            registered=counted.filter(pl.col("status") == "registered").height,
            rejected=counted.filter(pl.col("status") == "rejected").height,
            inactive=counted.filter(pl.col("status") == "inactive").height,
            not_in_sk=rows.filter(pl.col("outcome") == RowOutcome.NOT_IN_SK).height,
            unreadable=rows.filter(pl.col("outcome") == RowOutcome.UNREADABLE).height,
            held=rows.filter(pl.col("outcome") == RowOutcome.HELD).height,
            repeated=rows.filter(pl.col("outcome") == RowOutcome.REPEATED).height,
            changed=applied.filter(pl.col("outcome") == RowOutcome.APPLIED).height,
            imported_by=user,
        )
        _write_rows(made, rows)
        # The whole programme's enrolments, grouped: ids of a million answers would not fit a
        # query's parameters, and a programme's enrolments are a few thousand groups.
        with enrolment_tallies_kept(Enrolment.objects.filter(programme=programme)):
            _write_enrolments(programme, made, applied.filter(pl.col("outcome") == "applied"), now)
    return ResponseResult(made, already=False)


def _shared_kpj(rows: pl.DataFrame) -> pl.DataFrame:
    """KPJ_SHARED on rows whose KPJ the file (or another person's enrolment) gives to another
    NIK."""
    with_kpj = rows.filter(pl.col("readable") & (pl.col("kpj") != ""))
    in_file = (
        with_kpj.group_by("kpj")
        .agg(pl.col("nik_index").n_unique().alias("niks"))
        .filter(pl.col("niks") > 1)
        .select("kpj")
    )
    elsewhere = bulk.rows_matching(
        Enrolment,
        "kpj",
        with_kpj["kpj"].unique().to_list(),
        ["kpj", "person_id"],
        {"kpj": pl.String(), "holder_id": pl.Int64()},
    )
    clash = (
        with_kpj.select("kpj", "person_id")
        .join(elsewhere, on="kpj", how="inner")
        .filter(pl.col("person_id").is_null() | (pl.col("person_id") != pl.col("holder_id")))
        .select("kpj")
    )
    shared = pl.concat([in_file, clash]).unique()["kpj"].implode()
    flag = (pl.col("kpj") != "") & pl.col("kpj").is_in(shared)
    return rows.with_columns(
        problems=pl.when(flag)
        .then(pl.concat_list([pl.col("problems"), pl.lit(["KPJ_SHARED"])]))
        .otherwise(pl.col("problems"))
    )


def _with_nik_ciphers(made: ResponseFile, rows: pl.DataFrame) -> pl.DataFrame:
    """``nik_cipher`` of each readable NIK, bound to its response row (response, sheet, row)."""
    rows = rows.with_columns(pl.col("sheet").str.slice(0, 100))
    niks = rows.select(pl.when("readable").then("nik"))["nik"].to_list()
    keys = [(made.pk, sheet, row) for sheet, row in rows.select("sheet", "row_number").rows()]
    ciphers = crypto.encrypt_many(niks, slot=crypto.slot(ResponseRow, "nik_cipher"), rows=keys)
    return rows.with_columns(pl.Series("nik_cipher", ciphers, pl.Binary))


def _write_rows(made: ResponseFile, rows: pl.DataFrame) -> None:
    bulk.copy_frame(
        ResponseRow,
        _with_nik_ciphers(made, rows).select(
            pl.lit(made.pk, pl.Int64).alias("response_id"),
            "sheet",
            "row_number",
            "nik_index",
            "nik_cipher",
            "nik_text",
            "name",
            "kpj",
            "kpj_text",
            pl.col("status").fill_null(""),
            "status_text",
            "reason",
            "reason_code",
            "tmt",
            "tmt_text",
            "person_id",
            "outcome",
            "repeat_of",
            pl.col("conflict_rows").fill_null("").str.slice(0, 200),
            pl.col("problems").list.join(",").str.slice(0, 200).alias("problems"),
        ),
    )


def _write_enrolments(
    programme: Programme, made: ResponseFile, applied: pl.DataFrame, now: object
) -> None:
    values = applied.select(
        "enrolment_id",
        "person_id",
        "region_id",
        pl.col("new_kpj").alias("kpj"),
        pl.col("status").alias("bpjs_status"),
        pl.col("reason").alias("bpjs_reason"),
        pl.col("reason_code").alias("bpjs_reason_code"),
        pl.col("new_tmt").alias("tmt"),
        pl.lit(made.pk, pl.Int64).alias("response_id"),
        pl.lit(now).dt.convert_time_zone("UTC").alias("updated_at"),
    )
    existing = values.filter(pl.col("enrolment_id").is_not_null())
    bulk.update_from_frame(
        Enrolment,
        existing.drop("person_id", "region_id").rename({"enrolment_id": "id"}),
        key=["id"],
    )
    new = values.filter(pl.col("enrolment_id").is_null())
    if new.height:
        first = bulk.reserve_ids(Enrolment, new.height)
        bulk.copy_frame(
            Enrolment,
            new.drop("enrolment_id").with_columns(
                id=pl.int_range(first, first + new.height, dtype=pl.Int64),
                programme_id=pl.lit(programme.pk, pl.Int64),
                base_month=pl.lit(programme.first_month),
                paid_mask=pl.lit(0, pl.Int64),
            ),
        )
