"""Exports of people: one function for the web page, the API and ``jaring export people``.

Every export is written to the audit trail (:func:`jaring.audit.services.export_record`) in the
same transaction that reads the rows, so an export without its audit record cannot happen.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal, Protocol, cast

import polars as pl
from django.db import transaction
from django.db.models import QuerySet

from jaring.accounts.roles import mask_nik
from jaring.audit.models import Channel
from jaring.audit.services import export_record
from jaring.core import crypto
from jaring.core.scoping import within_q
from jaring.core.spreadsheets import csv_safe
from jaring.registry.fields import EXPORTED, FIELDS_BY_COLUMN, column_schema
from jaring.registry.models import Person, PersonStatus

if TYPE_CHECKING:
    from jaring.accounts.models import User

ExportFormat = Literal["csv", "xlsx"]


class Writable(Protocol):
    """Where an export goes: a file, standard output's buffer, or an HttpResponse."""

    def write(self, data: bytes, /) -> object: ...


def people_frame(people: QuerySet[Person], *, show_full_nik: bool = True) -> pl.DataFrame:
    """The export columns of ``people`` (:data:`~jaring.registry.fields.EXPORTED`): one query,
    NIKs decrypted column-wise."""
    fields = [FIELDS_BY_COLUMN[c] for c in EXPORTED]
    lookups = [
        f"{f.column}_cipher" if f.secret else f.lookup or f.stored_as or f.column for f in fields
    ]
    rows = list(people.order_by("region_id", "name_normalized", "id").values_list(*lookups))
    columns: list[tuple[object, ...]] = (
        list(zip(*rows, strict=True)) if rows else [() for _ in EXPORTED]
    )
    data: dict[str, list[object]] = {}
    for field, values in zip(fields, columns, strict=True):
        if field.secret:
            data[field.column] = list(crypto.decrypt_many(cast("tuple[bytes, ...]", values)))
        else:
            data[field.column] = list(values)
    if not show_full_nik:
        data["nik"] = [mask_nik(str(n)) if n else n for n in data["nik"]]
    return pl.DataFrame(data, schema=column_schema(EXPORTED))


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
) -> int:
    """Write the people of ``region_code`` within ``people`` (already restricted to what the
    actor may see) to ``output``; returns the number of rows. Audited."""
    with transaction.atomic():
        selected = people.exclude(status=PersonStatus.MERGED).filter(
            within_q("region", [region_code])
        )
        show_full = actor is None or actor.capabilities.see_full_nik
        frame = people_frame(selected, show_full_nik=show_full)
        export_record(
            actor=actor,
            channel=channel,
            kind="people",
            description=description or f"Daftar orang wilayah {region_code}",
            region_code=region_code,
            row_count=frame.height,
            file_format=file_format,
            remote_addr=remote_addr,
        )
    # Through a buffer: polars expects a file whose write() returns a count, which an
    # HttpResponse does not.
    buffer = io.BytesIO()
    if file_format == "csv":
        csv_safe(frame).write_csv(buffer)
    else:
        frame.write_excel(buffer, worksheet="orang", autofit=True)
    output.write(buffer.getvalue())
    return frame.height
