"""CSV cells that a spreadsheet would run as formulas are neutralised; the rest is untouched."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.core.spreadsheets import csv_safe


def test_formula_cells_get_an_apostrophe() -> None:
    frame = pl.DataFrame(
        {
            "name": ['=HYPERLINK("http://x","klik")', "+62812", "-1+2", "@SUM(A1)", "Budi"],
            "address": ["\t=1", "\r=1", "Jl. Mawar", None, "=cmd|' /C calc'!A0"],
            "n": [1, 2, 3, 4, 5],
        }
    )
    safe = csv_safe(frame)
    assert safe["name"].to_list() == [
        '\'=HYPERLINK("http://x","klik")',
        "'+62812",
        "'-1+2",
        "'@SUM(A1)",
        "Budi",
    ]
    assert safe["address"].to_list() == ["'\t=1", "'\r=1", "Jl. Mawar", None, "'=cmd|' /C calc'!A0"]
    assert safe["n"].to_list() == [1, 2, 3, 4, 5]


@settings(deadline=None)  # a polars frame per example: slow on a busy machine, not wrong
@given(st.lists(st.text(max_size=20), max_size=30))
def test_no_cell_of_a_safe_frame_starts_a_formula(values: list[str]) -> None:
    safe = csv_safe(pl.DataFrame({"v": values}, schema={"v": pl.String}))
    for before, after in zip(values, safe["v"].to_list(), strict=True):
        assert after[:1] not in {"=", "+", "-", "@", "\t", "\r"}
        assert after in {before, "'" + before}
