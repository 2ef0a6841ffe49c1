"""Read an uploaded list into a :class:`RawTable`: strings as the user sees them, rows numbered.

The format is decided by the file's first bytes, not its name (lists arrive as ".xls" files that
are HTML, text or XML): ZIP → workbook (xlsx/xlsm/ods), OLE → legacy .xls or a password-protected
workbook, ``<html``/``<table`` → HTML table, ``<?xml … office:spreadsheet`` → Excel 2003 XML,
anything else → delimited text. Every failure is an :class:`ImportFileError` with a stable code
and a message in Indonesian and English naming the file.

``RawTable.frame`` has one String column per header (made unique, as shown in the file), plus
metadata columns: ``_sheet``, ``_row`` (1-based row as Excel shows it, or CSV record number),
``_num:<header>`` (Float64: value of numeric cells, null for text cells; only for columns with
any numeric cell), ``_issue:<header>`` ("formula" for a formula without a stored value, or an
error value such as "#N/A"), ``_extra`` (CSV: fields beyond the last header). Completely empty
rows and the "(1) (2) (3)" numbering row under the header are not rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.reading.delimited import read_delimited_grid
from jaring.registry.imports.reading.excel import open_reader, read_excel_grids
from jaring.registry.imports.reading.grid import (
    ISSUE_PREFIX,
    NUMBER_PREFIX,
    ROW_COLUMN,
    SHEET_COLUMN,
    SheetGrid,
    SheetTable,
    sheet_table,
)
from jaring.registry.imports.reading.html_table import read_html_grids, read_xml2003_grids
from jaring.registry.imports.reading.mapping import HEADER_SEARCH_ROWS, PEOPLE, Vocabulary
from jaring.registry.imports.reading.titles import TitlePlace, title_place

__all__ = [
    "DEFAULT_MAX_BYTES",
    "RawTable",
    "list_sheets",
    "read_table",
    "sniff_format",
]

#: Largest file accepted (bytes). A million-row CSV of the usual columns is ~150 MB.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: A workbook is compressed; what it unpacks to may be this many times larger than the largest
#: file accepted, no more (a million-row workbook unpacks to about ten times its size) ...
MAX_UNCOMPRESSED_RATIO = 12
#: ... and this many times larger than the file itself (ordinary workbooks stay under 20×; a
#: "zip bomb" is hundreds or thousands of times larger). Both are counted on the bytes actually
#: inflated, not on the sizes the archive declares.
MAX_INFLATION = 100
#: Files this small may unpack to up to this much whatever their ratio.
MIN_UNPACKED_LIMIT = 32 * 1024 * 1024
_INFLATE_CHUNK = 1024 * 1024
#: A preview (the mapping page, inside a web request) reads at most this much of a text-like
#: file (CSV, HTML, Excel 2003 XML) and at most this many rows of a workbook, whatever the size
#: of the file: the whole file is read by the import itself, in the background worker.
PREVIEW_BYTES = 2 * 1024 * 1024
PREVIEW_ROWS = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class RawTable:
    """A file's rows as read, before any check. See the module docstring for ``frame``."""

    file_name: str
    format: str
    sheets: tuple[str, ...]
    header_row: int
    headers: tuple[str, ...]
    frame: pl.DataFrame
    header_rows: Mapping[str, int] = field(default_factory=dict)
    encoding: str | None = None
    separator: str | None = None
    notes: tuple[str, ...] = ()
    complete: bool = True  # False: a preview, the file has more rows
    #: The first sheet's rows above its header, as text: a title may name the list's place.
    titles: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return self.frame.height

    @property
    def title_place(self) -> TitlePlace | None:
        """The desa/kelurahan and kecamatan the title rows name, as written (a hint)."""
        return title_place(self.titles)

    def number_column(self, header: str) -> str | None:
        """The ``_num:`` column of ``header``, when some of its cells were numeric."""
        name = NUMBER_PREFIX + header
        return name if name in self.frame.columns else None

    def issue_column(self, header: str) -> str | None:
        name = ISSUE_PREFIX + header
        return name if name in self.frame.columns else None


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def sniff_format(head: bytes) -> str:
    """'zip', 'ole', 'html', 'xml2003', 'binary' or 'text' from the first bytes of a file."""
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head and b"<html" not in text[:512]:
            return "xml2003"
        if any(tag in text for tag in (b"<html", b"<table", b"<!doctype html", b"<body")):
            return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _check_size(path: Path, file_name: str, max_bytes: int) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(
            "FILE_CORRUPT", file_name=file_name, kind="-", reason=str(exc)
        ) from exc
    if size == 0:
        raise ImportFileError("FILE_EMPTY", file_name=file_name)
    if size > max_bytes:
        raise ImportFileError(
            "FILE_TOO_LARGE",
            file_name=file_name,
            size=_size_text(size),
            limit=_size_text(max_bytes),
        )
    return size


