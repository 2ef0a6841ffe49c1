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
from jaring.registry.models import Person, PersonStatus

if TYPE_CHECKING:
    from jaring.accounts.models import User

ExportFormat = Literal["csv", "xlsx"]


class Writable(Protocol):
    """Where an export goes: a file, standard output's buffer, or an HttpResponse."""

    def write(self, data: bytes, /) -> object: ...


COLUMNS = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "village_code",
    "village_name",
    "address",
    "rt_rw",
    "occupation_text",
    "occupation_code",
    "status",
)


def people_frame(people: QuerySet[Person], *, show_full_nik: bool = True) -> pl.DataFrame:
    """The export columns of ``people``: one query, NIKs decrypted column-wise."""
    rows = list(
        people.order_by("region_id", "name_normalized", "id").values_list(
            "nik_cipher",
            "name",
            "birth_place",
            "birth_date",
            "sex",
            "region_id",
            "region__name",
            "address",
            "rt_rw",
            "occupation_text",
            "occupation_id",
            "status",
        )
    )
    columns: list[tuple[object, ...]] = (
        list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    )
    niks = crypto.decrypt_many(cast("tuple[bytes, ...]", columns[0]))
    if not show_full_nik:
        niks = [mask_nik(n) if n else n for n in niks]
    data = {name: list(values) for name, values in zip(COLUMNS[1:], columns[1:], strict=True)}
    return pl.DataFrame(
        {"nik": niks, **data},
        schema={
            "nik": pl.String,
            "name": pl.String,
            "birth_place": pl.String,
            "birth_date": pl.Date,
            "sex": pl.String,
            "village_code": pl.String,
            "village_name": pl.String,
            "address": pl.String,
            "rt_rw": pl.String,
            "occupation_text": pl.String,
            "occupation_code": pl.String,
            "status": pl.String,
        },
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
        frame.write_csv(buffer)
    else:
        frame.write_excel(buffer, worksheet="orang", autofit=True)
    output.write(buffer.getvalue())
    return frame.height
