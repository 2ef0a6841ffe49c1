"""Header variants, header-row detection and mapping validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.registry.imports.problems import MappingError
from jaring.registry.imports.reading.mapping import (
    FIELDS,
    combine_header_rows,
    field_of_header,
    find_header_row,
    guess_mapping,
    header_key,
    is_numbering_row,
    validate_mapping,
)
from jaring.synthetic.messy.write import HEADER_VARIANTS


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("N I K", "nik"),
        ("No. KTP", "nik"),
        ("NIK (16 digit)", "nik"),
        ("Nomor Induk Kependudukan", "nik"),
        ("Nama Lengkap", "name"),
        ("NAMA SESUAI KTP", "name"),
        ("Tgl Lahir", "birth_date"),
        ("Tanggal Lahir (dd-mm-yyyy)", "birth_date"),
        ("Tempat/Tgl Lahir", "birth_place_date"),
        ("TTL", "birth_place_date"),
        ("Tempat Lahir", "birth_place"),
        ("L/P", "sex"),
        ("JK", "sex"),
        ("Jenis Kelamin (L/P)", "sex"),
        ("Alamat", "address"),
        ("RT/RW", "rt_rw"),
        ("RT", "rt"),
        ("RW", "rw"),
        ("Desa/Kel", "desa"),
        ("Kelurahan/Desa", "desa"),
        ("Kec.", "kecamatan"),
        ("Pekerjaan", "occupation"),
        ("Jenis Pekerjaan", "occupation"),
        ("No HP", "phone"),
        ("No. HP/WA", "phone"),
        ("Penghasilan (Rp)", "income"),
        # Look alike, but not the person's own data.
        ("Nama Ibu Kandung", None),
        ("Status Nikah", None),
        ("Nama Kepala Keluarga", None),
        ("No", None),
        ("Keterangan", None),
        ("", None),
    ],
)
def test_header_variants(header: str, field: str | None) -> None:
    assert field_of_header(header) == field


def test_header_key() -> None:
    assert header_key(" N.I.K ") == "nik"
    assert header_key("Tgl.\nLahir") == "tgllahir"


def test_every_generator_header_is_recognised() -> None:
    for field, variants in HEADER_VARIANTS.items():
        assert all(field_of_header(v) == field for v in variants), field
    assert set(HEADER_VARIANTS) <= set(FIELDS)


def test_first_header_wins() -> None:
    headers = ["No", "NIK", "No. KTP", "Nama", "Nama Ibu Kandung", "JK", "L/P"]
    assert guess_mapping(headers) == {"nik": "NIK", "name": "Nama", "sex": "JK"}


def test_header_row_under_title_rows() -> None:
    rows = [
        ["DAFTAR PEKERJA RENTAN KELURAHAN BANDAR LOR", None, None],
        ["KECAMATAN MOJOROTO TAHUN 2026", None, None],
        [None, None, None],
        ["No", "NIK", "Nama"],
        ["1", "3571031708800002", "Budi"],
    ]
    assert find_header_row(rows) == 3
    assert find_header_row(rows[:3]) is None
    # A title naming a field (kelurahan) alone is not a header.
    assert find_header_row([["DAFTAR KELURAHAN"], ["x"]]) is None


def test_numbering_row() -> None:
    assert is_numbering_row(["(1)", "(2)", "(3)", None])
    assert is_numbering_row(["1", "2", "3", "4"])
    assert not is_numbering_row(["1", "3571031708800002", "Budi"])
    assert not is_numbering_row(["1", None, None])


def test_missing_name_column() -> None:
    with pytest.raises(MappingError) as caught:
        guess_mapping(["NIK", "Alamat"], file_name="x.xlsx")
    assert caught.value.code == "FILE_NO_NAME_COLUMN"
    assert guess_mapping(["NIK", "Alamat"], required=False) == {"nik": "NIK", "address": "Alamat"}


def test_validate_a_corrected_mapping() -> None:
    headers = ["Kolom A", "Kolom B", "Nama"]
    assert validate_mapping({"nik": "Kolom B", "name": "Nama", "phone": None}, headers) == {  # type: ignore[dict-item]
        "nik": "Kolom B",
        "name": "Nama",
    }
    for mapping, code in [
        ({"nik": "Kolom B", "name": "Nama", "shoe_size": "Kolom A"}, "MAPPING_UNKNOWN_FIELD"),
        ({"nik": "Kolom Z", "name": "Nama"}, "MAPPING_HEADER_NOT_FOUND"),
        ({"nik": "Kolom B", "name": "Nama", "phone": "Kolom B"}, "MAPPING_HEADER_TWICE"),
        ({"name": "Nama"}, "FILE_NO_NIK_COLUMN"),
    ]:
        with pytest.raises(MappingError) as caught:
            validate_mapping(mapping, headers, file_name="daftar.xlsx")
        assert caught.value.code == code
        assert caught.value.message.render("id") and caught.value.message.render("en")


# --- two-row headers ---------------------------------------------------------------------------

PARENT = ["NO", "NIK", "NAMA", "TEMPAT/TGL LAHIR", None, "ALAMAT", None, None, "PEKERJAAN"]
SUB = [None, None, None, "TEMPAT", "TANGGAL", "JALAN", "RT/RW", "DESA/KEL", None]


def test_sub_headers_under_grouped_columns_are_combined_with_their_group() -> None:
    combined = combine_header_rows(PARENT, SUB)
    assert combined is not None and combined.sex_ticks is None
    assert combined.cells == [
        "NO", "NIK", "NAMA", "TEMPAT", "TANGGAL LAHIR", "JALAN", "RT/RW", "DESA/KEL", "PEKERJAAN",
    ]  # fmt: skip
    assert guess_mapping([c or "" for c in combined.cells]) == {
        "nik": "NIK", "name": "NAMA", "birth_place": "TEMPAT", "birth_date": "TANGGAL LAHIR",
        "address": "JALAN", "rt_rw": "RT/RW", "desa": "DESA/KEL", "occupation": "PEKERJAAN",
    }  # fmt: skip


def test_merged_ranges_bound_the_groups() -> None:
    # "ALAMAT" is merged over two columns only: "KET" beside it belongs to no group, so the row
    # is not sub-headers (it could be a data row with a note).
    parent = ["NIK", "NAMA", "ALAMAT", None, None]
    bounded = combine_header_rows(parent, [None, None, "JALAN", "DESA", None], {2: 3})
    assert bounded is not None and bounded.cells == ["NIK", "NAMA", "JALAN", "DESA", None]
    assert combine_header_rows(parent, [None, None, "JALAN", "DESA", "KET"], {2: 3}) is None
    assert combine_header_rows(parent, [None, None, "JALAN", "DESA", "KET"]) is not None


def test_a_sub_header_that_names_no_field_keeps_its_group_in_brackets() -> None:
    # "NO RUMAH" must not become "ALAMAT NO RUMAH", which would read as a second address.
    parent = ["NIK", "NAMA", "ALAMAT", None]
    combined = combine_header_rows(parent, [None, None, "JALAN", "NO RUMAH"])
    assert combined is not None
    assert combined.cells == ["NIK", "NAMA", "JALAN", "NO RUMAH (ALAMAT)"]
    assert guess_mapping([c or "" for c in combined.cells])["address"] == "JALAN"


def test_format_hints_under_the_header_join_their_header() -> None:
    parent = ["NO", "NIK", "NAMA", "TGL LAHIR", "PENGHASILAN"]
    combined = combine_header_rows(parent, [None, "(16 digit)", None, "dd-mm-yyyy", "(Rp)"])
    assert combined is not None
    assert combined.cells == [
        "NO", "NIK (16 digit)", "NAMA", "TGL LAHIR dd-mm-yyyy", "PENGHASILAN (Rp)",
    ]  # fmt: skip
    assert guess_mapping([c or "" for c in combined.cells]) == {
        "nik": "NIK (16 digit)", "name": "NAMA", "birth_date": "TGL LAHIR dd-mm-yyyy",
        "income": "PENGHASILAN (Rp)",
    }  # fmt: skip
    # A person's row is never a hint row, even with a hint-like cell in it.
    assert combine_header_rows(parent, [None, "(belum ada)", "Budi", None, None]) is None


def test_sex_as_l_and_p_tick_columns_is_recognised() -> None:
    parent = ["NIK", "NAMA", "JENIS KELAMIN", None, "PEKERJAAN"]
    combined = combine_header_rows(parent, [None, None, "L", "P", None])
    assert combined is not None
    assert combined.cells == ["NIK", "NAMA", "L (JENIS KELAMIN)", "P (JENIS KELAMIN)", "PEKERJAAN"]
    assert combined.sex_ticks == ("JENIS KELAMIN", {2: "L", 3: "P"})
    # Two columns that are not L and P under a sex header are no tick pair.
    other = combine_header_rows(parent, [None, None, "KODE", "KET", None])
    assert other is None or other.sex_ticks is None


@pytest.mark.parametrize(
    "row",
    [
        # data: a name and a NIK outside any group
        ["1", "3571011708800002", "Budi", "Kediri", "17-08-1980", "Jl. A", "1/2", "Pojok", "Ojek"],
        # data that happens to fill only grouped columns, but with a date and a phone in it
        [None, None, None, "Kediri", "17081980", "Jl. A", None, None, None],
        # the numbering row under a header
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
        # an empty row
        [None] * 9,
        # a note beside the groups
        [None, None, "lihat lampiran", "TEMPAT", "TANGGAL", None, None, None, None],
    ],
)
def test_rows_that_are_not_sub_headers_are_left_as_rows(row: list[str | None]) -> None:
    assert combine_header_rows(PARENT, row) is None


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=9, max_size=9),
    st.integers(min_value=0, max_value=8),
    st.from_regex(r"\d{16}", fullmatch=True),
)
def test_a_row_holding_a_nik_is_never_taken_for_sub_headers(
    row: list[str | None], column: int, nik: str
) -> None:
    row[column] = nik
    assert combine_header_rows(PARENT, row) is None
