"""The result workbook: the rows as read, a status and the problems, for the kelurahan to fix.

Written with XlsxWriter in ``constant_memory`` mode (one row in memory at a time), so a million
rows take constant memory; Excel's 1,048,576-row limit per sheet is respected by continuing on
a new sheet. Every cell is written as text exactly as it was read (a NIK stays a 16-digit text,
never a number Excel could round again; a value starting with "=" stays text, never a formula),
and every column is formatted as text so values typed in before resending stay text too.
Cells with a problem are highlighted (red: error, yellow: warning); the header row is frozen and
has an autofilter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import polars as pl
import xlsxwriter

from jaring.registry.imports.checking import CheckedTable
from jaring.registry.imports.problems import problem_messages
from jaring.registry.imports.reading import RawTable
from jaring.registry.imports.reading.grid import ROW_COLUMN, SHEET_COLUMN
from jaring.rules.messages import gettext_noop, pgettext_noop, translate

EXCEL_MAX_ROWS = 1_048_576
#: Words of the workbook (English msgids; the kelurahan reads them translated).
_LABELS = {
    "sheet": gettext_noop("Check result"),
    "status": gettext_noop("Status"),
    "problems": gettext_noop("Problems"),
    "row": gettext_noop("Original row"),
    "source_sheet": gettext_noop("Original sheet"),
    "accepted": gettext_noop("Accepted"),
    "warning": pgettext_noop("problems workbook", "Accepted with warnings"),
    "held": gettext_noop("Held for a decision"),
    "rejected": gettext_noop("Rejected"),
}
_FILLS = {"error": "#F8CBAD", "warning": "#FFE699", "accepted": "#C6EFCE", "hold": "#BDD7EE"}


def _problem_rows(
    checked: CheckedTable, headers: list[str], language: Literal["id", "en"]
) -> pl.DataFrame:
    """Per (sheet, row): the joined messages and the columns to highlight by severity. Messages
    are rendered column-wise, one expression per problem code."""
    position = {h: i for i, h in enumerate(headers)}
    problems = checked.problems.with_columns(
        _message=problem_messages(checked.problems, language)
    ).with_columns(
        _text=pl.when(pl.col("column").is_not_null())
        .then(pl.format("{}: {}", pl.col("column"), pl.col("_message")))
        .otherwise(pl.col("_message")),
        _col=pl.col("column").replace_strict(position, default=None, return_dtype=pl.Int32),
    )
    return problems.group_by(SHEET_COLUMN, ROW_COLUMN, maintain_order=True).agg(
        _messages=pl.col("_text").str.join("; "),
        _errors=pl.col("_col").filter(pl.col("severity") == "error").drop_nulls().unique(),
        _warnings=pl.col("_col").filter(pl.col("severity") != "error").drop_nulls().unique(),
    )


def write_problems_workbook(
    table: RawTable,
    checked: CheckedTable,
    path: str | Path,
    *,
    only_problems: bool = False,
    language: Literal["id", "en"] = "id",
) -> int:
    """Write the result workbook to ``path``; returns the number of data rows written.

    Columns: the file's columns as read, then Status, Masalah (messages joined by "; ", each
    prefixed by its column), the original row and, for several sheets, the original sheet.
    ``only_problems`` leaves out accepted rows.
    """
    labels = {key: translate(msgid, language) for key, msgid in _LABELS.items()}
    headers = list(table.headers)
    several_sheets = len(table.sheets) > 1
    data = table.frame.select(*headers, SHEET_COLUMN, ROW_COLUMN).join(
        checked.rows.select(SHEET_COLUMN, ROW_COLUMN, "state"),
        on=[SHEET_COLUMN, ROW_COLUMN],
        how="inner",
        maintain_order="left",
    )
    if only_problems:
        data = data.filter(pl.col("state") != "accepted")
    data = data.join(
        _problem_rows(checked, headers, language),
        on=[SHEET_COLUMN, ROW_COLUMN],
        how="left",
        maintain_order="left",
    ).with_columns(
        pl.col("state")
        .replace_strict({s: labels[s] for s in ("accepted", "warning", "held", "rejected")})
        .alias("_status")
    )
    out_columns = [*headers, labels["status"], labels["problems"], labels["row"]]
    if several_sheets:
        out_columns.append(labels["source_sheet"])
    values = data.select(
        *headers,
        "_status",
        "_messages",
        pl.col(ROW_COLUMN).cast(pl.String),
        *([SHEET_COLUMN] if several_sheets else []),
    )

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        header_format = workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
        )
        text_format = workbook.add_format({"num_format": "@"})
        fills = {
            k: workbook.add_format({"bg_color": v, "num_format": "@"}) for k, v in _FILLS.items()
        }
        status_formats = {
            labels["rejected"]: fills["error"],
            labels["held"]: fills["hold"],
            labels["warning"]: fills["warning"],
            labels["accepted"]: fills["accepted"],
        }
        status_col = len(headers)
        per_sheet = EXCEL_MAX_ROWS - 1
        total = values.height
        chunks = max(1, -(-total // per_sheet))
        rows = values.iter_rows()
        highlights = data.select("_errors", "_warnings").iter_rows()
        written = 0
        for chunk in range(chunks):
            name = labels["sheet"] if chunk == 0 else f"{labels['sheet']} ({chunk + 1})"
            sheet = workbook.add_worksheet(name[:31])
            count = min(per_sheet, total - written)
            _prepare(sheet, out_columns, headers, text_format, header_format, count)
            for r in range(1, count + 1):
                row: tuple[Any, ...] = next(rows)
                errors, warnings = next(highlights)
                sheet.write_row(r, 0, row)
                for col in warnings or ():
                    sheet.write(r, col, row[col], fills["warning"])
                for col in errors or ():
                    sheet.write(r, col, row[col], fills["error"])
                sheet.write(r, status_col, row[status_col], status_formats.get(row[status_col]))
            written += count
    finally:
        workbook.close()
    return written


def _prepare(
    sheet: Any,
    columns: list[str],
    headers: list[str],
    text_format: Any,
    header_format: Any,
    count: int,
) -> None:
    """Widths, text format, frozen header and autofilter: set before any row (constant memory)."""
    for index, name in enumerate(columns):
        width = 60 if index == len(headers) + 1 else min(max(len(name) + 2, 12), 40)
        sheet.set_column(index, index, width, text_format)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    sheet.write_row(0, 0, columns, header_format)
