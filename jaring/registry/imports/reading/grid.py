"""One sheet as read (a grid of cells) turned into a table: header found, rows numbered.

Every format (xlsx/xls through fastexcel, CSV through polars, HTML and Excel-2003 XML through
the standard library) delivers a :class:`SheetGrid`; :func:`sheet_table` then does the same
thing for all of them, column-wise: find the header row under the title rows, name the columns,
fill vertically merged cells down, skip the "(1) (2) (3)" numbering row and empty rows, and
number each row as the user sees it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from jaring.registry.imports.reading.mapping import (
    HEADER_SEARCH_ROWS,
    CombinedHeader,
    Vocabulary,
    clean_header,
    combine_header_rows,
    find_header_row,
    is_numbering_row,
)

#: Prefixes of the metadata columns next to a header's column in :attr:`RawTable.frame`.
NUMBER_PREFIX = "_num:"
ISSUE_PREFIX = "_issue:"
EXTRA_COLUMN = "_extra"
SHEET_COLUMN = "_sheet"
ROW_COLUMN = "_row"


@dataclass
class SheetGrid:
    """The cells of one sheet, as strings (and numbers where a cell was numeric).

    ``strings`` has one String column per sheet column, left to right; ``numbers`` (same shape,
    Float64) holds the value of numeric cells and null elsewhere. ``first_row`` is the 1-based
    row number of ``strings``' first row. ``merges`` are merged ranges as 1-based rows and
    0-based column positions in ``strings``: ``(row1, col1, row2, col2)``. ``issues`` maps
    ``(row, col)`` to ``"formula"`` (a formula without a stored value) or an error value such as
    ``"#N/A"``. ``extra`` holds, per row, fields beyond the last column (CSV), or null.
    """

    name: str
    strings: pl.DataFrame
    first_row: int = 1
    numbers: pl.DataFrame | None = None
    letters: Sequence[str] | None = None
    merges: Sequence[tuple[int, int, int, int]] = ()
    issues: Mapping[tuple[int, int], str] = field(default_factory=dict)
    extra: pl.Series | None = None
    date_cells: bool = False  # the reader renders date cells as "YYYY-MM-DD 00:00:00"
    #: Lines above the grid's first row that the reader skipped (a CSV's title lines).
    titles: tuple[str, ...] = ()


@dataclass
class SheetTable:
    name: str
    header_row: int
    headers: list[str]
    frame: pl.DataFrame
    #: The rows above the header, each as one line of text (a list's title).
    titles: tuple[str, ...] = ()


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    value = 0
    for ch in letters:
        value = value * 26 + (ord(ch) - 64)
    return value - 1


def _unique_headers(cells: Sequence[str | None], letters: Sequence[str]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for cell, letter in zip(cells, letters, strict=True):
        name = clean_header(cell) or f"Kolom {letter}"
        # Our metadata columns start with "_"; a header never may.
        if name.startswith("_"):
            name = name.lstrip("_") or f"Kolom {letter}"
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def _fill_merges(
    frame: pl.DataFrame,
    merges: Sequence[tuple[int, int, int, int]],
    *,
    data_first_row: int,
    columns: Sequence[str],
) -> pl.DataFrame:
    """Copy the top-left value of each vertically merged range in the data area down its range.

    One index array per affected column, set per range (a loop over ranges, not rows), then
    one gather per column.
    """
    sources: dict[int, np.ndarray] = {}
    for row1, col1, row2, col2 in merges:
        if row2 <= row1 or row1 < data_first_row:
            continue  # single-row merges are titles; merges from the header down stay as read
        start, stop = row1 - data_first_row, row2 - data_first_row + 1
        for col in range(col1, min(col2, len(columns) - 1) + 1):
            index = sources.setdefault(col, np.arange(frame.height))
            index[start : min(stop, frame.height)] = start
    if not sources:
        return frame
    return frame.with_columns(
        frame[columns[col]].gather(index.tolist()).alias(columns[col])
        for col, index in sources.items()
    )


def sheet_table(grid: SheetGrid, vocabulary: Vocabulary | None = None) -> SheetTable | None:
    """The table of one sheet, or ``None`` when no header row is found in it. Two-row headers
    are combined for lists of people only (the default ``vocabulary``)."""
    strings = grid.strings
    if strings.height == 0 or strings.width == 0:
        return None
    head = strings.head(HEADER_SEARCH_ROWS).rows()
    header_index = find_header_row(head, vocabulary)
    if header_index is None:
        return None
    letters = list(grid.letters or [column_letter(i) for i in range(strings.width)])
    header_row = grid.first_row + header_index
    combined = _combined_header(grid, head, header_index) if vocabulary is None else None
    header_cells = combined.cells if combined else head[header_index]
    body_index = header_index + (2 if combined else 1)
    headers = _unique_headers(header_cells, letters)
    raw_columns = strings.columns
    data_first_row = grid.first_row + body_index

    data = strings.slice(body_index)
    numbers = grid.numbers.slice(body_index) if grid.numbers is not None else None
    data = _fill_merges(data, grid.merges, data_first_row=data_first_row, columns=raw_columns)
    if numbers is not None:
        numbers = _fill_merges(
            numbers, grid.merges, data_first_row=data_first_row, columns=numbers.columns
        )
    frame = data.rename(dict(zip(raw_columns, headers, strict=True)))
    if grid.date_cells:
        # A date cell comes as "1980-05-12 00:00:00": show the date.
        with_time = [h for h in headers if frame[h].str.ends_with(" 00:00:00").any()]
        frame = frame.with_columns(
            pl.col(h).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1") for h in with_time
        )
    frame = frame.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).add(data_first_row).alias(ROW_COLUMN),
        pl.lit(grid.name, dtype=pl.String).alias(SHEET_COLUMN),
    )
    if numbers is not None:
        present = [c for c in numbers.columns if numbers[c].null_count() < numbers.height]
        frame = frame.with_columns(
            numbers[c].cast(pl.Float64).alias(NUMBER_PREFIX + headers[raw_columns.index(c)])
            for c in present
        )
    if grid.issues:
        frame = _add_issues(frame, grid.issues, headers, data_first_row)
    if grid.extra is not None:
        frame = frame.with_columns(grid.extra.slice(body_index).alias(EXTRA_COLUMN))

    # The numbering row "(1) (2) (3)" right under the header is not data.
    skipped = 0
    while (
        skipped < 2
        and frame.height > skipped
        and is_numbering_row(frame.select(headers).row(skipped))
    ):
        skipped += 1
    frame = frame.slice(skipped)
    frame = frame.filter(_non_empty(frame, headers))
    # Last: the columns above are placed by position in the sheet; this one is not in it.
    if combined and combined.sex_ticks:
        frame, headers = _with_sex_from_ticks(frame, headers, *combined.sex_ticks)
    titles = tuple(
        " ".join(str(c).strip() for c in row if c is not None and str(c).strip())
        for row in head[:header_index]
    )
    return SheetTable(
        grid.name, header_row, headers, frame, (*grid.titles, *(t for t in titles if t))
    )


def _combined_header(
    grid: SheetGrid, head: Sequence[Sequence[str | None]], header_index: int
) -> CombinedHeader | None:
    """The header row combined with the row under it, when that row holds sub-headers."""
    if header_index + 1 >= len(head):
        return None
    header_row = grid.first_row + header_index
    spans = {c1: c2 for r1, c1, _, c2 in grid.merges if r1 == header_row and c2 > c1}
    return combine_header_rows(head[header_index], head[header_index + 1], spans)


# What a tick column holds when it is not ticked ("X" is left out: many lists tick with it).
_UNTICKED = ["", "0", "-", "–"]


def _with_sex_from_ticks(
    frame: pl.DataFrame, headers: list[str], name: str, ticks: Mapping[int, str]
) -> tuple[pl.DataFrame, list[str]]:
    """Add one sex column read from the "L" and "P" tick columns — "L", "P", "L dan P" when
    both are ticked (for the check to report), empty when neither — after the last of them."""

    def ticked(sex: str) -> pl.Expr:
        return pl.any_horizontal(
            ~pl.col(headers[col])
            .str.strip_chars()
            .fill_null("")
            .str.to_lowercase()
            .is_in(_UNTICKED)
            for col, tick in ticks.items()
            if tick == sex
        )

    male, female = ticked("L"), ticked("P")
    column = name if name.lower() not in {h.lower() for h in headers} else f"{name} (L/P)"
    sex = (
        pl.when(male & ~female)
        .then(pl.lit("L"))
        .when(female & ~male)
        .then(pl.lit("P"))
        .when(male & female)
        .then(pl.lit("L dan P"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias(column)
    )
    position = max(ticks) + 1
    headers = [*headers[:position], column, *headers[position:]]
    return frame.with_columns(sex).select(*headers, pl.exclude(headers)), headers


def _add_issues(
    frame: pl.DataFrame,
    issues: Mapping[tuple[int, int], str],
    headers: list[str],
    data_first_row: int,
) -> pl.DataFrame:
    by_column: dict[int, dict[int, str]] = {}
    for (row, col), text in issues.items():
        if row >= data_first_row and col < len(headers):
            by_column.setdefault(col, {})[row] = text
    for col, cells in by_column.items():
        values = pl.DataFrame(
            {ROW_COLUMN: list(cells), "_v": list(cells.values())},
            schema={ROW_COLUMN: pl.Int64, "_v": pl.String},
        )
        frame = frame.join(values, on=ROW_COLUMN, how="left", maintain_order="left").rename(
            {"_v": ISSUE_PREFIX + headers[col]}
        )
    return frame


def _non_empty(frame: pl.DataFrame, headers: list[str]) -> pl.Expr:
    # Null cells only: a row of blanks/whitespace is counted as skipped by the checks later.
    filled = [pl.col(h).is_not_null() for h in headers]
    filled += [pl.col(c).is_not_null() for c in frame.columns if c.startswith(ISSUE_PREFIX)]
    if EXTRA_COLUMN in frame.columns:
        filled.append(pl.col(EXTRA_COLUMN).is_not_null())
    return pl.any_horizontal(filled)