def unpacked_limit(size: int, max_bytes: int) -> int:
    """How many bytes a zip file of ``size`` bytes may unpack to."""
    return min(max_bytes * MAX_UNCOMPRESSED_RATIO, max(size * MAX_INFLATION, MIN_UNPACKED_LIMIT))


def _zip_kind(path: Path, file_name: str, max_bytes: int) -> str:
    """'xlsx' or 'ods', after every member of the archive has been inflated once with its bytes
    counted: a file that unpacks to more than :func:`unpacked_limit` is refused when the limit
    is passed — whatever sizes the archive declares — before calamine or the XML scan open it.
    A member whose real content differs from what the archive declares fails its CRC check
    (``zipfile`` reads no further than the declared size) and the file is refused as corrupt."""
    import zipfile
    import zlib

    size = path.stat().st_size
    limit = unpacked_limit(size, max_bytes)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            declared = sum(info.file_size for info in archive.infolist())
            inflated = declared if declared > limit else 0
            for info in archive.infolist() if not inflated else []:
                with archive.open(info) as member:
                    while chunk := member.read(_INFLATE_CHUNK):
                        inflated += len(chunk)
                        if inflated > limit:
                            break
                if inflated > limit:
                    break
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        raise ImportFileError(
            "FILE_CORRUPT", file_name=file_name, kind="Excel", reason=str(exc)
        ) from exc
    if inflated > limit:
        raise ImportFileError(
            "FILE_UNPACKS_TOO_LARGE",
            file_name=file_name,
            size=_size_text(size),
            limit=_size_text(limit),
        )
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if "word/document.xml" in names:
        raise ImportFileError("FILE_UNSUPPORTED", file_name=file_name, kind="Word (.docx)")
    raise ImportFileError(
        "FILE_CORRUPT", file_name=file_name, kind="Excel", reason="xl/workbook.xml tidak ada"
    )


def _ole_kind(path: Path, file_name: str) -> str:
    data = path.read_bytes()
    if _ENCRYPTED_STREAM in data:
        raise ImportFileError("FILE_ENCRYPTED", file_name=file_name)
    if "WordDocument".encode("utf-16-le") in data:
        raise ImportFileError("FILE_UNSUPPORTED", file_name=file_name, kind="Word (.doc)")
    return "xls"


