"""Workbooks (.xlsx, .xlsm, .xls, .ods) through fastexcel (calamine), plus what it hides.

fastexcel loads each sheet once, as strings: the value as the user sees it, date cells as ISO
text. What calamine does not expose is read from the sheet's XML (.xlsx) with regular
expressions, without building a tree: which cells are *numbers* (so a NIK typed into a number
cell is told apart from one typed as text — fastexcel's float dtype would also convert
numeric-looking text), the first used row (calamine drops leading empty rows, and row numbers
must be the ones Excel shows), merged ranges (filled down in :mod:`grid`), formulas without a
stored value and error cells (``#N/A``), which calamine returns as empty cells.

For .xls and .ods there is no XML: numeric cells are found from calamine's own type errors in
a second pass over the columns holding digits; merged cells are not filled, and rows are
numbered from the first non-empty row of the sheet (Excel's numbering unless whole rows above
the title are empty).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.reading.grid import SheetGrid, column_index, column_letter

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE_RE = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE_RE = re.compile(rb"<v>([^<]*)</v>")
_HAS_VALUE_RE = re.compile(rb"<v>[^<]|<t[^>]*>[^<]")
_ISSUE_RE = re.compile(rb'<f[\s>/]|\bt="e"')
_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')
_ROW_RE = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"')
# A number cell: no type or t="n" (with or without a style), optionally a formula, then a value.
_NUMBER_RE = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="[0-9]+")?(?: t="n")?(?: s="[0-9]+")?>'
    rb"(?:<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>)?<v>([^<]+)</v>"
)
_NUMERIC_TEXT = r"^-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"
#: A preview scans at most this much of each sheet's XML (its first few hundred rows).
PREVIEW_XML_BYTES = 4 * 1024 * 1024


@dataclass
class XlsxSheetInfo:
    """What the sheet XML of an .xlsx says beyond the cell values."""

    hidden: bool = False
    first_row: int = 1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # absolute columns
    issues: dict[tuple[int, int], str] = field(default_factory=dict)  # absolute columns
    numbers: pl.DataFrame | None = None  # col (absolute), row, value of every number cell


def _corrupt(file_name: str, reason: str) -> ImportFileError:
    return ImportFileError("FILE_CORRUPT", file_name=file_name, kind="Excel", reason=reason)


def open_reader(path: Path, *, file_name: str) -> fastexcel.ExcelReader:
    try:
        return fastexcel.read_excel(str(path))
    except fastexcel.FastExcelError as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "password" in text.lower() or "encrypt" in text.lower():
            raise ImportFileError("FILE_ENCRYPTED", file_name=file_name) from exc
        raise _corrupt(file_name, text) from exc


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """Sheet name -> (path of its XML inside the archive, hidden)."""
    # defusedxml: no entity expansion ("billion laughs"), no external entities.
    workbook = parse_xml(archive.read("xl/workbook.xml"))
    rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    paths: dict[str, tuple[str, bool]] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        hidden = sheet.get("state", "visible") != "visible"
        paths[sheet.get("name", "")] = (posixpath.normpath(path), hidden)
    return paths


def _hidden_sheets(path: Path, file_name: str) -> set[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return {name for name, (_, hidden) in _sheet_paths(archive).items() if hidden}
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, DefusedXmlException) as exc:
        raise _corrupt(file_name, str(exc)) from exc


def _first_used_row(data: bytes) -> int:
    """Row number of the first cell with a value: where calamine's range starts."""
    for match in _CELL_RE.finditer(data):
        body = match.group(2)
        if not body or not _HAS_VALUE_RE.search(body):
            continue
        ref = _REF_RE.search(match.group(1))
        if ref is not None:
            return int(ref.group(2))
        rows = _ROW_RE.findall(data, 0, match.start())
        return int(rows[-1]) if rows else 1
    return 1


def _issues(data: bytes) -> dict[tuple[int, int], str]:
    """Cells with a formula but no stored value, and error cells, by (row, absolute column)."""
    found: dict[tuple[int, int], str] = {}
    last_end = -1
    for match in _ISSUE_RE.finditer(data):
        if match.start() < last_end:
            continue  # a second hit inside the same cell
        start = data.rfind(b"<c ", 0, match.start())
        end = data.find(b"</c>", match.start())
        if start < 0 or end < 0:
            continue
        last_end = end
        cell = data[start : end + 4]
        ref = _REF_RE.search(cell)
        if ref is None:
            continue
        position = (int(ref.group(2)), column_index(ref.group(1).decode()))
        kind = _TYPE_RE.search(cell.split(b">", 1)[0])
        value = _VALUE_RE.search(cell)
        if kind is not None and kind.group(1) == b"e":
            found[position] = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
        elif b"<f" in cell and (value is None or not value.group(1)):
            found[position] = "formula"
    return found


