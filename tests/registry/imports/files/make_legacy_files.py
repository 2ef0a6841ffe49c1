"""Write the legacy-format fixtures beside this script: daftar-bandar-lor.xls (BIFF8) and
daftar-bandar-lor.ods. Run once by hand; the files are committed, so neither the suite nor the
product needs the writers: ``pip install xlwt==1.3.0 odfpy==1.4.1`` in a scratch environment,
then ``python make_legacy_files.py``.

The table starts at B2, as bordered lists often do: titles in rows 2-3, headers in row 5, four
people in rows 6-9. NIKs and phones are number cells where Excel users type them as numbers
(a 16-digit NIK survives as a float; a phone loses its leading zero) and text where they put
an apostrophe; birth dates are date cells or text in the forms seen in kelurahan lists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

TITLE = ["DAFTAR PEKERJA RENTAN PENERIMA BANTUAN IURAN", "KELURAHAN BANDAR LOR KEC. MOJOROTO"]
HEADER = [
    "NO", "N I K", "NAMA LENGKAP", "TEMPAT LAHIR", "TGL LAHIR", "L/P", "ALAMAT", "RT/RW",
    "DESA/KEL", "PEKERJAAN", "NO HP",
]  # fmt: skip
ROWS: list[list[Any]] = [
    [1, 3571011708800002, "Suparman", "Kediri", dt.date(1980, 8, 17), "L",
     "Jl. Penanggungan 12", "003/002", "Bandar Lor", "Ketua RT 03", "081234567890"],
    [2, "3571015205850003", "Siti Aminah", "Kediri", "12-05-1985", "P",
     "Jl. Sultan Agung 4", "001/004", "Kel. Bandar Lor", "kader posyandu", 85712345678],
    [3, 3571010101700001, "Moch. Ridwan", "Nganjuk", dt.date(1970, 1, 1), "LK",
     "Jl. Mayor Bismo 7", "002/001", "Bandar Kidul", "tkg ojek", None],
    [4, "35710117088", "Joko Susilo", "Kediri", "17 Agustus 1980", "L",
     "Jl. Penanggungan 3", "003/002", "Bandar Lor", "tukang parkir", "0856-1111-2222"],
]  # fmt: skip
HERE = Path(__file__).parent


def write_xls(path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Peserta")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, text in enumerate(TITLE, start=1):
        sheet.write_merge(r, r, 1, len(HEADER), text)
    for c, text in enumerate(HEADER, start=1):
        sheet.write(4, c, text)
    for r, row in enumerate(ROWS, start=5):
        for c, value in enumerate(row, start=1):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))


def _ods_cell(value: Any) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.strftime("%d/%m/%Y")))
    elif isinstance(value, int):
        cell = TableCell(valuetype="float", value=str(value))
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=value))
    return cell


def write_ods(path: Path) -> None:
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Peserta")
    rows = [[], [None, TITLE[0]], [None, TITLE[1]], [], [None, *HEADER]]
    for row in [*rows, *([None, *person] for person in ROWS)]:
        table_row = TableRow()
        for value in row:
            table_row.addElement(_ods_cell(value))
        table.addElement(table_row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


if __name__ == "__main__":
    write_xls(HERE / "daftar-bandar-lor.xls")
    write_ods(HERE / "daftar-bandar-lor.ods")
