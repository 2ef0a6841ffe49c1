"""Reading every kind of file kelurahan send, and refusing the ones that cannot be read."""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from jaring.registry.imports.problems import ImportFileError, MappingError
from jaring.registry.imports.reading import PREVIEW_BYTES, list_sheets, read_table
from jaring.registry.imports.reading.mapping import guess_mapping

from ..conftest import codes_of, encrypted_workbook_bytes, run_check, state_of

NIK_A, NIK_B, NIK_C = "3571031708800002", "3571035708850003", "3571011001900004"


def _error(path: Path, **kwargs: object) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read_table(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --- delimited text ----------------------------------------------------------------------------


def test_csv_with_title_rows_numbering_row_and_bom(write_csv: Callable[..., Path]) -> None:
    text = (
        "\ufeffDAFTAR PEKERJA RENTAN KELURAHAN BANDAR LOR,,,\n"
        ",,,\n"
        "No,N I K,Nama Lengkap,Desa/Kel\n"
        "(1),(2),(3),(4)\n"
        f"1,{NIK_A},Budi,Bandar Lor\n"
        "\n"
        f'2,{NIK_B},"Siti, S.Pd",Bandar Lor\n'
    )
    table = read_table(write_csv(text))
    assert table.headers == ("No", "N I K", "Nama Lengkap", "Desa/Kel")
    assert table.header_row == 3
    assert table.separator == ","
    assert table.frame["_row"].to_list() == [5, 7]  # the blank line 6 is not a row
    assert table.frame["Nama Lengkap"].to_list() == ["Budi", "Siti, S.Pd"]
    assert guess_mapping(table.headers) == {
        "nik": "N I K",
        "name": "Nama Lengkap",
        "desa": "Desa/Kel",
    }


def test_semicolon_csv_in_windows_1252(write_csv: Callable[..., Path]) -> None:
    text = f"NIK;Nama;Alamat\r\n{NIK_A};Ma’ruf;Jl. Mawar No. 1\r\n{NIK_B};Nur’aini;Jl. Melati\r\n"
    table = read_table(write_csv(text, encoding="cp1252"))
    assert table.encoding == "cp1252"
    assert table.separator == ";"
    assert table.frame["Nama"].to_list() == ["Ma’ruf", "Nur’aini"]


def test_utf16_tab_separated_unicode_text(write_csv: Callable[..., Path]) -> None:
    text = f"NIK\tNama\tJK\n{NIK_A}\tBudi\tL\n"
    table = read_table(write_csv(text, name="daftar.txt", encoding="utf-16"))
    assert table.separator == "\t"
    assert table.frame["Nama"].to_list() == ["Budi"]


def test_extra_fields_are_kept_and_reported(check_csv: Callable[..., object]) -> None:
    text = (
        f"NIK;Nama;Alamat;Desa\n{NIK_A};Budi;Jl. Mawar; No. 5;Bandar Lor\n"
        f"{NIK_B};Ani;Jl. X;Bandar Lor\n"
    )
    checked = check_csv(text)
    assert "ROW_EXTRA_FIELDS" in codes_of(checked, 2)  # type: ignore[arg-type]
    assert state_of(checked, 2) == "held"  # shifted columns: a person checks  # type: ignore[arg-type]
    assert "ROW_EXTRA_FIELDS" not in codes_of(checked, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [b"", b"   \r\n", b";;;\n;;;\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(content)
    error = _error(path)
    assert error.code == "FILE_EMPTY"
    assert "kosong.csv" in error.message.render("id") and "kosong.csv" in error.message.render("en")


def test_file_far_beyond_the_limit(write_csv: Callable[..., Path]) -> None:
    path = write_csv("NIK;Nama\n" + f"{NIK_A};Budi\n" * 1000, name="besar.csv")
    error = _error(path, max_bytes=1000, file_name="Data Kelurahan.csv")
    assert error.code == "FILE_TOO_LARGE"
    assert "Data Kelurahan.csv" in error.message.render("id")
    assert "melebihi batas" in error.message.render(
        "id"
    ) and "above the limit" in error.message.render("en")


def test_no_header_row(write_csv: Callable[..., Path]) -> None:
    error = _error(write_csv("a;b;c\n1;2;3\n"))
    assert error.code == "FILE_NO_HEADER"


def test_header_without_rows(write_csv: Callable[..., Path]) -> None:
    error = _error(write_csv("JUDUL\nNIK;Nama;Alamat\n;;\n"))
    assert error.code == "FILE_NO_ROWS"
    assert "baris 2" in error.message.render("id")


def test_no_nik_column_names_the_headers(write_csv: Callable[..., Path]) -> None:
    table = read_table(write_csv("Nomor;Nama;Alamat\n1;Budi;Jl. X\n"))
    with pytest.raises(MappingError) as caught:
        guess_mapping(table.headers, file_name=table.file_name)
    assert caught.value.code == "FILE_NO_NIK_COLUMN"
    assert "'Nomor', 'Nama', 'Alamat'" in caught.value.message.render("id")
    assert caught.value.guess == {"name": "Nama", "address": "Alamat"}


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "foto.xls"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    error = _error(path)
    assert error.code == "FILE_UNSUPPORTED" and error.params["kind"] == "binary"
    assert "(berkas biner)" in error.message.render("id")
    assert "(binary file)" in error.message.render("en")


# --- broken workbooks --------------------------------------------------------------------------


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = tmp_path / "rahasia.xlsx"
    path.write_bytes(encrypted_workbook_bytes())
    error = _error(path)
    assert error.code == "FILE_ENCRYPTED"
    assert "kata sandi" in error.message.render("id") and "password" in error.message.render("en")
    assert "rahasia.xlsx" in error.message.render("id")


def test_truncated_workbook(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    openpyxl.Workbook().save(good)
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(good.read_bytes()[:300])
    assert _error(path).code == "FILE_CORRUPT"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert _error(path).code == "FILE_UNSUPPORTED"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert _error(path).code == "FILE_CORRUPT"


# --- workbooks ---------------------------------------------------------------------------------


def _messy_workbook(path: Path) -> None:
    """Title rows over merged cells, leading empty rows, number and text NIKs, a date cell, a
    formula without a stored value, an error cell, and a Kelurahan cell merged down."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet["B3"] = "DAFTAR PEKERJA RENTAN KELURAHAN BANDAR LOR"
    sheet.merge_cells("B3:G3")
    sheet.append([])
    sheet.append([None, "No", "NIK", "Nama", "Tgl Lahir", "Kelurahan", "JK"])  # row 5
    sheet.append([None, 1, int(NIK_A), "Budi", datetime.date(1980, 8, 17), "Bandar Lor", "L"])
    sheet.append([None, 2, NIK_B, '=UPPER("ani")', 31211, None, "P"])
    sheet.append([None, 3, NIK_C, "Cici", "10-01-1990", None, "#N/A"])
    sheet["G8"].data_type = "e"
    sheet.merge_cells("F6:F8")
    workbook.save(path)


def test_workbook_cells_as_the_user_sees_them(tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    _messy_workbook(path)
    table = read_table(path)
    assert table.header_row == 5
    frame = table.frame
    assert frame["_row"].to_list() == [6, 7, 8]
    assert frame["NIK"].to_list() == [NIK_A, NIK_B, NIK_C]
    # The first NIK was a number cell; the others were text.
    assert frame[table.number_column("NIK") or ""].to_list() == [float(NIK_A), None, None]
    assert frame["Tgl Lahir"].to_list() == ["1980-08-17", "31211", "10-01-1990"]
    # The merged Kelurahan cell is filled down its range.
    assert frame["Kelurahan"].to_list() == ["Bandar Lor"] * 3
    assert frame[table.issue_column("Nama") or ""].to_list() == [None, "formula", None]
    assert frame[table.issue_column("JK") or ""].to_list() == [None, None, "#N/A"]


def test_workbook_problems_from_cells(tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    _messy_workbook(path)
    checked = run_check(read_table(path))
    assert {"NIK_FROM_NUMBER"} <= codes_of(checked, 6)
    assert state_of(checked, 6) == "warning"
    # A formula without a value never passes as an empty name without saying why.
    assert {"CELL_FORMULA_NO_VALUE", "NAME_MISSING"} <= codes_of(checked, 7)
    assert "CELL_ERROR_VALUE" in codes_of(checked, 8)
    formula = checked.problems.filter(checked.problems["code"] == "CELL_FORMULA_NO_VALUE")
    assert formula["column"].to_list() == ["Nama"]


def _sheets_workbook(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    guide = workbook.add_worksheet("Petunjuk")
    guide.write(0, 0, "Isi data mulai baris 3. Jangan ubah judul kolom.")
    first = workbook.add_worksheet("Kel A")
    first.write_row(0, 0, ["NIK", "Nama", "L/P"])
    first.write_row(1, 0, [NIK_A, "Budi", "L"])
    second = workbook.add_worksheet("Kel B")
    second.write_row(0, 0, ["N I K", "Nama Lengkap", "JK", "Keterangan"])
    second.write_row(1, 0, [NIK_B, "Ani", "P", "baru"])
    hidden = workbook.add_worksheet("Referensi")
    hidden.write_row(0, 0, ["NIK", "Nama"])
    hidden.write_row(1, 0, [NIK_C, "Tersembunyi"])
    hidden.hide()
    workbook.close()


def test_every_sheet_with_a_header_is_stacked(tmp_path: Path) -> None:
    path = tmp_path / "kecamatan.xlsx"
    _sheets_workbook(path)
    assert list_sheets(path) == ["Petunjuk", "Kel A", "Kel B", "Referensi"]
    table = read_table(path)
    assert table.sheets == ("Kel A", "Kel B")
    # "N I K" and "Nama Lengkap" of the second sheet land in the first sheet's columns.
    assert table.headers == ("NIK", "Nama", "L/P", "Keterangan")
    assert table.frame["NIK"].to_list() == [NIK_A, NIK_B]
    assert table.frame["_sheet"].to_list() == ["Kel A", "Kel B"]
    assert any("Petunjuk" in note for note in table.notes)
    assert any("Referensi" in note for note in table.notes)


def test_one_chosen_sheet(tmp_path: Path) -> None:
    path = tmp_path / "kecamatan.xlsx"
    _sheets_workbook(path)
    assert read_table(path, sheet="Kel B").frame["Nama Lengkap"].to_list() == ["Ani"]
    assert read_table(path, sheet="Referensi").frame["Nama"].to_list() == ["Tersembunyi"]
    error = _error(path, sheet="Kel C")
    assert error.code == "SHEET_NOT_FOUND"
    assert "Kel A" in error.message.render("id")


# --- files that pretend to be .xls -------------------------------------------------------------


def test_html_table_saved_as_xls(tmp_path: Path) -> None:
    html = f"""<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
    <table><tr><td colspan="4"><b>DAFTAR PEKERJA RENTAN</b></td></tr>
    <tr><th>NIK</th><th>Nama&nbsp;Lengkap</th><th>Desa</th><th>Tgl Lahir</th></tr>
    <tr><td x:num="{NIK_A}">3.57103E+15</td><td>Budi</td><td rowspan="2">Bandar Lor</td>
        <td>17-08-1980</td></tr>
    <tr><td>{NIK_B}</td><td>Ani &amp; Co</td><td>17/08/1985</td></tr>
    </table></body></html>"""
    path = tmp_path / "export_sipd.xls"
    path.write_text(html, encoding="utf-8")
    table = read_table(path)
    assert table.format == "html"
    assert table.header_row == 2
    assert table.headers == ("NIK", "Nama Lengkap", "Desa", "Tgl Lahir")
    assert table.frame["Desa"].to_list() == ["Bandar Lor", "Bandar Lor"]
    assert table.frame["Nama Lengkap"].to_list() == ["Budi", "Ani & Co"]
    assert table.frame[table.number_column("NIK") or ""].to_list() == [float(NIK_A), None]
    checked = run_check(table)
    assert "NIK_FROM_NUMBER" in codes_of(checked, 3)


def test_html_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "halaman.xls"
    path.write_text("<html><body><p>Sesi Anda telah berakhir.</p></body></html>")
    error = _error(path)
    assert error.code == "FILE_HTML_TABLE"
    assert "halaman.xls" in error.message.render("en")


def test_excel_2003_xml_spreadsheet(tmp_path: Path) -> None:
    xml = f"""<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Peserta"><Table>
  <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">DAFTAR</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">NIK</Data></Cell>
   <Cell><Data ss:Type="String">Nama</Data></Cell>
   <Cell><Data ss:Type="String">Desa</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">{NIK_A}</Data></Cell>
   <Cell><Data ss:Type="String">Budi</Data></Cell>
   <Cell ss:MergeDown="1"><Data ss:Type="String">Bandar Lor</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">{NIK_B}</Data></Cell>
   <Cell><Data ss:Type="String">Ani</Data></Cell></Row>
 </Table></Worksheet></Workbook>"""
    path = tmp_path / "export.xls"
    path.write_text(xml, encoding="utf-8")
    assert list_sheets(path) == ["Peserta"]
    table = read_table(path)
    assert table.format == "xml2003"
    assert table.header_row == 3
    assert table.frame["_row"].to_list() == [4, 5]
    assert table.frame["Desa"].to_list() == ["Bandar Lor", "Bandar Lor"]
    assert table.frame[table.number_column("NIK") or ""].to_list() == [float(NIK_A), None]


# --- legacy .xls (BIFF8) and .ods: real files, written by make_legacy_files.py -----------------

LEGACY_FILES = Path(__file__).parents[1] / "files"


@pytest.mark.parametrize(
    ("name", "fmt"), [("daftar-bandar-lor.xls", "xls"), ("daftar-bandar-lor.ods", "ods")]
)
def test_legacy_workbooks_keep_the_rows_and_numbers_the_user_sees(name: str, fmt: str) -> None:
    # The table starts at B2 under an empty row: the row numbers must still be the ones Excel
    # shows, or the problems workbook would send the kelurahan to the wrong row.
    table = read_table(LEGACY_FILES / name)
    assert table.format == fmt
    assert table.header_row == 5
    assert table.frame["_row"].to_list() == [6, 7, 8, 9]
    assert table.frame["N I K"].to_list() == [
        "3571011708800002", "3571015205850003", "3571010101700001", "35710117088",
    ]  # fmt: skip
    # Number cells keep their exact value beside the text; text cells have none.
    assert table.frame[table.number_column("N I K") or ""].to_list() == [
        3571011708800002.0, None, 3571010101700001.0, None,
    ]  # fmt: skip
    assert table.frame[table.number_column("NO HP") or ""].to_list() == [
        None, 85712345678.0, None, None,
    ]  # fmt: skip
    # Date cells arrive as ISO dates; typed dates as typed.
    assert table.frame["TGL LAHIR"].to_list() == [
        "1980-08-17", "12-05-1985", "1970-01-01", "17 Agustus 1980",
    ]  # fmt: skip
    assert guess_mapping(table.headers)["nik"] == "N I K"


# --- two-row headers ---------------------------------------------------------------------------


def test_xlsx_with_a_two_row_merged_header(tmp_path: Path) -> None:
    path = tmp_path / "dua-baris.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Peserta")
        sheet.merge_range(0, 0, 0, 8, "DAFTAR PEKERJA RENTAN KELURAHAN BANDAR LOR")
        for col, text in enumerate(["NO", "NIK", "NAMA"]):
            sheet.merge_range(2, col, 3, col, text)
        sheet.merge_range(2, 3, 2, 4, "TEMPAT/TGL LAHIR")
        sheet.merge_range(2, 5, 2, 7, "ALAMAT")
        sheet.merge_range(2, 8, 3, 8, "PEKERJAAN")
        sheet.write_row(3, 3, ["TEMPAT", "TANGGAL", "JALAN", "RT/RW", "DESA/KEL"])
        sheet.write_row(4, 0, [1, NIK_A, "Budi", "Kediri", "17-08-1980", "Jl. A 1", "003/002",
                               "Bandar Lor", "Ketua RT"])  # fmt: skip
        sheet.write_row(5, 0, [2, NIK_B, "Ani", "Kediri", "17-08-1985", "Jl. B 2", "001/004",
                               "Bandar Lor", "Kader"])  # fmt: skip
    table = read_table(path)
    assert table.header_row == 3
    assert table.headers == (
        "NO", "NIK", "NAMA", "TEMPAT", "TANGGAL LAHIR", "JALAN", "RT/RW", "DESA/KEL", "PEKERJAAN",
    )  # fmt: skip
    # The sub-header row is not a person: the first row read is the first person, row 5.
    assert table.frame["_row"].to_list() == [5, 6]
    assert table.frame["NIK"].to_list() == [NIK_A, NIK_B]
    mapping = guess_mapping(table.headers)
    assert (mapping["birth_place"], mapping["birth_date"]) == ("TEMPAT", "TANGGAL LAHIR")
    assert (mapping["rt_rw"], mapping["desa"]) == ("RT/RW", "DESA/KEL")


def test_csv_with_a_two_row_header(write_csv: Callable[..., Path]) -> None:
    text = (
        "No;NIK;Nama;Tempat/Tgl Lahir;;Alamat;\n"
        ";;;Tempat;Tgl;Jalan;Desa\n"
        f"1;{NIK_A};Budi;Kediri;17-08-1980;Jl. A 1;Bandar Lor\n"
    )
    table = read_table(write_csv(text))
    assert table.headers == ("No", "NIK", "Nama", "Tempat", "Tgl", "Jalan", "Desa")
    assert table.frame["_row"].to_list() == [3]
    assert guess_mapping(table.headers)["birth_date"] == "Tgl"


def test_csv_with_a_format_hint_row_under_the_header(write_csv: Callable[..., Path]) -> None:
    text = f"No,NIK,Nama,Tgl Lahir\n,(16 digit),,(dd-mm-yyyy)\n1,{NIK_A},Budi,17-08-1980\n"
    table = read_table(write_csv(text))
    assert table.headers == ("No", "NIK (16 digit)", "Nama", "Tgl Lahir (dd-mm-yyyy)")
    assert table.frame["_row"].to_list() == [3]
    assert table.frame["Nama"].to_list() == ["Budi"]


def test_sex_ticked_under_l_and_p_becomes_one_sex_column(tmp_path: Path) -> None:
    path = tmp_path / "centang.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        for col, text in enumerate(["NO", "NIK", "NAMA"]):
            sheet.merge_range(0, col, 1, col, text)
        sheet.merge_range(0, 3, 0, 4, "JENIS KELAMIN")
        sheet.write_row(1, 3, ["L", "P"])
        sheet.merge_range(0, 5, 1, 5, "PEKERJAAN")
        sheet.write_row(2, 0, [1, NIK_A, "Budi", "✓", None, "Ojek"])
        sheet.write_row(3, 0, [2, NIK_B, "Ani", None, "v", "Kader"])
        sheet.write_row(4, 0, [3, NIK_C, "Dedi", "1", "1", "Marbot"])
        sheet.write_row(5, 0, [4, NIK_A[:-1] + "9", "Eko", "0", "-", "Linmas"])
    table = read_table(path)
    assert table.headers == (
        "NO", "NIK", "NAMA", "L (JENIS KELAMIN)", "P (JENIS KELAMIN)", "JENIS KELAMIN",
        "PEKERJAAN",
    )  # fmt: skip
    assert table.frame["_row"].to_list() == [3, 4, 5, 6]
    assert table.frame["JENIS KELAMIN"].to_list() == ["L", "P", "L dan P", None]
    assert guess_mapping(table.headers)["sex"] == "JENIS KELAMIN"
    # Both ticked is reported, not guessed: the sex is taken from the NIK, with a warning.
    checked = run_check(table)
    assert "SEX_UNREADABLE" in codes_of(checked, 5)
    assert "SEX_UNREADABLE" not in codes_of(checked, 3)


def _bomb(path: Path, *, unpacked: int, lie: bool = False) -> Path:
    """A real workbook with one more member of ``unpacked`` zero bytes (compressed to a few
    hundred KB). With ``lie`` the archive declares that member to hold 1 KB."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Daftar")
    sheet.write_row(0, 0, ["NIK", "Nama"])
    sheet.write_row(1, 0, [NIK_A, "Budi"])
    workbook.close()
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * unpacked)
    if lie:
        data = bytearray(path.read_bytes())
        name = b"xl/media/padding.bin"
        local = data.find(name)  # in the local header, then again in the central directory
        # (header signature, where the name appears, offset of "uncompressed size")
        for signature, at, size_offset in (
            (b"PK\x03\x04", local, 22),
            (b"PK\x01\x02", data.find(name, local + 1), 24),
        ):
            start = data.rfind(signature, 0, at)
            data[start + size_offset : start + size_offset + 4] = (1024).to_bytes(4, "little")
        path.write_bytes(bytes(data))
    return path


def test_a_small_workbook_that_unpacks_to_200_mb_is_refused(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bom.xlsx", unpacked=200 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    error = _error(path)
    assert error.code == "FILE_UNPACKS_TOO_LARGE"
    indonesian = error.message.render("id")
    assert "bom.xlsx" in indonesian and "terurai" in indonesian


def test_a_workbook_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bohong.xlsx", unpacked=200 * 1024 * 1024, lie=True)
    with zipfile.ZipFile(path) as archive:  # what it declares looks harmless
        assert sum(i.file_size for i in archive.infolist()) < 1024 * 1024
    assert _error(path).code in {"FILE_UNPACKS_TOO_LARGE", "FILE_CORRUPT"}


def test_an_ordinary_workbook_with_padding_within_the_ratio_is_read(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "biasa.xlsx", unpacked=1024 * 1024)
    assert read_table(path).frame["Nama"].to_list() == ["Budi"]


def _long_rows(n: int) -> list[tuple[str, str, str]]:
    return [
        (f"3571{i:012d}", f"Warga Nomor {i}", "Jl. Mawar No. 5 RT 001 RW 002") for i in range(n)
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_preview_of_a_large_csv_reads_only_its_first_lines(
    write_csv: Callable[..., Path], encoding: str
) -> None:
    text = "NIK;Nama;Alamat\n" + "".join(f"{a};{b};{c}\n" for a, b, c in _long_rows(60_000))
    path = write_csv(text, encoding=encoding)
    assert path.stat().st_size > PREVIEW_BYTES
    preview = read_table(path, preview=True)
    assert not preview.complete
    assert 100 < preview.rows < 60_000
    assert preview.frame["Nama"][0] == "Warga Nomor 0"
    assert preview.frame["NIK"][-1].startswith("3571")  # the last line read is whole
    full = read_table(path)
    assert full.complete and full.rows == 60_000


def test_a_preview_of_a_small_file_is_the_whole_file(write_csv: Callable[..., Path]) -> None:
    preview = read_table(write_csv(f"NIK;Nama\n{NIK_A};Budi\n"), preview=True)
    assert preview.complete and preview.rows == 1


def test_a_preview_of_a_large_workbook_reads_only_its_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "besar.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Daftar")
    sheet.write_row(0, 0, ["NIK", "Nama", "Alamat"])
    for i, row in enumerate(_long_rows(5_000), start=1):
        sheet.write_row(i, 0, row)
    workbook.close()
    preview = read_table(path, preview=True)
    assert not preview.complete and preview.rows < 300
    assert preview.frame["Nama"][0] == "Warga Nomor 0"
    assert read_table(path).rows == 5_000


def test_a_preview_of_a_large_html_table_keeps_the_rows_read(tmp_path: Path) -> None:
    cells = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b, _ in _long_rows(60_000))
    path = tmp_path / "daftar.xls"
    path.write_text(f"<html><body><table><tr><th>NIK</th><th>Nama</th></tr>{cells}</table>")
    preview = read_table(path, preview=True)
    assert not preview.complete and 100 < preview.rows < 60_000
    assert read_table(path).rows == 60_000


def test_a_preview_of_a_large_excel_2003_xml_file_keeps_the_rows_read(tmp_path: Path) -> None:
    def row(*values: str) -> str:
        cells = "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in values)
        return f"<Row>{cells}</Row>\n"

    body = "".join(row(a, b) for a, b, _ in _long_rows(30_000))
    path = tmp_path / "daftar.xls"
    path.write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Daftar"><Table>{row("NIK", "Nama")}{body}</Table></Worksheet>'
        "</Workbook>"
    )
    assert path.stat().st_size > PREVIEW_BYTES
    preview = read_table(path, preview=True)
    assert not preview.complete and 100 < preview.rows < 30_000
    assert read_table(path).rows == 30_000
