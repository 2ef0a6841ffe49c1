"""Exports of people: one function for the web page, the API and ``jaring export people``.

Every export passes the door (:func:`jaring.audit.door.take_out`: the export right, one audit
record) in the same transaction that reads the rows, so an export without its audit record
cannot happen; the actor's masking is applied (:func:`jaring.audit.door.masked`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, cast

import polars as pl
from django.db import transaction
from django.db.models import QuerySet

from jaring.accounts.roles import mask_nik
from jaring.audit.door import DoorClosed, door_check, masked, take_out
from jaring.audit.models import Channel
from jaring.core import crypto
from jaring.core.messages import active_language
from jaring.core.scoping import within_q
from jaring.core.spreadsheets import csv_safe
from jaring.regions.models import Region
from jaring.registry.fields import EXPORTED, FIELDS_BY_COLUMN, column_schema
from jaring.registry.imports.services import import_workbook
from jaring.registry.models import ImportBatch, OccupationCategory, Person, PersonStatus, Sex
from jaring.rules.messages import gettext_noop, translate

if TYPE_CHECKING:
    from jaring.accounts.models import User

ExportFormat = Literal["csv", "xlsx"]


class Writable(Protocol):
    """Where an export goes: a file, standard output's buffer, or an HttpResponse."""

    def write(self, data: bytes, /) -> object: ...


def people_frame(
    people: QuerySet[Person], *, show_full_nik: bool = True, with_phone: bool = False
) -> pl.DataFrame:
    """The export columns of ``people`` (:data:`~jaring.registry.fields.EXPORTED`, and the phone
    when ``with_phone``): one query, NIKs and phones decrypted column-wise."""
    exported = (*EXPORTED, "phone") if with_phone else EXPORTED
    fields = [FIELDS_BY_COLUMN[c] for c in exported]
    lookups = [
        f"{f.column}_cipher" if f.secret else f.lookup or f.stored_as or f.column for f in fields
    ]
    rows = list(people.order_by("region_id", "name_normalized", "id").values_list("id", *lookups))
    columns: list[tuple[object, ...]] = (
        list(zip(*rows, strict=True)) if rows else [() for _ in range(len(exported) + 1)]
    )
    ids, columns = columns[0], columns[1:]
    data: dict[str, list[object]] = {}
    for field, values in zip(fields, columns, strict=True):
        if field.secret:
            where = crypto.slot(Person, f"{field.column}_cipher")
            ciphers = cast("tuple[bytes, ...]", values)
            data[field.column] = list(crypto.decrypt_many(ciphers, slot=where, rows=ids))
        else:
            data[field.column] = list(values)
    if not show_full_nik:
        data["nik"] = [mask_nik(str(n)) if n else n for n in data["nik"]]
    return pl.DataFrame(data, schema=column_schema(exported))


#: Headers of a readable export (msgids: Indonesian on an Indonesian page, English on an English
#: one), in order; the phone only for roles that may see it.
READABLE_HEADERS: dict[str, str] = {
    "nik": gettext_noop("NIK"),
    "name": gettext_noop("Name"),
    "birth_place": gettext_noop("Place of birth"),
    "birth_date": gettext_noop("Date of birth"),
    "sex": gettext_noop("Sex"),
    "address": gettext_noop("Address"),
    "rt_rw": gettext_noop("RT/RW"),
    "village_name": gettext_noop("Desa/kelurahan"),
    "kecamatan_name": gettext_noop("Kecamatan"),
    "phone": gettext_noop("Phone"),
    "occupation_text": gettext_noop("Occupation (as written)"),
    "occupation_label": gettext_noop("Occupation category"),
    "status_label": gettext_noop("Status"),
    "village_code": gettext_noop("Desa code"),
    "occupation_code": gettext_noop("Category code"),
}


