"""Delimited text (.csv, .txt, and "xls" files that are really text) through polars.

The encoding is UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text") or
Windows-1252 (Excel's "CSV" on Indonesian Windows); the separator is found together with the
header row, by trying ``;``, ``,``, tab and ``|`` on the first lines. Then polars reads the whole
file as strings, starting at the header line, with a few spare columns so a row with *more*
fields than headers (an unquoted separator inside an address shifts the columns) is caught
instead of silently cut.

Rows are numbered by record, as Excel shows the file when it opens it (the same as the line
number unless a quoted cell holds a line break).
"""

from __future__ import annotations

import codecs
import csv
import io

import numpy as np
import polars as pl

from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.reading.grid import SheetGrid
from jaring.registry.imports.reading.mapping import (
    HEADER_SEARCH_ROWS,
    Vocabulary,
    find_header_row,
    header_score,
)

SEPARATORS = (";", ",", "\t", "|")
#: Columns read beyond the header's, to see rows with too many fields.
SPARE_COLUMNS = 8
_SAMPLE_CHARS = 256 * 1024


def decode(data: bytes, *, file_name: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes, and the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError("FILE_ENCODING", file_name=file_name) from exc
    else:
        encoding = "utf-8"
    if data.isascii():  # the common case, and checked at memory speed
        return data, encoding
    try:
        data.decode("utf-8")
        return data, encoding
    except UnicodeDecodeError:
        pass
    try:
        return _cp1252_to_utf8(data), "cp1252"
    except UnicodeDecodeError as exc:
        raise ImportFileError("FILE_ENCODING", file_name=file_name) from exc


_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_CP1252 = {
    b: bytes([b]).decode("cp1252").encode("utf-8")
    for b in range(0x80, 0x100)
    if b not in _CP1252_UNDEFINED
}


def _cp1252_to_utf8(data: bytes) -> bytes:
    """Windows-1252 to UTF-8. Non-ASCII bytes are usually rare (a ’ in some names): find them
    with numpy and replace just those, instead of decoding and re-encoding the whole file."""
    high = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) >= 0x80)
    if len(high) > len(data) // 50:
        return data.decode("cp1252").encode("utf-8")
    pieces: list[bytes] = []
    start = 0
    for position in high.tolist():
        byte = data[position]
        if byte in _CP1252_UNDEFINED:  # five bytes Windows-1252 leaves undefined
            raise UnicodeDecodeError("cp1252", data, position, position + 1, "undefined byte")
        pieces.append(data[start:position])
        pieces.append(_CP1252[byte])
        start = position + 1
    pieces.append(data[start:])
    return b"".join(pieces)


def _sample_records(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """The first records of ``text``: (line index where the record starts, fields)."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    records: list[tuple[int, list[str]]] = []
    start = 0
    try:
        for fields in reader:
            records.append((start, fields))
            start = reader.line_num
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return records


def find_layout(
    data: bytes, vocabulary: Vocabulary | None = None
) -> tuple[str, int, int, int] | None:
    """(separator, header line index, header record index, header field count), or ``None``."""
    text = data[:_SAMPLE_CHARS].decode("utf-8", "ignore")
    best: tuple[tuple[int, int], tuple[str, int, int, int]] | None = None
    for separator in SEPARATORS:
        records = _sample_records(text, separator)
        index = find_header_row([[f or None for f in fields] for _, fields in records], vocabulary)
        if index is None:
            continue
        line, fields = records[index]
        score = (header_score(fields, vocabulary)[0], len(fields))
        if best is None or score > best[0]:
            best = (score, (separator, line, index, len(fields)))
    return None if best is None else best[1]


def read_delimited_grid(
    data: bytes, *, file_name: str, name: str, vocabulary: Vocabulary | None = None
) -> tuple[SheetGrid, str, str] | None:
    """The grid of a delimited file, its encoding and separator; ``None`` without a header."""
    utf8, encoding = decode(data, file_name=file_name)
    layout = find_layout(utf8, vocabulary)
    if layout is None:
        return None
    separator, header_line, header_record, width = layout
    columns = [f"c{i}" for i in range(width + SPARE_COLUMNS)]
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            separator=separator,
            skip_lines=header_line,
            schema=dict.fromkeys(columns, pl.String),
            missing_columns="insert",
            truncate_ragged_lines=True,
            infer_schema=False,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).splitlines()[0]
        raise ImportFileError(
            "FILE_CORRUPT", file_name=file_name, kind="CSV", reason=reason
        ) from exc
    spare = columns[width:]
    extra = frame.select(
        pl.concat_str([pl.col(c) for c in spare], separator=separator, ignore_nulls=True)
        .str.strip_chars(separator + " ")
        .replace("", None)
        .alias("_extra")
    ).to_series()
    above = _sample_records(utf8[:_SAMPLE_CHARS].decode("utf-8", "ignore"), separator)
    titles = tuple(
        " ".join(f.strip() for f in fields if f.strip()) for _, fields in above[:header_record]
    )
    grid = SheetGrid(
        name=name,
        strings=frame.select(columns[:width]),
        first_row=header_record + 1,
        extra=extra,
        titles=tuple(t for t in titles if t),
    )
    return grid, encoding, separator