def _head(path: Path, limit: int, kind: str) -> tuple[bytes, bool]:
    """At most ``limit`` bytes from the start of a text-like file, ending after a whole line
    (or, for Excel 2003 XML, a whole row, with the open elements closed again), and whether
    that is less than the file."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) <= limit:
        return data, False
    data = data[:limit]
    if kind == "xml2003":
        end = data.rfind(b"</Row>")
        return data[: end + 6] + b"</Table></Worksheet></Workbook>", True
    if kind == "html":  # before the last tag, which may be cut in two
        return data[: data.rfind(b"<")], True
    if data.startswith(b"\xff\xfe"):  # UTF-16, little end first: a newline is b"\n\x00"
        end = next((i for i in range(len(data) - 2, -1, -1) if i % 2 == 0
                    and data[i : i + 2] == b"\n\x00"), -2)  # fmt: skip
        return data[: end + 2], True
    if data.startswith(b"\xfe\xff"):
        end = next((i for i in range(len(data) - 2, -1, -1) if i % 2 == 0
                    and data[i : i + 2] == b"\x00\n"), -2)  # fmt: skip
        return data[: end + 2], True
    return data[: data.rfind(b"\n") + 1], True


def _grids(
    path: Path,
    *,
    file_name: str,
    sheet: str | None,
    max_bytes: int,
    preview: bool = False,
    vocabulary: Vocabulary | None = None,
) -> tuple[str, list[SheetGrid], list[str], str | None, str | None, bool]:
    """(format, grids, notes, encoding, separator, cut short) of a file; with ``preview`` only
    its first rows (see :data:`PREVIEW_BYTES`, :data:`PREVIEW_ROWS`)."""
    _check_size(path, file_name, max_bytes)
    with path.open("rb") as handle:
        head = handle.read(4096)
    kind = sniff_format(head)
    rows = HEADER_SEARCH_ROWS + PREVIEW_ROWS if preview else None
    if kind in ("zip", "ole"):
        fmt = _zip_kind(path, file_name, max_bytes) if kind == "zip" else _ole_kind(path, file_name)
        grids, notes = read_excel_grids(
            path, file_name=file_name, sheet=sheet, kind=fmt, n_rows=rows
        )
        cut = rows is not None and any(g.strings.height >= rows for g in grids)
        return fmt, grids, notes, None, None, cut
    if kind == "binary":
        raise ImportFileError("FILE_UNSUPPORTED", file_name=file_name, kind="binary")
    data, cut = _head(path, PREVIEW_BYTES, kind) if preview else (path.read_bytes(), False)
    if kind == "html":
        grids = read_html_grids(data, file_name=file_name, partial=cut)
        return "html", _pick(grids, sheet, file_name), [], None, None, cut
    if kind == "xml2003":
        grids = read_xml2003_grids(data, file_name=file_name)
        return "xml2003", _pick(grids, sheet, file_name), [], None, None, cut
    if not data.strip(b" \t\r\n;,\xef\xbb\xbf"):
        raise ImportFileError("FILE_EMPTY", file_name=file_name)
    found = read_delimited_grid(data, file_name=file_name, name=file_name, vocabulary=vocabulary)
    if found is None:
        raise _no_header(file_name, [file_name])
    grid, encoding, separator = found
    if sheet is not None and sheet != file_name:
        raise ImportFileError("SHEET_NOT_FOUND", file_name=file_name, sheet=sheet, sheets=file_name)
    return "csv", [grid], [], encoding, separator, cut


def _pick(grids: list[SheetGrid], sheet: str | None, file_name: str) -> list[SheetGrid]:
    if sheet is None:
        return grids
    chosen = [g for g in grids if g.name == sheet]
    if not chosen:
        raise ImportFileError(
            "SHEET_NOT_FOUND",
            file_name=file_name,
            sheet=sheet,
            sheets=", ".join(g.name for g in grids),
        )
    return chosen


def _no_header(file_name: str, sheets: Sequence[str]) -> ImportFileError:
    return ImportFileError(
        "FILE_NO_HEADER",
        file_name=file_name,
        sheets=", ".join(sheets) or "-",
        rows=HEADER_SEARCH_ROWS,
    )


def list_sheets(path: str | Path, *, file_name: str | None = None) -> list[str]:
    """Names of the sheets (tables) of a file; a delimited file has one, named after the file."""
    path = Path(path)
    name = file_name or path.name
    _check_size(path, name, max_bytes=2**62)
    with path.open("rb") as handle:
        kind = sniff_format(handle.read(4096))
    if kind == "zip" or kind == "ole":
        if kind == "ole":
            _ole_kind(path, name)
        return list(open_reader(path, file_name=name).sheet_names)
    if kind == "html":
        return [g.name for g in read_html_grids(path.read_bytes(), file_name=name)]
    if kind == "xml2003":
        return [g.name for g in read_xml2003_grids(path.read_bytes(), file_name=name)]
    return [name]


def _stack(
    tables: list[SheetTable], vocabulary: Vocabulary | None = None
) -> tuple[list[str], pl.DataFrame]:
    """Stack the sheets' tables. A later sheet's header that names the same field as an
    earlier header ("N I K" here, "NIK" there) is renamed to the earlier one, so one mapping
    serves every sheet."""
    field_of_header = (vocabulary or PEOPLE).field_of
    headers: list[str] = list(tables[0].headers)
    by_field = {f: h for h in headers if (f := field_of_header(h)) is not None}
    frames = [tables[0].frame]
    for table in tables[1:]:
        renames: dict[str, str] = {}
        for header in table.headers:
            target = by_field.get(field_of_header(header) or "", header)
            if target != header and target not in table.headers:
                renames[header] = target
        renamed = [renames.get(h, h) for h in table.headers]
        metadata = {
            f"{prefix}{h}": f"{prefix}{renames[h]}"
            for h in renames
            for prefix in (NUMBER_PREFIX, ISSUE_PREFIX)
            if f"{prefix}{h}" in table.frame.columns
        }
        frames.append(table.frame.rename({**renames, **metadata}))
        for header in renamed:
            if header not in headers:
                headers.append(header)
                if (f := field_of_header(header)) is not None:
                    by_field.setdefault(f, header)
    frame = pl.concat(frames, how="diagonal_relaxed")
    metadata_columns = [c for c in frame.columns if c not in headers]
    first = [SHEET_COLUMN, ROW_COLUMN]
    rest = [c for c in metadata_columns if c not in first]
    return headers, frame.select(*headers, *first, *rest)


def read_table(
    path: str | Path,
    *,
    file_name: str | None = None,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    preview: bool = False,
    vocabulary: Vocabulary | None = None,
) -> RawTable:
    """Read ``path`` (named ``file_name`` in messages; default: the path's name).

    ``vocabulary``: the fields a header row names (default: a list of people, NIK or name
    required); another kind of list passes its own (:class:`~jaring.registry.imports.mapping.
    Vocabulary`).

    With ``sheet`` read that sheet only; otherwise every visible sheet with a recognisable
    header row, stacked. Raises :class:`ImportFileError` for an empty, too large, encrypted,
    corrupt or unsupported file, a missing sheet, or no header row anywhere.

    With ``preview`` only the first rows are read (:data:`PREVIEW_BYTES` of a text-like file,
    :data:`PREVIEW_ROWS` of each sheet), so a web page can show them in bounded time and
    memory; ``RawTable.complete`` then says whether that was the whole file.
    """
    path = Path(path)
    name = file_name or path.name
    fmt, grids, notes, encoding, separator, cut = _grids(
        path,
        file_name=name,
        sheet=sheet,
        max_bytes=max_bytes,
        preview=preview,
        vocabulary=vocabulary,
    )
    tables: list[SheetTable] = []
    for grid in grids:
        table = sheet_table(grid, vocabulary)
        if table is None:
            notes.append(
                f"Lembar '{grid.name}' dilewati: tidak ada judul kolom. / "
                f"Sheet '{grid.name}' skipped: no header row."
            )
        else:
            tables.append(table)
    if not tables:
        raise _no_header(name, [g.name for g in grids] or ([sheet] if sheet else []))
    if all(t.frame.height == 0 for t in tables):
        first = tables[0]
        raise ImportFileError(
            "FILE_NO_ROWS", file_name=name, sheet=first.name, row=first.header_row
        )
    headers, frame = _stack(tables, vocabulary)
    return RawTable(
        file_name=name,
        format=fmt,
        sheets=tuple(t.name for t in tables),
        header_row=tables[0].header_row,
        headers=tuple(headers),
        frame=frame,
        header_rows={t.name: t.header_row for t in tables},
        titles=tables[0].titles,
        encoding=encoding,
        separator=separator,
        notes=tuple(notes),
        complete=not cut,
    )