def _number_cells(data: bytes) -> pl.DataFrame:
    """(col, row, value) of every number cell, found by one regex pass (no Python per cell)."""
    found = _NUMBER_RE.findall(data)
    frame = pl.DataFrame(found, schema=["col", "row", "value"], orient="row")
    return frame.select(
        pl.col("col").cast(pl.String),
        pl.col("row").cast(pl.String).cast(pl.Int64),
        pl.col("value").cast(pl.String).cast(pl.Float64, strict=False),
    )


def xlsx_sheet_info(
    path: Path, *, file_name: str, max_bytes: int | None = None
) -> dict[str, XlsxSheetInfo]:
    """Per sheet name: hidden or not, first used row, merged ranges, formula/error cells; with
    ``max_bytes`` from the first that many bytes of each sheet's XML only (a preview)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos: dict[str, XlsxSheetInfo] = {}
            for name, (member, hidden) in _sheet_paths(archive).items():
                info = XlsxSheetInfo(hidden=hidden)
                try:
                    if max_bytes is None:
                        data = archive.read(member)
                    else:
                        with archive.open(member) as stream:
                            data = stream.read(max_bytes)
                except KeyError:
                    infos[name] = info
                    continue
                info.first_row = _first_used_row(data)
                if b"<mergeCell " in data:
                    info.merges = [
                        (int(r1), column_index(c1.decode()), int(r2), column_index(c2.decode()))
                        for c1, r1, c2, r2 in _MERGE_RE.findall(data)
                    ]
                if b"<f" in data or b't="e"' in data:
                    info.issues = _issues(data)
                info.numbers = _number_cells(data)
                infos[name] = info
            return infos
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, DefusedXmlException) as exc:
        raise _corrupt(file_name, str(exc)) from exc


def read_excel_grids(
    path: Path,
    *,
    file_name: str,
    sheet: str | None,
    kind: str,
    n_rows: int | None = None,
) -> tuple[list[SheetGrid], list[str]]:
    """The grids of the sheets to read (one named ``sheet``, else every visible one) and notes
    about sheets skipped; with ``n_rows`` only that many rows of each (a preview: the sheet
    XML scanned is cut to :data:`PREVIEW_XML_BYTES` too)."""
    reader = open_reader(path, file_name=file_name)
    names = list(reader.sheet_names)
    if sheet is not None and sheet not in names:
        raise ImportFileError(
            "SHEET_NOT_FOUND", file_name=file_name, sheet=sheet, sheets=", ".join(names)
        )
    notes: list[str] = []
    wanted = [sheet] if sheet is not None else names
    if sheet is None and kind == "xlsx":
        hidden = _hidden_sheets(path, file_name)
        notes += [
            f"Lembar tersembunyi '{n}' dilewati. / Hidden sheet '{n}' skipped." for n in hidden
        ]
        wanted = [n for n in names if n not in hidden]
    # The XML scan (zlib and regular expressions) runs beside calamine's load (Rust, no GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        limit = None if n_rows is None else PREVIEW_XML_BYTES
        pending = (
            pool.submit(xlsx_sheet_info, path, file_name=file_name, max_bytes=limit)
            if kind == "xlsx"
            else None
        )
        # xlsx sheets say where their rows start (``first_row``, from the XML); for .xls and .ods
        # the grid is read from row 1, so the rows keep the numbers the user sees.
        skip_rows = None if kind == "xlsx" else 0
        loaded = _load_strings(reader, wanted, file_name, skip_rows, n_rows)
        infos = pending.result() if pending is not None else {}
    grids: list[SheetGrid] = []
    for name, (strings, absolute) in loaded.items():
        info = infos.get(name, XlsxSheetInfo())
        if strings.height == 0 or strings.width == 0:
            continue
        if info.numbers is not None:
            numbers = _numbers_from_xml(info.numbers, strings, absolute, info.first_row)
        else:
            numbers = _numbers_from_types(reader, name, strings, skip_rows, n_rows)
        position = {col: i for i, col in enumerate(absolute)}
        merges = [
            (r1, position[c1], r2, position.get(c2, len(absolute) - 1))
            for r1, c1, r2, c2 in info.merges
            if c1 in position
        ]
        issues = {(r, position[c]): v for (r, c), v in info.issues.items() if c in position}
        grids.append(
            SheetGrid(
                name=name,
                strings=strings,
                first_row=info.first_row,
                numbers=numbers,
                letters=[column_letter(c) for c in absolute],
                merges=merges,
                issues=issues,
                date_cells=True,
            )
        )
    return grids, notes


def _load_strings(
    reader: fastexcel.ExcelReader,
    names: list[str],
    file_name: str,
    skip_rows: int | None,
    n_rows: int | None,
) -> dict[str, tuple[pl.DataFrame, list[int]]]:
    """Each sheet as strings, with the absolute index of each of its columns. ``skip_rows=None``
    starts at the first used row, ``0`` at the sheet's first row."""
    loaded: dict[str, tuple[pl.DataFrame, list[int]]] = {}
    for name in names:
        try:
            sheet = reader.load_sheet(
                name, header_row=None, skip_rows=skip_rows, n_rows=n_rows, dtypes="string"
            )
            strings = sheet.to_polars()
        except fastexcel.FastExcelError as exc:
            raise _corrupt(file_name, f"{name}: {exc}") from exc
        loaded[name] = (strings, [c.absolute_index for c in sheet.available_columns()])
    return loaded