def readable_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (:func:`people_frame` of ``people``) as a person reads it: headers in the
    reader's language, sexes, categories and statuses as words, dates as ``17-08-1980``, the
    kecamatan's name beside the desa, the phone where the role may see it; codes last, as
    columns of their own."""
    language = active_language()
    villages = frame["village_code"].drop_nulls().unique().to_list()
    kecamatan = dict(
        Region.objects.filter(code__in={v[:8] for v in villages}).values_list("code", "name")
    )
    categories = {
        code: translate(name, language)
        for code, name in OccupationCategory.objects.values_list("code", "name")
    }
    sexes = {str(k): str(v) for k, v in Sex.choices}
    statuses = {str(k): str(v) for k, v in PersonStatus.choices}
    readable = frame.with_columns(
        # A masked birth date is the year alone, already text.
        pl.col("birth_date").dt.strftime("%d-%m-%Y")
        if frame.schema["birth_date"] == pl.Date
        else pl.col("birth_date").cast(pl.String),
        pl.col("sex").replace_strict(sexes, default=pl.col("sex"), return_dtype=pl.String),
        pl.col("village_code")
        .str.slice(0, 8)
        .replace_strict(kecamatan, default=None, return_dtype=pl.String)
        .alias("kecamatan_name"),
        pl.col("occupation_code")
        .replace_strict(categories, default=None, return_dtype=pl.String)
        .alias("occupation_label"),
        pl.col("status")
        .replace_strict(statuses, default=pl.col("status"), return_dtype=pl.String)
        .alias("status_label"),
    )
    return readable.select(
        [
            pl.col(column).alias(translate(header, language))
            for column, header in READABLE_HEADERS.items()
            if column in readable.columns
        ]
    )


def people_export(
    *,
    people: QuerySet[Person],
    actor: User | None,
    channel: Channel,
    region_code: str,
    file_format: ExportFormat,
    output: Writable,
    description: str = "",
    remote_addr: str | None = None,
    readable: bool = False,
) -> int:
    """Write the people of ``region_code`` within ``people`` (already restricted to what the
    actor may see) to ``output``; returns the number of rows. Audited.

    ``readable`` (the web page's download) gives headers and values in the reader's language
    (:func:`readable_frame`); the command line and the API keep the field names and codes of
    :data:`~jaring.registry.fields.EXPORTED`, which scripts read."""
    with transaction.atomic():
        selected = people.exclude(status=PersonStatus.MERGED).filter(
            within_q("region", [region_code])
        )
        show_phone = readable and (actor is None or actor.capabilities.see_phone)
        frame = people_frame(selected, with_phone=show_phone)
        take_out(
            actor=actor,
            channel=channel,
            kind="people",
            description=description or f"Daftar orang wilayah {region_code}",
            region_code=region_code,
            row_count=frame.height,
            file_format=file_format,
            remote_addr=remote_addr,
        )
        frame = masked(frame, actor, nik=["nik"], phone=["phone"], birth_date=["birth_date"])
        if readable:
            frame = readable_frame(frame)
    # Through a buffer: polars expects a file whose write() returns a count, which an
    # HttpResponse does not.
    buffer = io.BytesIO()
    if file_format == "csv":
        csv_safe(frame).write_csv(buffer)
    else:
        frame.write_excel(buffer, worksheet="orang", autofit=True)
    output.write(buffer.getvalue())
    return frame.height


def import_workbook_release(
    batch: ImportBatch,
    *,
    actor: User | None,
    channel: Channel,
    only_problems: bool,
    language: Literal["id", "en"] = "id",
    remote_addr: str | None = None,
) -> Path:
    """An import's result workbook (:func:`~jaring.registry.imports.services.import_workbook`)
    through the door: the uploaded rows as they came, so a raw release (only a role that sees
    every field whole), except that the uploader may take back the problem rows of their own
    file. Checked before the workbook is built, recorded once it is."""
    own = _own_problems(batch, actor, only_problems=only_problems)
    door_check(actor, raw=True, own_upload=own)
    with transaction.atomic():
        path = import_workbook(batch, only_problems=only_problems, language=language)
        take_out(
            actor=actor,
            channel=channel,
            kind="import_result",
            description=f"Hasil impor #{batch.pk} {batch.file_name}"
            + (" (baris bermasalah)" if only_problems else " (semua baris)"),
            region_code=batch.region_id,
            row_count=batch.warnings + batch.held + batch.rejected if only_problems else batch.rows,
            file_format="xlsx",
            remote_addr=remote_addr,
            raw=True,
            own_upload=own,
        )
    return path


def _own_problems(batch: ImportBatch, actor: User | None, *, only_problems: bool) -> bool:
    return only_problems and actor is not None and batch.created_by_id == actor.pk


def import_workbook_allowed(batch: ImportBatch, actor: User | None, *, only_problems: bool) -> bool:
    """Whether the door would let ``actor`` take this workbook (to show its button or not)."""
    try:
        door_check(
            actor, raw=True, own_upload=_own_problems(batch, actor, only_problems=only_problems)
        )
    except DoorClosed:
        return False
    return True
