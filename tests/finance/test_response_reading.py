"""The branch's response file, read as tolerantly as the registry import (issue 16, item 2), by
hypothesis: title rows above a header named in any of the branch's words, NIKs typed with
apostrophes, spaces, dashes or dots (repaired) or damaged (cut, lengthened, a letter O for a
zero, scientific notation: unreadable), KPJs of every shape, dates in any of the ways lists
write them, statuses known and unknown. Whatever the file: the reader never crashes, every row
comes out (never dropped), each says what was wrong with it, and the unreadable ones are
counted — by the reader and by the import that stores them."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.finance.exchange.applying import response_import
from jaring.finance.exchange.checking import KPJ_DIGITS, check_response, outcome_before_matching
from jaring.finance.exchange.reading import read_response
from jaring.finance.models import ResponseFile, ResponseRow, RowOutcome
from tests.finance.conftest import Signed

TODAY = date(2023, 10, 2)
FIRST_MONTH = date(2023, 1, 1)

HEADERS = {
    "nik": ("NIK", "No. NIK", "NIK KTP", "Nomor Induk Kependudukan"),
    "name": ("Nama", "NAMA PESERTA", "Nama Lengkap"),
    "kpj": ("No. KPJ", "KPJ", "Nomor Kepesertaan", "No Kartu Peserta"),
    "status": ("Status", "STATUS KEPESERTAAN", "Hasil Verifikasi"),
    "reason": ("Keterangan", "Alasan Penolakan", "Catatan"),
    "tmt": ("TMT", "Tanggal Aktif", "TMT Kepesertaan", "Tgl Mulai"),
}
TITLES = (
    "DAFTAR HASIL PENDAFTARAN PESERTA BPU",
    "Kantor Cabang Kediri — Wadah SG Pemkot",
    "Periode September 2023",
)
STATUSES = {
    "Terdaftar": "registered",
    "AKTIF": "registered",
    "Sukses": "registered",
    "Ditolak": "rejected",
    "GAGAL": "rejected",
    "Non Aktif": "inactive",
    "berakhir": "inactive",
}
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip


@dataclass(frozen=True)
class Row:
    nik: str  # the 16 digits
    nik_cell: str
    nik_readable: bool
    kpj_cell: str
    kpj: str  # the digits expected, "" when none or unusable
    kpj_letters: bool
    status_cell: str
    tmt_cell: str
    tmt: date | None
    tmt_invalid: bool


def _nik_cell(digits: str) -> st.SearchStrategy[tuple[str, bool]]:
    repaired = st.sampled_from(
        [
            digits,
            f"'{digits}",
            f"`{digits}",
            f"  {digits} ",
            f"{digits[:4]} {digits[4:8]} {digits[8:12]} {digits[12:]}",
            f"{digits[:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:]}",
            f"{digits[:4]}.{digits[4:8]}.{digits[8:12]}.{digits[12:]}",
            f"{digits}.0",
        ]
    ).map(lambda cell: (cell, True))
    damaged = st.sampled_from(
        [
            digits[:-1],
            digits + "7",
            digits[:5] + "O" + digits[6:],
            f"{digits[0]}.{digits[1:6]}E+15",
            "",
            "-",
            "belum ada",
        ]
    ).map(lambda cell: (cell, False))
    return st.one_of(repaired, damaged)


@st.composite
def kpjs(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(cell, digits expected, has letters)."""
    kind = draw(st.sampled_from(["digits", "decorated", "letters", "empty"]))
    digits = draw(st.text("0123456789", min_size=4, max_size=14))
    if kind == "digits":
        return digits, digits, False
    if kind == "decorated":
        parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
        separator = draw(st.sampled_from([" ", ".", "-", "/"]))
        prefix = draw(st.sampled_from(["", "'"]))
        return prefix + separator.join(parts), digits, False
    if kind == "letters":
        return digits[:2] + "AB" + digits[2:], "", True
    return "", "", False


@st.composite
def tmts(draw: st.DrawFn) -> tuple[str, date | None, bool]:
    """(cell, date expected, invalid)."""
    kind = draw(st.sampled_from(["dmy", "iso", "words", "serial", "bad", "empty"]))
    day = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2023, 9, 30)))
    if kind == "dmy":
        separator = draw(st.sampled_from(["-", "/", "."]))
        return f"{day:%d}{separator}{day:%m}{separator}{day:%Y}", day, False
    if kind == "iso":
        return day.isoformat(), day, False
    if kind == "words":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}", day, False
    if kind == "serial":
        return str((day - date(1899, 12, 30)).days), day, False
    if kind == "bad":
        return draw(st.sampled_from(["32-13-2023", "kemarin", "31/02/2023", "??"])), None, True
    return "", None, False


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    count = draw(st.integers(min_value=1, max_value=12))
    bases = draw(
        st.lists(
            st.text("0123456789", min_size=12, max_size=12).map(lambda t: "3571" + t),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    found = []
    for digits in bases:
        nik_cell, readable = draw(_nik_cell(digits))
        kpj_cell, kpj, letters = draw(kpjs())
        status = draw(st.sampled_from([*STATUSES, "entah", ""]))
        tmt_cell, tmt, invalid = draw(tmts())
        found.append(
            Row(digits, nik_cell, readable, kpj_cell, kpj, letters, status, tmt_cell, tmt, invalid)
        )
    return found


@dataclass(frozen=True)
class Layout:
    titles: int
    headers: dict[str, str]
    file_format: str  # csv; csv, or xlsx


layouts = st.builds(
    Layout,
    titles=st.integers(min_value=0, max_value=3),
    headers=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in HEADERS.items()}),
    file_format=st.sampled_from(["csv;", "csv,", "xlsx"]),
)


