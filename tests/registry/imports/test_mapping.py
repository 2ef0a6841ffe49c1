"""Header variants, header-row detection and mapping validation."""

from __future__ import annotations

import pytest

from jaring.registry.imports.errors import MappingError
from jaring.registry.imports.mapping import (
    FIELDS,
    field_of_header,
    find_header_row,
    guess_mapping,
    header_key,
    is_numbering_row,
    validate_mapping,
)
from jaring.registry.imports.messy_write import HEADER_VARIANTS


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
        assert caught.value.message_id and caught.value.message_en
