"""Writing messy rows as the files kelurahan send: CSV (comma/UTF-8 or semicolon/Windows-1252)
and xlsx (text, number and date cells, merged title cells, several sheets)."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import xlsxwriter

from jaring.regions.datafiles import read_region_file
from jaring.synthetic.messy.damage import SEX_SPELLINGS, UNREADABLE_SEX
from jaring.synthetic.messy.rows import FIELD_ORDER, MessyRows

#: Header texts per field, as lists write them (all recognised by ``guess_mapping``).
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "N I K", "No. KTP", "NIK KTP", "Nomor Induk Kependudukan"),
    "name": ("Nama", "Nama Lengkap", "NAMA SESUAI KTP", "Nama Peserta"),
    "birth_place": ("Tempat Lahir", "Tmp Lahir", "TEMPAT LAHIR"),
    "birth_date": ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir", "TGL LAHIR (DD-MM-YYYY)"),
    "sex": ("Jenis Kelamin", "JK", "L/P", "Jenis Kelamin (L/P)"),
    "address": ("Alamat", "Alamat Lengkap", "ALAMAT RUMAH"),
    "rt_rw": ("RT/RW", "RT / RW", "Rt/Rw"),
    "desa": ("Desa/Kel", "Kelurahan", "Desa", "Desa/Kelurahan", "Kel/Desa"),
    "kecamatan": ("Kecamatan", "Kec."),
    "phone": ("No HP", "No. HP/WA", "Nomor HP", "No Telp", "HP"),
    "occupation": ("Pekerjaan", "Jenis Pekerjaan", "Profesi"),
    "income": ("Penghasilan", "Penghasilan (Rp)", "Pendapatan per Bulan"),
}
XLSX_CONSTANT_MEMORY_ROWS = 200_000
#: The groups of a two-row header: the parent cell's text over (field, sub-header, the header
#: the reader makes of it) for fields next to each other in ``FIELD_ORDER``.
TWO_ROW_GROUPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Tempat/Tgl Lahir", (("birth_place", "Tempat", "Tempat"),
                          ("birth_date", "Tanggal", "Tanggal Lahir"))),
    ("Alamat", (("address", "Jalan", "Jalan"), ("rt_rw", "RT/RW", "RT/RW"),
                ("desa", "Desa/Kel", "Desa/Kel"), ("kecamatan", "Kecamatan", "Kecamatan"))),
)  # fmt: skip
#: A two-row header writes sex as a tick under "L" or "P" (below "Jenis Kelamin"), which the
#: reader turns back into one sex column named after the group.
SEX_TICK_GROUP = "Jenis Kelamin"
SEX_TICK_COLUMNS = {"sex_l": "L", "sex_p": "P"}
#: Marks lists tick with; "✓" only where the file's encoding can hold it.
TICK_MARKS = ("v", "V", "X", "x", "1")


@dataclass(frozen=True)
class Layout:
    """Where each row landed: sheet and row number (as Excel shows it), in row order."""

    sheet_of_row: list[str]
    row_numbers: list[int]
    headers: dict[str, str]
    sheets: tuple[str, ...]
    encoding: str | None = None
    separator: str | None = None


@dataclass(frozen=True)
class HeaderRows:
    """The header as written: one row, or a parent row over a sub-header row."""

    rows: list[list[str]]
    spans: list[tuple[int, int]]  # (first, last) column of each parent cell over a group
    headers: dict[str, str]  # field -> the header the reader will show
    fields: tuple[str, ...] = FIELD_ORDER  # the written columns between "No" and "Keterangan"


def _header_rows(rng: np.random.Generator, style: str) -> HeaderRows:
    headers = _headers(rng, "standard" if style == "two-row" else style)
    if style != "two-row":
        return HeaderRows([["No", *[headers[f] for f in FIELD_ORDER], "Keterangan"]], [], headers)
    at = FIELD_ORDER.index("sex")
    fields = (*FIELD_ORDER[:at], *SEX_TICK_COLUMNS, *FIELD_ORDER[at + 1 :])
    groups = [
        *TWO_ROW_GROUPS,
        (SEX_TICK_GROUP, tuple((c, sex, SEX_TICK_GROUP) for c, sex in SEX_TICK_COLUMNS.items())),
    ]
    parent = ["No", *[headers.get(f, "") for f in fields], "Keterangan"]
    sub = [""] * len(parent)
    spans: list[tuple[int, int]] = []
    for text, members in groups:
        columns = [1 + fields.index(field) for field, _, _ in members]
        for column, (field, sub_text, read_as) in zip(columns, members, strict=True):
            parent[column], sub[column] = "", sub_text
            headers["sex" if field in SEX_TICK_COLUMNS else field] = read_as
        parent[columns[0]] = text
        spans.append((columns[0], columns[-1]))
    return HeaderRows([parent, sub], spans, headers, fields)


def _written(rows: MessyRows, header: HeaderRows, marks: tuple[str, ...]) -> pl.DataFrame:
    """The written values in the header's columns: sex as ticks when the header has them —
    under its own sex, under the other one when the list got it wrong, under both when it was
    unreadable, under neither when it was missing."""
    frame = rows.written
    if "sex_l" in header.fields:
        mark = pl.lit(pl.Series(marks)).gather(pl.int_range(pl.len()) % len(marks))
        for column, sex in SEX_TICK_COLUMNS.items():
            ticked = pl.col("sex").is_in([*SEX_SPELLINGS[sex], *UNREADABLE_SEX])
            frame = frame.with_columns(pl.when(ticked).then(mark).alias(column))
    return frame.select(header.fields)


def _headers(rng: np.random.Generator, style: str) -> dict[str, str]:
    if style == "standard":
        return {f: v[0] for f, v in HEADER_VARIANTS.items()}
    if style == "upper":
        return {f: v[0].upper() for f, v in HEADER_VARIANTS.items()}
    return {f: v[int(rng.integers(0, len(v)))] for f, v in HEADER_VARIANTS.items()}


def _titles(regency: str) -> list[str]:
    table = read_region_file()
    name = table.filter(pl.col("code") == regency)["name"][0]
    return [
        "DAFTAR PEKERJA RENTAN CALON PESERTA BPJS KETENAGAKERJAAN",
        f"{name.upper()} TAHUN 2026",
    ]


def write_csv(
    path: Path,
    rows: MessyRows,
    *,
    rng: np.random.Generator,
    title_rows: bool,
    header_style: str,
    csv_style: str,
    regency: str,
) -> Layout:
    style = (
        csv_style
        if csv_style != "random"
        else ("comma-utf8", "semicolon-cp1252")[int(rng.integers(0, 2))]
    )
    separator, encoding, eol = (
        (",", "utf-8", "\n") if style == "comma-utf8" else (";", "cp1252", "\r\n")
    )
    header = _header_rows(rng, header_style)
    columns = header.rows[0]
    head: list[list[str]] = []
    if title_rows:
        head += [[t] + [""] * (len(columns) - 1) for t in _titles(regency)]
        head.append([""] * len(columns))
    head += header.rows
    if title_rows and rng.random() < 0.5:
        head.append([f"({i})" for i in range(1, len(columns) + 1)])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator=eol).writerows(head)
    marks = TICK_MARKS if encoding == "cp1252" else ("✓", *TICK_MARKS)
    data = _written(rows, header, marks).select(
        pl.int_range(1, pl.len() + 1).cast(pl.String).alias("No"),
        *header.fields,
        pl.lit(None, pl.String).alias("Keterangan"),
    )
    body = data.write_csv(
        separator=separator, include_header=False, line_terminator=eol, quote_style="necessary"
    )
    path.write_bytes((buffer.getvalue() + body).encode(encoding))
    first = len(head) + 1
    name = path.name
    return Layout(
        sheet_of_row=[name] * data.height,
        row_numbers=list(range(first, first + data.height)),
        headers=header.headers,
        sheets=(name,),
        encoding="cp1252" if encoding == "cp1252" else "utf-8",
        separator=separator,
    )


def write_xlsx(
    path: Path,
    rows: MessyRows,
    *,
    rng: np.random.Generator,
    title_rows: bool,
    header_style: str,
    sheets: int,
    merge_villages: bool,
    regency: str,
) -> Layout:
    header = _header_rows(rng, header_style)
    columns = header.rows[0]
    constant = rows.written.height > XLSX_CONSTANT_MEMORY_ROWS
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": constant,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    numbering = title_rows and rng.random() < 0.5
    bounds = np.linspace(0, rows.written.height, max(sheets, 1) + 1).astype(int)
    sheet_of_row: list[str] = []
    row_numbers: list[int] = []
    names: list[str] = []
    written = _written(rows, header, ("✓", *TICK_MARKS))
    desa_column = 1 + header.fields.index("desa")
    try:
        for number, (start, stop) in enumerate(itertools.pairwise(bounds), start=1):
            name = "Data" if sheets <= 1 else f"Data {number}"
            names.append(name)
            sheet = workbook.add_worksheet(name)
            r = 0
            if title_rows:
                for t in _titles(regency):
                    sheet.merge_range(r, 0, r, len(columns) - 1, t, bold)
                    r += 1
                r += 1  # a blank row
            r = _write_header(sheet, r, header, bold, vertical_merges=not constant)
            if numbering:
                sheet.write_row(r, 0, [f"({i})" for i in range(1, len(columns) + 1)])
                r += 1
            part = written.slice(start, stop - start)
            cells = rows.cells.slice(start, stop - start)
            merged = (
                _village_runs(part["desa"].to_list()) if merge_villages and not constant else {}
            )
            skip_desa: set[int] = set()
            for k, (values, cell) in enumerate(
                zip(part.iter_rows(), cells.iter_rows(named=True), strict=True)
            ):
                _write_row(
                    sheet, r, k + 1, dict(zip(header.fields, values, strict=True)), cell,
                    date_format, skip_desa=k in skip_desa,
                )  # fmt: skip
                if k in merged:
                    last = merged[k]
                    sheet.merge_range(
                        r, desa_column, r + last - k, desa_column, values[desa_column - 1]
                    )
                    skip_desa.update(range(k + 1, last + 1))
                sheet_of_row.append(name)
                row_numbers.append(r + 1)
                r += 1
    finally:
        workbook.close()
    return Layout(sheet_of_row, row_numbers, header.headers, tuple(names))


def _write_header(
    sheet: Any, r: int, header: HeaderRows, bold: Any, *, vertical_merges: bool
) -> int:
    """Write the header rows from row ``r``; returns the row after them. A two-row header
    merges each group's parent cell across it and, outside the groups, each cell down both
    rows (except in constant-memory mode, which writes strictly row by row)."""
    if len(header.rows) == 1:
        sheet.write_row(r, 0, header.rows[0], bold)
        return r + 1
    parent, sub = header.rows
    grouped = {c for first, last in header.spans for c in range(first, last + 1)}
    for first, last in header.spans:
        sheet.merge_range(r, first, r, last, parent[first], bold)
    for column, text in enumerate(parent):
        if column in grouped:
            continue
        if vertical_merges:
            sheet.merge_range(r, column, r + 1, column, text, bold)
        else:
            sheet.write(r, column, text, bold)
    # Row by row: in constant-memory mode a row is gone once the next one is written.
    for column in sorted(grouped):
        sheet.write(r + 1, column, sub[column], bold)
    return r + 2


def _village_runs(values: list[str | None]) -> dict[int, int]:
    """Start index -> last index of runs (length ≥ 2) of one non-empty village text."""
    runs: dict[int, int] = {}
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start] or values[start] is None:
            if i - start >= 2 and values[start] is not None:
                runs[start] = i - 1
            start = i
    return runs


def _write_row(
    sheet: Any,
    r: int,
    number: int,
    values: dict[str, str | None],
    cell: dict[str, Any],
    date_format: Any,
    *,
    skip_desa: bool,
) -> None:
    sheet.write_number(r, 0, number)
    for c, (field, value) in enumerate(values.items(), start=1):
        if field == "nik" and cell["nik_num"] is not None:
            sheet.write_number(r, c, cell["nik_num"])
        elif field == "birth_date" and cell["date_cell"] is not None:
            moment = cell["date_cell"]
            sheet.write_datetime(r, c, datetime(moment.year, moment.month, moment.day), date_format)
        elif field == "birth_date" and cell["date_num"] is not None:
            sheet.write_number(r, c, cell["date_num"])
        elif field == "phone" and cell["phone_num"] is not None:
            sheet.write_number(r, c, cell["phone_num"])
        elif field == "income" and cell["income_num"] is not None:
            sheet.write_number(r, c, cell["income_num"])
        elif field == "desa" and skip_desa:
            continue
        elif value is not None:
            sheet.write_string(r, c, value)
