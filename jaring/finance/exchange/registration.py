"""The collective registration file of a signed decree version, for the BPJS branch.

Rows come from the decree's frozen lampiran (:class:`~jaring.programmes.models.DecreeMember`:
NIK, name, birth, address, desa, occupation as they were on signing) plus the mobile number
from the registry; columns from the :class:`~jaring.finance.models.RegistrationTemplate` of the
programme's region (or the national one). By default only people not yet registered at BPJS
(no enrolment answered "registered"); ``everyone`` for a renewal. Full NIKs go out, so only
roles with the export right may make it, and every file is recorded in the audit trail of
exports in the transaction that reads the rows.
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Protocol, cast

import polars as pl
from django.db import transaction

from jaring.audit.door import masked, may_take, take_out
from jaring.audit.models import Channel
from jaring.core import bulk, crypto
from jaring.core.scoping import region_in_scope
from jaring.core.spreadsheets import csv_safe
from jaring.finance.errors import FinanceError
from jaring.finance.models import (
    DEFAULT_COLUMNS,
    BpjsStatus,
    Enrolment,
    RegistrationFile,
    RegistrationTemplate,
)
from jaring.programmes.models import MEMBER_NIK_SLOT, Decree, DecreeMember, Funder, WadahType
from jaring.registry.models.people import PHONE_SLOT
from jaring.rules.months import Month

if TYPE_CHECKING:
    from jaring.accounts.models import User

FORMATS = ("csv", "xlsx")


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def template_for(region_code: str) -> RegistrationTemplate | None:
    """The template of the region or its nearest parent, else the national one."""
    codes = [region_code[:n] for n in (13, 8, 5, 2) if len(region_code) >= n]
    found = {t.region_id: t for t in RegistrationTemplate.objects.filter(region_id__in=codes)}
    for code in codes:
        if code in found:
            return found[code]
    return RegistrationTemplate.objects.filter(region__isnull=True).order_by("pk").first()


def template_columns(template: RegistrationTemplate | None) -> list[tuple[str, str]]:
    if template is None:
        return list(DEFAULT_COLUMNS)
    return [(c.field, c.heading) for c in template.columns.order_by("position")] or list(
        DEFAULT_COLUMNS
    )


ROW_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "position": pl.Int64(),
    "nik_cipher": pl.Binary(),
    "name": pl.String(),
    "birth_place": pl.String(),
    "birth_date": pl.Date(),
    "sex": pl.String(),
    "address": pl.String(),
    "rt_rw": pl.String(),
    "region_id": pl.String(),
    "village": pl.String(),
    "district": pl.String(),
    "occupation": pl.String(),
    "income_basis": pl.Int64(),
    "phone_cipher": pl.Binary(),
}


def _period(decree: Decree) -> str:
    first, last = Month.of(decree.first_month), Month.of(decree.last_month)
    return f"{first.month:02d}/{first.year}–{last.month:02d}/{last.year}"


def registration_frame(decree: Decree, *, everyone: bool) -> pl.DataFrame:
    """The decree's people to register, one row each, with every field a template can use."""
    rows = bulk.read_frame(
        DecreeMember.objects.order_by("position")
        .filter(decree=decree)
        .values_list(
            "person_id",
            "position",
            "nik_cipher",
            "name",
            "birth_place",
            "birth_date",
            "sex",
            "address",
            "rt_rw",
            "region_id",
            "village_name",
            "district_name",
            "occupation_name",
            "income_basis",
            "person__phone_cipher",
        ),
        ROW_SCHEMA,
    )
    if not everyone:
        registered = bulk.read_frame(
            Enrolment.objects.order_by()
            .filter(programme_id=decree.programme_id, bpjs_status=BpjsStatus.REGISTERED)
            .values_list("person_id"),
            {"person_id": pl.Int64()},
        )
        rows = rows.join(registered, on="person_id", how="anti")
    niks = crypto.decrypt_many(
        cast("list[bytes]", rows["nik_cipher"].to_list()),
        slot=MEMBER_NIK_SLOT,
        rows=[(decree.pk, position) for position in rows["position"]],
    )
    phones = crypto.decrypt_many(
        rows["phone_cipher"].to_list(), slot=PHONE_SLOT, rows=rows["person_id"].to_list()
    )
    benefits = "JKK+JKM+JHT" if decree.jht else "JKK+JKM"
    return rows.with_columns(
        nik=pl.Series(niks, dtype=pl.String),
        phone=pl.Series(phones, dtype=pl.String).fill_null(""),
        region_code=pl.col("region_id"),
        benefits=pl.lit(benefits),
        period=pl.lit(_period(decree)),
        funder=pl.lit(str(Funder(decree.funder).label)),
        wadah=pl.lit(str(decree.programme.wadah)),
        wadah_label=pl.lit(str(WadahType(decree.programme.wadah).label)),
        sk_number=pl.lit(decree.number),
        kpj=pl.lit(""),
        address=pl.when(pl.col("rt_rw").fill_null("") != "")
        .then(pl.concat_str([pl.col("address").fill_null(""), pl.lit(" RT/RW "), pl.col("rt_rw")]))
        .otherwise(pl.col("address").fill_null("")),
        birth_date=pl.col("birth_date").dt.strftime("%d-%m-%Y"),
    ).drop("nik_cipher", "phone_cipher", "position")


def registration_file_make(
    *,
    user: User | None,
    decree: Decree,
    file_format: str,
    output: Writable,
    everyone: bool = False,
    channel: Channel = Channel.CLI,
    remote_addr: str | None = None,
) -> RegistrationFile:
    """Write the registration file of ``decree`` to ``output``; audited. Refused for a draft,
    an unknown format, a role without the export right or a decree outside the user's
    regions."""
    if file_format not in FORMATS:
        raise FinanceError("FORMAT_UNKNOWN", format=file_format)
    if not decree.is_signed:
        raise FinanceError("DECREE_NOT_SIGNED", version=decree.version)
    programme = decree.programme
    if user is not None:
        if not region_in_scope(user, programme.region_id):
            raise FinanceError("REGION_OUT_OF_SCOPE", code=programme.region_id)
        if not may_take(user):  # the door (take_out below checks again and records)
            raise FinanceError("NOT_ALLOWED", what="registration file")
    template = template_for(programme.region_id)
    columns = template_columns(template)
    with transaction.atomic():
        frame = masked(
            registration_frame(decree, everyone=everyone),
            user,
            nik=["nik"],
            phone=["phone"],
            birth_date=["birth_date"],
        )
        table = frame.select(
            pl.col(field).cast(pl.String).fill_null("").alias(heading) for field, heading in columns
        )
        buffer = io.BytesIO()
        if file_format == "csv":
            csv_safe(table).write_csv(buffer)
        else:
            table.write_excel(buffer, worksheet="pendaftaran", autofit=True)
        data = buffer.getvalue()
        take_out(
            actor=user,
            channel=channel,
            kind="bpjs-registration",
            description=(
                f"Pendaftaran kolektif BPJS: {programme.name}, SK {decree.number}"
                + (" (semua)" if everyone else "")
            ),
            region_code=programme.region_id,
            row_count=table.height,
            file_format=file_format,
            remote_addr=remote_addr,
        )
        made = RegistrationFile.objects.create(
            decree=decree,
            template=template,
            everyone=everyone,
            file_format=file_format,
            rows=table.height,
            sha256=hashlib.sha256(data).hexdigest(),
            created_by=user,
        )
    output.write(data)
    return made
