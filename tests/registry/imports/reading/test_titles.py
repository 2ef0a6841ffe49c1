"""A list's title rows as a hint of its place (issue 12 item 1): read, resolved, used for the
rows without a desa with a warning — never a reason to refuse or hold a row."""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.imports.checking import CheckedTable
from jaring.registry.imports.reading.titles import title_place
from tests.registry.imports.conftest import codes_of, state_of

Check = Callable[..., CheckedTable]


@pytest.mark.parametrize(
    ("title", "village", "kecamatan"),
    [
        ("DAFTAR RT/RW KELURAHAN BANDAR LOR KECAMATAN MOJOROTO", "Bandar Lor", "Mojoroto"),
        (
            "Daftar Pekerja Rentan Kel. Bandar Lor Kec. Mojoroto Tahun 2026",
            "Bandar Lor",
            "Mojoroto",
        ),
        ("DATA PEKERJA DESA/KELURAHAN: SUKAMAJU", "Sukamaju", None),
        ("DESA SUMBERREJO KEC. MIJEN KAB. DEMAK", "Sumberrejo", "Mijen"),
        ("KELURAHAN MANGUNHARJO - KECAMATAN TUGU", "Mangunharjo", "Tugu"),
        ("Daftar Desa Ngadirejo RT 01 RW 02", "Ngadirejo", None),
        ("KECAMATAN MOJOROTO", None, "Mojoroto"),
    ],
)
def test_a_title_names_its_place(title: str, village: str | None, kecamatan: str | None) -> None:
    place = title_place([title])
    assert place is not None
    assert (place.village, place.kecamatan) == (village, kecamatan)


@pytest.mark.parametrize(
    "title",
    ["Daftar pekerja rentan tahun anggaran 2026", "PEMERINTAH KOTA KEDIRI", "", "No;Nama"],
)
def test_a_title_without_a_place_names_none(title: str) -> None:
    assert title_place([title]) is None


_KEYWORDS = frozenset(
    {
        *("KELURAHAN", "KEL", "DESA", "DS", "KECAMATAN", "KEC", "KABUPATEN", "KAB", "KOTA"),
        *("PROVINSI", "PROV", "TAHUN", "TH", "THN", "PERIODE", "BULAN", "RT", "RW", "DUSUN"),
        *("DSN", "LINGKUNGAN", "TGL", "TANGGAL", "DAN", "ATAU", "SELURUH"),
    }
)
_WORD = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=10).filter(
    lambda w: w not in _KEYWORDS
)
_NAME = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)


@given(
    village=_NAME,
    kecamatan=_NAME,
    kind=st.sampled_from(["KELURAHAN", "DESA", "KEL.", "Kel.", "Desa"]),
    kec_word=st.sampled_from(["KECAMATAN", "KEC.", "Kec."]),
    before=st.sampled_from(["", "DAFTAR RT/RW ", "Daftar Pekerja Rentan "]),
    after=st.sampled_from(["", " TAHUN 2026", " KOTA KEDIRI", ", 2026"]),
)
def test_any_title_of_the_usual_shape_gives_its_names(
    village: str, kecamatan: str, kind: str, kec_word: str, before: str, after: str
) -> None:
    place = title_place([f"{before}{kind} {village} {kec_word} {kecamatan}{after}"])
    assert place is not None
    assert (place.village, place.kecamatan) == (village.title(), kecamatan.title())


@given(st.lists(st.text(max_size=80), max_size=4))
def test_reading_a_title_never_fails(lines: list[str]) -> None:
    place = title_place(lines)
    assert place is None or place.village or place.kecamatan


# --- used by the checks ------------------------------------------------------------------------

_RT_LIST = (
    "{title}\n\n"
    "NIK;Nama;Tgl Lahir;JK;Alamat;RT/RW\n"
    "3571011708800001;Budi Santoso;17-08-1980;L;Jl. Mawar 5;001/002\n"
    "3571011708800002;Sri Wahyuni;17-08-1980;P;Jl. Mawar 7;001/002\n"
)


def test_rows_without_a_desa_take_the_title_s_village_with_a_warning(check_csv: Check) -> None:
    checked = check_csv(
        _RT_LIST.format(title="DAFTAR RT/RW KELURAHAN BANDAR LOR KECAMATAN MOJOROTO")
    )
    assert set(checked.rows["village_code"].to_list()) == {"35.71.01.1001"}
    for row in (4, 5):
        assert state_of(checked, row) == "warning"
        assert "VILLAGE_FROM_TITLE" in codes_of(checked, row)
        assert "VILLAGE_MISSING" not in codes_of(checked, row)


@pytest.mark.parametrize(
    ("title", "village", "state"),
    [
        # Two Mangunharjo in Kota Semarang: the title's kecamatan picks one.
        ("KELURAHAN MANGUNHARJO KECAMATAN TUGU", "33.74.16.1007", "warning"),
        # Without a kecamatan the title is no hint: the rows are held, not rejected.
        ("KELURAHAN MANGUNHARJO", None, "held"),
        # A village the city does not have: no hint either.
        ("KELURAHAN KEMAYORAN", None, "held"),
    ],
)
def test_a_title_is_a_hint_only_when_it_points_at_one_village(
    check_csv: Check, title: str, village: str | None, state: str
) -> None:
    checked = check_csv(_RT_LIST.format(title=title), regency="33.74")
    assert checked.rows["village_code"].to_list() == [village, village]
    assert {state_of(checked, 4), state_of(checked, 5)} == {state}
    assert checked.rows["state"].to_list().count("rejected") == 0


def test_the_place_chosen_at_upload_comes_before_the_title(check_csv: Check) -> None:
    text = _RT_LIST.format(title="DAFTAR RT/RW KELURAHAN BANDAR LOR KECAMATAN MOJOROTO")
    checked = check_csv(text, place="35.71.01.1002")
    assert set(checked.rows["village_code"].to_list()) == {"35.71.01.1002"}
    assert "VILLAGE_FROM_TITLE" not in codes_of(checked, 4)


@pytest.mark.django_db
def test_the_mapping_page_says_what_the_title_proposes(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    text = _RT_LIST.format(title="DAFTAR RT/RW KELURAHAN BANDAR LOR KECAMATAN MOJOROTO")
    upload = SimpleUploadedFile("rt.csv", text.encode(), content_type="text/csv")
    form = {"region": "35.71", "source_name": "RT", "on_existing": "update", "file": upload}
    response = client.post(reverse("import-list"), form, follow=True)
    page = response.content.decode()
    assert 'data-testid="title-place"' in page
    assert "Bandar Lor (Kec. Mojoroto)" in page
