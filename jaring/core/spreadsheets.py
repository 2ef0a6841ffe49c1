"""Files that people open in a spreadsheet: cells that must never become formulas.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs strip first) is read by Excel and LibreOffice as a formula: a name typed as
``=HYPERLINK("http://…", "klik")`` in a kelurahan's list would run on the computer of whoever
opens the export ("CSV injection", OWASP). :func:`csv_safe` puts an apostrophe in front of such
cells, which the spreadsheet shows as text and does not display. Workbooks written by XlsxWriter
are safe by themselves (``strings_to_formulas`` off): a string cell is always text.
"""

from __future__ import annotations

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula neutralised."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )
