"""The Monev report: a PDF drawn without a browser, and an xlsx, in Indonesian."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import polars as pl
from django.core.management import call_command
from openpyxl import load_workbook

from jaring.monitoring.periods import Period
from jaring.monitoring.reports import monev_report
from jaring.monitoring.selectors import coverage_checked


def test_pdf_and_xlsx_of_a_kabkota(add_people: Callable[..., pl.DataFrame], tmp_path: Path) -> None:
    add_people(60, "35.16", seed=11)
    coverage = coverage_checked("35.16", Period.current())
    pdf = monev_report(coverage, file_format="pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    book = load_workbook(io.BytesIO(monev_report(coverage, file_format="xlsx")))
    assert {"Ringkasan", "Wilayah", "Tren", "Dilaporkan vs dihitung"} <= set(book.sheetnames)
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=5, values_only=True)}
    assert summary["Pekerja rentan terdaftar"] == 60
    assert summary["Penduduk bekerja"] == 653623  # Sakernas Agustus 2025
    regions = list(book["Wilayah"].iter_rows(min_row=2, values_only=True))
    assert len(regions) == 18 and sum(r[4] for r in regions) == 60

    out = StringIO()
    target = tmp_path / "monev.pdf"
    call_command(
        "monev",
        "report",
        "--region",
        "35.16",
        "--period",
        Period.current().iso,
        "--format",
        "pdf",
        "--output",
        str(target),
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["bytes"] == target.stat().st_size > 0