def _numbers_from_xml(
    cells: pl.DataFrame, strings: pl.DataFrame, absolute: list[int], first_row: int
) -> pl.DataFrame | None:
    """A Float64 frame shaped like ``strings``: the value of number cells, null elsewhere."""
    position = {column_letter(col): i for i, col in enumerate(absolute)}
    cells = cells.with_columns(
        _col=pl.col("col").replace_strict(position, default=None, return_dtype=pl.Int32),
        _index=pl.col("row") - first_row,
    ).filter(pl.col("_col").is_not_null() & pl.col("_index").is_between(0, strings.height - 1))
    if cells.height == 0:
        return None
    columns: dict[str, pl.Series] = {}
    for (col,), group in cells.group_by("_col"):
        name = strings.columns[int(str(col))]
        index = group["_index"]
        # Our row numbering must agree with calamine's: a number cell always has a text.
        if strings[name].gather(index).null_count():
            return None
        columns[name] = pl.Series(name, [None] * strings.height, dtype=pl.Float64).scatter(
            index, group["value"]
        )
    return pl.DataFrame(
        [
            columns.get(c, pl.Series(c, [None] * strings.height, dtype=pl.Float64))
            for c in strings.columns
        ]
    )


def _numbers_from_types(
    reader: fastexcel.ExcelReader,
    name: str,
    strings: pl.DataFrame,
    skip_rows: int | None,
    n_rows: int | None = None,
) -> pl.DataFrame | None:
    """For .xls/.ods: number cells are those calamine reports as Float/Int when asked for a
    duration, in the columns that hold digits at all (a second pass over the sheet)."""
    candidates = [
        c for c in strings.columns if strings[c].str.contains(_NUMERIC_TEXT).fill_null(False).any()
    ]
    if not candidates:
        return None
    try:
        sheet = reader.load_sheet(
            name,
            header_row=None,
            skip_rows=skip_rows,
            n_rows=n_rows,
            dtypes="duration",
            use_columns=candidates,
        )
        _, errors = sheet.to_arrow_with_errors()
    except fastexcel.FastExcelError:
        return None
    values: dict[str, dict[int, float]] = {c: {} for c in candidates}
    for error in errors.errors if errors is not None else []:
        detail = error.detail
        for marker in ("Float(", "Int("):
            start = detail.find(marker)
            if start >= 0:
                # The position is in the sheet's whole range, whatever ``use_columns`` chose.
                row, col = error.position
                number = detail[start + len(marker) : detail.find(")", start)]
                values[strings.columns[col]][row] = float(number)
    columns = []
    for c in strings.columns:
        series = pl.Series(c, [None] * strings.height, dtype=pl.Float64)
        if values.get(c):
            series = series.scatter(list(values[c]), list(values[c].values()))
        columns.append(series)
    return pl.DataFrame(columns)
