"""The result workbook the kelurahan fixes and sends back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from jaring.registry.imports.applying import workbook
from jaring.registry.imports.applying.workbook import write_problems_workbook
from jaring.registry.imports.reading import read_table
from jaring.synthetic.messy import DamageRates, write_messy_file

from ..conftest import KEDIRI, run_check

HEADER = "NIK;Nama;Tgl Lahir;Kelurahan;No HP;Keterangan"


def test_rows_status_and_problems(tmp_path: Path) -> None:
    source = tmp_path / "daftar.csv"
    source.write_text(
        f"{HEADER}\n"
        "3571031708800002;Budi;17-08-1980;Bandar Lor;08123456789;\n"
        "3.57103E+15;Ani;17-08-1985;Bandar Lor;0812;=1+1\n"
        "3571035708850003;Cici;;Bandar Lor;;@SUM(A1)\n"
    )
    table = read_table(source)
    checked = run_check(table)
    out = tmp_path / "hasil.xlsx"
    assert write_problems_workbook(table, checked, out) == 3

    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "NIK",
        "Nama",
        "Tgl Lahir",
        "Kelurahan",
        "No HP",
        "Keterangan",
        "Status",
        "Masalah",
        "Baris asal",
    )
    assert rows[1][:2] == ("3571031708800002", "Budi")  # a NIK stays text
    assert rows[1][6] == "Diterima dengan catatan"  # no occupation column
    assert rows[2][6] == "Ditolak"
    assert "NIK: NIK tertulis dalam notasi ilmiah" in rows[2][7]
    assert "No HP: Nomor HP 0812 tidak sah" in rows[2][7]
    assert rows[2][5] == "=1+1"  # a value that looks like a formula stays text
    assert sheet["F3"].data_type == "s"
    assert rows[3][8] == "4"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I4"
    # The cell of an error is red, of a warning yellow.
    assert sheet["A3"].fill.fgColor.rgb.endswith("F8CBAD")
    assert sheet["E3"].fill.fgColor.rgb.endswith("FFE699")


def test_only_problem_rows_in_english(tmp_path: Path) -> None:
    truth = write_messy_file(
        tmp_path / "list.xlsx",
        rows=400,
        regency=KEDIRI,
        seed=4,
        fmt="xlsx",
        rates=DamageRates().scaled(3),
        sheets=2,
    )
    table = read_table(truth.path)
    checked = run_check(table)
    out = tmp_path / "result.xlsx"
    written = write_problems_workbook(table, checked, out, only_problems=True, language="en")
    summary = checked.summary()
    assert written == summary["warnings"] + summary["held"] + summary["rejected"]
    sheet = openpyxl.load_workbook(out, read_only=True).active
    header = next(sheet.iter_rows(values_only=True))
    assert header[-4:] == ("Status", "Problems", "Original row", "Original sheet")
    statuses = {row[-4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"Accepted with warnings", "Held for a decision", "Rejected"}


def test_rows_beyond_excel_limit_continue_on_a_new_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "daftar.csv"
    rows = [f"35710317088000{i:02d};Orang {i};17-08-1980;Bandar Lor;;" for i in range(1, 8)]
    source.write_text("\n".join([HEADER, *rows]) + "\n")
    table = read_table(source)
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 4)  # 3 data rows per sheet
    out = tmp_path / "hasil.xlsx"
    assert write_problems_workbook(table, run_check(table), out) == 7
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Hasil pemeriksaan",
        "Hasil pemeriksaan (2)",
        "Hasil pemeriksaan (3)",
    ]
    assert [book[name].max_row for name in book.sheetnames] == [4, 4, 2]