def _cells(row: Row, number: int) -> list[str]:
    return [
        str(number),
        row.nik_cell,
        f"Peserta {number}",
        row.kpj_cell,
        row.status_cell,
        "NIK tidak ditemukan" if row.status_cell in ("Ditolak", "GAGAL") else "",
        row.tmt_cell,
    ]


def write_file(folder: Path, layout: Layout, data: list[Row]) -> Path:
    header = ["No", *(layout.headers[k] for k in ("nik", "name", "kpj", "status", "reason"))]
    header.append(layout.headers["tmt"])
    lines = [[TITLES[i]] for i in range(layout.titles)]
    lines += [header] + [_cells(row, i + 1) for i, row in enumerate(data)]
    if layout.file_format == "xlsx":
        path = folder / "balasan.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("Hasil")
        for r, line in enumerate(lines):
            for c, value in enumerate(line):
                if value != "":
                    sheet.write_string(r, c, value)
        book.close()
        return path
    separator = layout.file_format[-1]
    path = folder / "balasan.csv"
    path.write_text("\n".join(separator.join(line) for line in lines) + "\n", encoding="utf-8")
    return path


def expected_status(row: Row) -> str | None:
    if row.status_cell == "":
        return "registered" if row.kpj else None
    return STATUSES.get(row.status_cell)


def checked(path: Path) -> pl.DataFrame:
    response = read_response(path, file_name=path.name)
    return check_response(response, today=TODAY, first_month=FIRST_MONTH).sort("row_number")


@settings(max_examples=150, deadline=None)
@given(layout=layouts, data=rows())
def test_the_reader_never_crashes_nor_drops_a_row(layout: Layout, data: list[Row]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        found = checked(write_file(Path(folder), layout, data))
    assert found.height == len(data), "a row was dropped"
    for row, out in zip(data, found.iter_rows(named=True), strict=True):
        problems = set(out["problems"])
        assert out["readable"] is row.nik_readable, row.nik_cell
        assert ("NIK_UNREADABLE" in problems) is not row.nik_readable
        if row.nik_readable:
            assert out["nik"] == row.nik and out["nik_index"]  # ciphered when stored (ADR 0016)
        else:
            assert out["nik_index"] is None
        assert out["kpj"] == row.kpj, row.kpj_cell
        assert ("KPJ_NOT_DIGITS" in problems) is row.kpj_letters
        assert ("KPJ_LENGTH" in problems) is (row.kpj != "" and len(row.kpj) != KPJ_DIGITS)
        assert out["status"] == expected_status(row), row.status_cell
        if row.nik_readable:
            assert ("STATUS_UNKNOWN" in problems) is (expected_status(row) is None)
        assert out["tmt"] == row.tmt, row.tmt_cell
        assert ("TMT_INVALID" in problems) is row.tmt_invalid
    unreadable = found.select(outcome_before_matching().alias("o"))["o"]
    expected = sum(1 for r in data if not r.nik_readable or expected_status(r) is None)
    assert (unreadable == RowOutcome.UNREADABLE).sum() == expected


@pytest.fixture
def answered(signed_programme: Callable[..., Signed]) -> Signed:
    """One programme whose branch answers again and again (one per test, not per example)."""
    return signed_programme(1, first_month=FIRST_MONTH, months=12, signed_on=date(2022, 12, 1))


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(layout=layouts, data=rows())
def test_the_import_counts_every_row(answered: Signed, layout: Layout, data: list[Row]) -> None:
    """Through the import that stores the file: every row is stored with its outcome, and the
    file's counts say how many could not be read (none of these NIKs is in the decree)."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_file(Path(folder), layout, data)
        made = response_import(user=None, programme=answered.programme, path=path, today=TODAY)
    stored = ResponseFile.objects.get(pk=made.response.pk)
    assert stored.rows == len(data)
    assert ResponseRow.objects.filter(response=stored).count() == len(data)
    unreadable = sum(1 for r in data if not r.nik_readable or expected_status(r) is None)
    assert stored.unreadable == unreadable
    assert stored.not_in_sk == len(data) - unreadable
    assert (
        ResponseRow.objects.filter(response=stored, outcome=RowOutcome.UNREADABLE).count()
        == unreadable
    )
