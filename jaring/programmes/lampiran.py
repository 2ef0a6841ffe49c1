"""The decree's attachment (lampiran): the table of beneficiaries, as csv, xlsx and PDF.

A signed version is rendered from its frozen rows (:class:`~jaring.programmes.models.
DecreeMember`) and frozen title block only, with fixed document dates and identifiers, so the
same version gives the same bytes for as long as it exists — whatever happens to the registry
afterwards. A draft is rendered from the registry as it is now, marked as a draft.

Full NIKs only for roles with the export right (others get the masked NIK of
:func:`jaring.accounts.roles.mask_nik`); every file that leaves the system is recorded by
:func:`jaring.audit.door.take_out`, the door of every bulk release: the export right and one
record (see :func:`lampiran_export`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

import polars as pl
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from jaring.accounts.roles import mask_nik
from jaring.audit.door import door_check, masking_for, take_out
from jaring.audit.models import Channel
from jaring.core import bulk, crypto
from jaring.core.spreadsheets import csv_safe
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.models import MEMBER_NIK_SLOT, Decree, DecreeMember
from jaring.programmes.pdf_parts import render_parts
from jaring.programmes.services.signing import document_title, issuer_of, members_frame
from jaring.registry.models.people import NIK_SLOT

if TYPE_CHECKING:
    from jaring.accounts.models import User

LampiranFormat = Literal["csv", "xlsx", "pdf"]
FORMATS: tuple[LampiranFormat, ...] = ("csv", "xlsx", "pdf")
MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_ID_LONG = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
#: Columns of the csv (and the xlsx's table), in the lampiran's order.
CSV_COLUMNS = (
    "no",
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "desa_kelurahan",
    "kecamatan",
    "pekerjaan",
)
HEADINGS = (
    "No",
    "NIK",
    "Nama",
    "Tanggal lahir",
    "L/P",
    "Alamat",
    "Desa/Kelurahan",
    "Kecamatan",
    "Pekerjaan",
)


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def long_date(day: date | None) -> str:
    """'28 Agustus 2023' (the decree's own dates)."""
    return f"{day.day} {MONTHS_ID_LONG[day.month - 1]} {day.year}" if day else "…"


@dataclass(frozen=True)
class TitleBlock:
    """What the lampiran says above and below its table."""

    issuer: str
    number: str
    signed_on: date | None
    about: str
    place: str
    signatory_title: str
    signatory_name: str
    legal_basis: str
    people: int
    monthly_iuran: int
    total_iuran: int
    months: int
    first_month: date
    last_month: date
    draft: bool
    #: The document's own date (the moment of signing): fixed, so files are reproducible.
    stamp: datetime


def title_block(decree: Decree) -> TitleBlock:
    programme = decree.programme
    if decree.is_signed:
        issuer, about, basis = decree.issuer, decree.document_title, decree.legal_basis
        stamp = decree.signed_at or timezone.now()
    else:
        issuer, about, basis = (
            issuer_of(programme.region),
            document_title(programme),
            programme.legal_basis,
        )
        stamp = decree.computed_at or timezone.now()
    place = (
        issuer.split(" ", 2)[-1]
        if issuer.startswith(("Wali Kota", "Kepala Desa"))
        else (issuer.split(" ", 1)[-1])
    )
    return TitleBlock(
        issuer=issuer,
        number=decree.number,
        signed_on=decree.signed_on,
        about=about,
        place=place,
        signatory_title=decree.signatory_title or issuer,
        signatory_name=decree.signatory_name,
        legal_basis=basis,
        people=decree.people,
        monthly_iuran=decree.monthly_iuran,
        total_iuran=decree.total_iuran,
        months=decree.months,
        first_month=decree.first_month,
        last_month=decree.last_month,
        draft=not decree.is_signed,
        stamp=stamp,
    )


_FROZEN_SCHEMA: dict[str, pl.DataType] = {
    "no": pl.Int64(),
    "nik_cipher": pl.Binary(),
    "nama": pl.String(),
    "birth_date": pl.Date(),
    "jenis_kelamin": pl.String(),
    "address": pl.String(),
    "rt_rw": pl.String(),
    "desa_kelurahan": pl.String(),
    "kecamatan": pl.String(),
    "pekerjaan": pl.String(),
    "region_id": pl.String(),
}


def _rows(decree: Decree) -> pl.DataFrame:
    """The lampiran's rows with their NIKs decrypted (``nik``): frozen in a signed decree,
    as the registry has them now in a draft."""
    if decree.is_signed:
        frozen = bulk.read_frame(
            DecreeMember.objects.order_by("position")
            .filter(decree=decree)
            .values_list(
                "position",
                "nik_cipher",
                "name",
                "birth_date",
                "sex",
                "address",
                "rt_rw",
                "village_name",
                "district_name",
                "occupation_name",
                "region_id",
            ),
            _FROZEN_SCHEMA,
        ).sort("no")
        niks = crypto.decrypt_many(
            frozen["nik_cipher"].to_list(),
            slot=MEMBER_NIK_SLOT,
            rows=[(decree.pk, position) for position in frozen["no"]],
        )
        return frozen.with_columns(nik=pl.Series(niks, dtype=pl.String)).drop("nik_cipher")
    live = members_frame(decree)
    niks = crypto.decrypt_many(
        live["nik_cipher"].to_list(), slot=NIK_SLOT, rows=live["person_id"].to_list()
    )
    return live.with_columns(nik=pl.Series(niks, dtype=pl.String)).select(
        pl.col("position").alias("no"),
        "nik",
        pl.col("name").alias("nama"),
        "birth_date",
        pl.col("sex").alias("jenis_kelamin"),
        pl.col("address").fill_null(""),
        pl.col("rt_rw").fill_null(""),
        pl.col("village_name").fill_null("").alias("desa_kelurahan"),
        pl.col("district_name").fill_null("").alias("kecamatan"),
        pl.coalesce("category_name", "occupation_text", pl.lit("")).alias("pekerjaan"),
        "region_id",
    )


def lampiran_frame(decree: Decree, *, full_nik: bool) -> pl.DataFrame:
    """The lampiran's rows: :data:`CSV_COLUMNS` plus ``birth_date`` (a date) and
    ``region_id``; NIKs decrypted column-wise, masked unless ``full_nik``."""
    rows = _rows(decree)
    niks = rows["nik"].to_list()
    if not full_nik:
        niks = [mask_nik(n) if n else n for n in niks]
    months = {i + 1: name for i, name in enumerate(MONTHS_ID)}
    birth = pl.col("birth_date")
    return rows.with_columns(
        nik=pl.Series(niks, dtype=pl.String),
        tanggal_lahir=pl.when(birth.is_null())
        .then(pl.lit("—"))
        .otherwise(
            pl.format(
                "{} {} {}",
                birth.dt.day(),
                birth.dt.month().replace_strict(months, return_dtype=pl.String),
                birth.dt.year(),
            )
        ),
        alamat=pl.when(pl.col("rt_rw") != "")
        .then(pl.format("{} RT/RW {}", pl.col("address"), pl.col("rt_rw")))
        .otherwise(pl.col("address"))
        .str.strip_chars(),
    ).select(*CSV_COLUMNS, "birth_date", "region_id")


def totals_by_category(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.group_by("pekerjaan")
        .len("jumlah")
        .sort(["jumlah", "pekerjaan"], descending=[True, False])
    )


def totals_by_village(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.group_by("region_id", "kecamatan", "desa_kelurahan")
        .len("jumlah")
        .sort("region_id")
        .drop("region_id")
    )


# --- csv and xlsx --------------------------------------------------------------------------


def write_csv(frame: pl.DataFrame, output: Writable) -> None:
    buffer = io.BytesIO()
    csv_safe(frame.select(CSV_COLUMNS)).write_csv(buffer)
    output.write(buffer.getvalue())


def write_xlsx(frame: pl.DataFrame, block: TitleBlock, output: Writable) -> None:
    """The lampiran as a workbook: the title block, the table (real dates, NIK as text),
    page set-up for printing, and two sheets of totals. Reproducible: the document date is
    the signing's."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    workbook.set_properties(
        {
            "title": f"Lampiran {block.issuer} {block.number}".strip(),
            "subject": block.about,
            "author": "Jaring",
            "created": block.stamp.astimezone(timezone.get_current_timezone()).replace(
                tzinfo=None, microsecond=0
            ),
        }
    )
    bold = workbook.add_format({"bold": True})
    head = workbook.add_format(
        {"bold": True, "border": 1, "bg_color": "#E8EEF4", "text_wrap": True}
    )
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet = workbook.add_worksheet("Lampiran")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&CHalaman &P dari &N")
    for column, width in enumerate((6, 19, 30, 12, 5, 36, 22, 20, 26)):
        sheet.set_column(column, column, width)
    row = 0
    for line in _title_lines(block):
        sheet.write_string(row, 0, line, bold)
        row += 1
    row += 1
    header_row = row
    sheet.write_row(header_row, 0, HEADINGS, head)
    sheet.repeat_rows(header_row)
    row += 1
    columns = frame.select(
        "no",
        "nik",
        "nama",
        "birth_date",
        "jenis_kelamin",
        "alamat",
        "desa_kelurahan",
        "kecamatan",
        "pekerjaan",
    )
    for values in columns.iter_rows():
        no, nik, name, birth, sex, address, village, district, occupation = values
        sheet.write_number(row, 0, no)
        sheet.write_string(row, 1, nik or "", text)
        sheet.write_string(row, 2, name or "")
        if birth is not None:
            sheet.write_datetime(row, 3, datetime(birth.year, birth.month, birth.day), day)
        sheet.write_string(row, 4, sex or "")
        sheet.write_string(row, 5, address or "")
        sheet.write_string(row, 6, village or "")
        sheet.write_string(row, 7, district or "")
        sheet.write_string(row, 8, occupation or "")
        row += 1
    row += 1
    for line in _signature_lines(block):
        sheet.write_string(row, 5, line)
        row += 1
    by_category = totals_by_category(frame)
    _totals_sheet(workbook, "Per kategori", ("Pekerjaan", "Jumlah"), by_category, head)
    _totals_sheet(
        workbook,
        "Per desa",
        ("Kecamatan", "Desa/Kelurahan", "Jumlah"),
        totals_by_village(frame),
        head,
    )
    workbook.close()
    output.write(buffer.getvalue())


def _totals_sheet(
    workbook: object, name: str, headings: tuple[str, ...], totals: pl.DataFrame, head: object
) -> None:
    sheet = workbook.add_worksheet(name)  # type: ignore[attr-defined]
    sheet.write_row(0, 0, headings, head)
    for i, values in enumerate(totals.iter_rows(), start=1):
        sheet.write_row(i, 0, values)
    sheet.write_string(totals.height + 1, 0, "Jumlah")
    sheet.write_number(totals.height + 1, len(headings) - 1, int(totals["jumlah"].sum()))
    sheet.set_column(0, len(headings) - 1, 28)


def _title_lines(block: TitleBlock) -> list[str]:
    lines = [
        "LAMPIRAN",
        f"KEPUTUSAN {block.issuer.upper()}",
        f"NOMOR : {block.number or '…'}",
        f"TANGGAL : {long_date(block.signed_on)}",
        f"TENTANG : {block.about.upper()}",
    ]
    if block.draft:
        lines.insert(0, "DRAF — BELUM DITANDATANGANI")
    return lines


def _signature_lines(block: TitleBlock) -> list[str]:
    return [
        f"Ditetapkan di {block.place}",
        f"pada tanggal {long_date(block.signed_on)}",
        f"{block.signatory_title.upper()},",
        "",
        "",
        block.signatory_name or "……………………………",
    ]


# --- PDF ---------------------------------------------------------------------------------------

#: Rows per part of a PDF: each part is laid out alone (progress between parts), then the
#: parts are joined into one document and every page stamped with its number.
PDF_PART_ROWS = 1000
Progress = Callable[[int, int], None]

#: The page box of the lampiran and of its number stamps: both must lay out alike.
PAGE_CSS = "size: A4 landscape; margin: 14mm 12mm 16mm 12mm;"


def _part_html(frame: pl.DataFrame, block: TitleBlock, part: int, parts: int) -> str:
    rows = (
        frame.slice(part * PDF_PART_ROWS, PDF_PART_ROWS)
        .select(column for column in CSV_COLUMNS if column != "kecamatan")
        .rows()
    )
    last = part == parts - 1
    return render_to_string(
        "programmes/lampiran.html",
        {
            "block": block,
            "page_css": PAGE_CSS,
            "title_lines": _title_lines(block),
            "signature_lines": _signature_lines(block),
            "rows": rows,
            "first": part == 0,
            "last": last,
            "by_category": totals_by_category(frame).rows() if last else (),
            "by_village": totals_by_village(frame).rows() if last else (),
            "stamp": block.stamp.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )


def write_pdf(
    frame: pl.DataFrame,
    block: TitleBlock,
    output: Writable,
    *,
    identifier: str,
    progress: Progress | None = None,
    processes: int = 2,
) -> int:
    """Render the lampiran as an A4 landscape PDF; returns its number of pages. ``progress``
    is called with (rows done, rows in all) after each part.

    WeasyPrint lays a 10,000-row table out at about a thousand rows in 7–15 s of one core, so
    the parts are rendered by ``processes`` workers side by side (:mod:`.pdf_parts`), none
    waiting for another: page numbers are not laid out with the parts but stamped on the joined
    pages afterwards ("Halaman 3 dari 412", from one small document of numbered empty pages).
    The join uses pypdf with fixed metadata (the signing's date), so the bytes are the same on
    every rendering and with any number of workers.
    """
    parts = max(1, -(-frame.height // PDF_PART_ROWS))
    htmls = [_part_html(frame, block, part, parts) for part in range(parts)]
    done = 0
    pdfs: list[bytes] = []
    for part, pdf in enumerate(render_parts(htmls, processes)):
        pdfs.append(pdf)
        done += min(PDF_PART_ROWS, frame.height - part * PDF_PART_ROWS)
        if progress is not None:
            progress(max(done, 0), frame.height)
    return _join(pdfs, block, identifier, output)


def _page_numbers(pages: int) -> bytes:
    """``pages`` empty pages of the lampiran's size, each with only its number."""
    import weasyprint

    html = (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><style>'
        f'@page {{ {PAGE_CSS} @bottom-right {{ content: "Halaman " counter(page) '
        f'" dari {pages}"; font: 7pt "DejaVu Sans"; color: #555; }} }}'
        "div { break-after: page; height: 1px; } div:last-child { break-after: auto; }"
        "</style></head><body>" + "<div></div>" * pages + "</body></html>"
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def _join(pdfs: list[bytes], block: TitleBlock, identifier: str, output: Writable) -> int:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    numbers = PdfReader(io.BytesIO(_page_numbers(len(writer.pages))))
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(number)
        # The merged content is written uncompressed otherwise: ten times the bytes.
        page.compress_content_streams()
    writer.compress_identical_objects()
    stamp = block.stamp.astimezone(timezone.get_current_timezone()).strftime("D:%Y%m%d%H%M%S")
    writer.add_metadata(
        {
            "/Title": f"Lampiran Keputusan {block.issuer} {block.number}".strip(),
            "/Subject": block.about,
            "/Producer": "Jaring (WeasyPrint, pypdf)",
            "/CreationDate": stamp,
            "/ModDate": stamp,
            "/Keywords": hashlib.sha256(identifier.encode()).hexdigest()[:16],
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    output.write(buffer.getvalue())
    return len(writer.pages)


# --- exports (audited) -------------------------------------------------------------------


def full_nik_allowed(user: User | None) -> bool:
    """Whether the lampiran ``user`` may take shows full NIKs: the role's masking (the door
    lets out a lampiran only to the command line and roles with the export right)."""
    return masking_for(user).full_nik


def lampiran_export(
    *,
    decree: Decree,
    user: User | None,
    channel: Channel,
    file_format: str,
    output: Writable,
    remote_addr: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the lampiran of ``decree`` (already restricted to what ``user`` may see) to
    ``output`` and record the export; returns the number of rows."""
    if file_format not in FORMATS:
        raise ProgrammeError("FORMAT_UNKNOWN", format=file_format)
    full = full_nik_allowed(user)
    door_check(user)
    with transaction.atomic():
        frame = lampiran_frame(decree, full_nik=full)
        block = title_block(decree)
        take_out(
            actor=user,
            channel=channel,
            kind="lampiran",
            description=(
                f"Lampiran SK {decree.programme.name} v{decree.version}"
                f"{' ' + decree.number if decree.number else ' (draf)'}"
                f"{'' if full else ', NIK disamarkan'}"
            ),
            region_code=decree.programme.region_id,
            row_count=frame.height,
            file_format=file_format,
            remote_addr=remote_addr,
        )
    if file_format == "csv":
        write_csv(frame, output)
    elif file_format == "xlsx":
        write_xlsx(frame, block, output)
    else:
        write_pdf(
            frame,
            block,
            output,
            identifier=f"jaring-sk-{decree.pk}-{decree.number}-{full}",
            progress=progress,
        )
    return frame.height
