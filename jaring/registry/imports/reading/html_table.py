"""Files that pretend to be .xls: an HTML table ("Save as Web Page", exports of many government
systems) and Excel 2003 XML ("XML Spreadsheet"), read with the standard library.

Each ``<table>`` (or ``<Worksheet>``) becomes a sheet named "Tabel 1", "Tabel 2", … (or the
worksheet's name). ``rowspan`` / ``ss:MergeDown`` fill the value down like merged cells;
``colspan`` / ``ss:MergeAcross`` leave the cells to the right empty. A cell Excel exported with
``x:num`` (HTML) or ``ss:Type="Number"`` (XML) is numeric, like a number cell in a workbook.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree import ElementTree

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.reading.grid import SheetGrid

Cell = tuple[str | None, float | None]


def _to_float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


class _TableParser(HTMLParser):
    """Collects the cell texts of every table, with rowspan filled down."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[Cell]]] = []
        self._stack: list[tuple[list[list[Cell]], dict[int, tuple[int, Cell]]]] = []
        self._cell: list[str] | None = None
        self._cell_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append(([], {}))
        elif not self._stack:
            return
        elif tag == "tr":
            self._stack[-1][0].append([])
        elif tag in ("td", "th"):
            self._finish_cell()
            self._cell = []
            self._cell_attrs = dict(attrs)
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag in ("td", "th"):
            self._finish_cell()
        elif tag == "table":
            self._finish_cell()
            rows, _ = self._stack.pop()
            if rows:
                self.tables.append(rows)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _finish_cell(self) -> None:
        if self._cell is None or not self._stack:
            self._cell = None
            return
        rows, pending = self._stack[-1]
        if not rows:
            rows.append([])
        row = rows[-1]
        text = " ".join("".join(self._cell).replace("\xa0", " ").split()) or None
        attrs = self._cell_attrs
        number = _to_float(attrs.get("x:num") or (text if "x:num" in attrs else None))
        self._cell = None
        # Cells still covered by a rowspan from above come first.
        while len(row) in pending:
            row.append(self._take(pending, len(row)))
        cell: Cell = (text, number)
        span_down = _int(attrs.get("rowspan"), 1)
        span_across = _int(attrs.get("colspan"), 1)
        for offset in range(span_across):
            if span_down > 1:
                pending[len(row)] = (span_down - 1, cell if offset == 0 else (None, None))
            row.append(cell if offset == 0 else (None, None))

    @staticmethod
    def _take(pending: dict[int, tuple[int, Cell]], column: int) -> Cell:
        left, cell = pending[column]
        if left <= 1:
            del pending[column]
        else:
            pending[column] = (left - 1, cell)
        return cell


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, min(int(text or default), 10_000))
    except ValueError:
        return default


def _grid(name: str, rows: list[list[Cell]]) -> SheetGrid:
    width = max((len(r) for r in rows), default=0)
    columns = [f"c{i}" for i in range(width)]
    padded = [r + [(None, None)] * (width - len(r)) for r in rows]
    strings = pl.DataFrame(
        [[r[i][0] for r in padded] for i in range(width)],
        schema=dict.fromkeys(columns, pl.String),
    )
    numbers = pl.DataFrame(
        [[r[i][1] for r in padded] for i in range(width)],
        schema=dict.fromkeys(columns, pl.Float64),
    )
    return SheetGrid(name=name, strings=strings, numbers=numbers)


def read_html_grids(data: bytes, *, file_name: str, partial: bool = False) -> list[SheetGrid]:
    """The tables of an HTML file; with ``partial`` (the start of a larger file, for a
    preview) the tables still open at its end count too, with the rows read so far."""
    text = _decode_markup(data)
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own failures
        raise ImportFileError("FILE_HTML_TABLE", file_name=file_name) from exc
    if partial:
        parser.handle_endtag("td")
        while parser._stack:
            parser.handle_endtag("table")
    grids = [_grid(f"Tabel {i}", rows) for i, rows in enumerate(parser.tables, start=1)]
    if not grids:
        raise ImportFileError("FILE_HTML_TABLE", file_name=file_name)
    return grids


def _decode_markup(data: bytes) -> str:
    head = data[:2048].lower()
    for marker in (b"charset=windows-1252", b"charset=iso-8859-1", b'encoding="windows-1252"'):
        if marker in head:
            return data.decode("cp1252", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _attr_int(node: ElementTree.Element, name: str) -> int | None:
    value = node.get(f"{_SS}{name}")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _xml_cell(cell: ElementTree.Element) -> Cell:
    node = cell.find(f"{_SS}Data")
    if node is None:
        return (None, None)
    text = "".join(node.itertext()).strip()
    kind = node.get(f"{_SS}Type")
    if kind == "DateTime" and text.endswith("T00:00:00.000"):
        return (text[:10], None)
    return (text or None, _to_float(text) if kind == "Number" else None)


def _xml_rows(sheet: ElementTree.Element) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    pending: dict[tuple[int, int], Cell] = {}  # cells merged down from a row above
    row_index = 0
    for row in sheet.iter(f"{_SS}Row"):
        index = _attr_int(row, "Index")  # 1-based; rows in between are empty
        row_index = index - 1 if index else row_index
        while len(rows) < row_index:
            rows.append([])
        cells = {c: v for (r, c), v in pending.items() if r == row_index}
        pending = {k: v for k, v in pending.items() if k[0] != row_index}
        column = 0
        for cell in row.iter(f"{_SS}Cell"):
            index = _attr_int(cell, "Index")
            column = index - 1 if index else column
            value = _xml_cell(cell)
            cells[column] = value
            for down in range(1, (_attr_int(cell, "MergeDown") or 0) + 1):
                pending[(row_index + down, column)] = value
            column += 1 + (_attr_int(cell, "MergeAcross") or 0)
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, (None, None)) for i in range(width)])
        row_index += 1
    return rows


def read_xml2003_grids(data: bytes, *, file_name: str) -> list[SheetGrid]:
    """Excel 2003 "XML Spreadsheet": Worksheet > Table > Row > Cell > Data."""
    try:
        # defusedxml: no entity expansion ("billion laughs"), no external entities.
        root = parse_xml(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ImportFileError(
            "FILE_CORRUPT", file_name=file_name, kind="XML Spreadsheet", reason=str(exc)
        ) from exc
    grids = [
        _grid(sheet.get(f"{_SS}Name") or f"Sheet{number}", rows)
        for number, sheet in enumerate(root.iter(f"{_SS}Worksheet"), start=1)
        if (rows := _xml_rows(sheet))
    ]
    if not grids:
        raise ImportFileError("FILE_EMPTY", file_name=file_name)
    return grids
