"""The lampiran: its columns, masking by role, the audit of every download, and a signed
version's files staying byte-identical after the registry changes."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.door import DoorClosed
from jaring.audit.models import Channel, DataExport
from jaring.programmes import lampiran
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.lampiran import CSV_COLUMNS, lampiran_export
from jaring.programmes.models import Decree
from jaring.programmes.pdf_parts import render_parts
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.registry.models import Person
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def _signed(register: Callable[..., pl.DataFrame], n: int = 6) -> tuple[Decree, pl.DataFrame]:
    people = register(n, occupation_code="becak", birth_date=born(40))
    programme, _ = programme_create(
        user=None,
        region_code="35.71",
        name="Jamsostek pekerja rentan DBHCHT 2023",
        year=2023,
        funder="dbhcht",
        first_month=date(2023, 9, 1),
        months=4,
        legal_basis="Perwali 34/2023",
    )
    draft = decree_draft(user=None, programme=programme)
    return (
        decree_sign(
            user=None,
            decree=draft,
            number="188.45/123/419.033/2023",
            signed_on=date(2023, 8, 28),
            signatory_name="ABDULLAH ABU BAKAR",
        ),
        people,
    )


def _export(decree: Decree, file_format: str, user: User | None = None) -> bytes:
    out = io.BytesIO()
    lampiran_export(
        decree=decree, user=user, channel=Channel.CLI, file_format=file_format, output=out
    )
    return out.getvalue()


def test_a_registry_edit_after_signing_leaves_the_lampiran_byte_identical(
    register: Callable[..., pl.DataFrame],
) -> None:
    decree, people = _signed(register)
    before = {fmt: _export(decree, fmt) for fmt in ("csv", "xlsx", "pdf")}
    assert before["pdf"].startswith(b"%PDF") and len(before["pdf"]) > 1000
    Person.objects.filter(pk__in=people["id"].to_list()).update(
        name="NAMA DIGANTI",
        address="Jl. Lain",
        birth_date=date(1970, 1, 1),
        region_id="35.71.02.1001",
    )
    decree.programme.name = "Nama program baru"
    decree.programme.save()
    after = {fmt: _export(decree.__class__.objects.get(pk=decree.pk), fmt) for fmt in before}
    for fmt in before:
        assert after[fmt] == before[fmt], fmt
    assert b"NAMA DIGANTI" not in after["csv"]


def test_csv_and_xlsx_carry_the_lampiran_columns(register: Callable[..., pl.DataFrame]) -> None:
    decree, people = _signed(register)
    frame = pl.read_csv(io.BytesIO(_export(decree, "csv")), schema_overrides={"nik": pl.String})
    assert tuple(frame.columns) == CSV_COLUMNS
    assert frame["no"].to_list() == list(range(1, 7))
    assert set(frame["nik"].to_list()) == set(people["nik"].to_list())
    workbook = load_workbook(io.BytesIO(_export(decree, "xlsx")), read_only=True)
    sheet = workbook["Lampiran"]
    lines = [r[0] for r in sheet.iter_rows(max_row=6, values_only=True)]
    assert lines[:4] == [
        "LAMPIRAN",
        "KEPUTUSAN WALI KOTA KEDIRI",
        "NOMOR : 188.45/123/419.033/2023",
        "TANGGAL : 28 Agustus 2023",
    ]
    assert set(workbook.sheetnames) == {"Lampiran", "Per kategori", "Per desa"}


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(
    register: Callable[..., pl.DataFrame],
) -> None:
    formula = '=HYPERLINK("http://contoh.test","klik")'
    register(1, occupation_code="becak", birth_date=born(40), name=formula)
    decree, _ = _signed(register, 2)
    frame = pl.read_csv(io.BytesIO(_export(decree, "csv")), schema_overrides={"nik": pl.String})
    assert "'" + formula in frame["nama"].to_list()
    assert formula not in frame["nama"].to_list()


def test_only_a_role_with_the_export_right_takes_the_lampiran_and_sees_full_niks(
    register: Callable[..., pl.DataFrame], make_user: Callable[..., User]
) -> None:
    decree, people = _signed(register)
    auditor = make_user("auditor", Role.AUDITOR, ("35.71",))
    admin = make_user("admin", Role.REGENCY_ADMIN, ("35.71",))
    with pytest.raises(DoorClosed):
        _export(decree, "csv", auditor)
    full = pl.read_csv(
        io.BytesIO(_export(decree, "csv", admin)), schema_overrides={"nik": pl.String}
    )
    assert set(full["nik"].to_list()) == set(people["nik"].to_list())
    records = DataExport.objects.filter(kind="lampiran").order_by("at")
    assert [(r.actor, r.row_count) for r in records] == [(admin, 6)]


def test_an_unknown_format_is_refused_and_not_recorded(
    register: Callable[..., pl.DataFrame],
) -> None:
    decree, _ = _signed(register, 2)
    with pytest.raises(ProgrammeError) as error:
        _export(decree, "docx")
    assert error.value.code == "FORMAT_UNKNOWN"
    assert not DataExport.objects.exists()


def test_a_draft_lampiran_says_it_is_a_draft(register: Callable[..., pl.DataFrame]) -> None:
    register(3, occupation_code="becak", birth_date=born(40))
    programme, _ = programme_create(
        user=None, region_code="35.71", name="P", year=2024, funder="apbd"
    )
    draft = decree_draft(user=None, programme=programme)
    workbook = load_workbook(io.BytesIO(_export(draft, "xlsx")), read_only=True)
    first = next(workbook["Lampiran"].iter_rows(max_row=1, values_only=True))[0]
    assert first == "DRAF — BELUM DITANDATANGANI"


def test_a_long_pdf_is_rendered_in_parts_by_two_processes_with_continuous_page_numbers(
    register: Callable[..., pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    decree, _ = _signed(register, 14)
    monkeypatch.setattr(lampiran, "PDF_PART_ROWS", 3)  # five parts, sent to two workers in turn
    frame = lampiran.lampiran_frame(decree, full_nik=True)
    block = lampiran.title_block(decree)
    outputs = {}
    for processes in (1, 2):
        seen: list[tuple[int, int]] = []
        out = io.BytesIO()
        pages = lampiran.write_pdf(
            frame,
            block,
            out,
            identifier="test",
            progress=lambda done, total, seen=seen: seen.append((done, total)),
            processes=processes,
        )
        outputs[processes] = out.getvalue()
        assert sorted(seen) == [(3, 14), (6, 14), (9, 14), (12, 14), (14, 14)]
    assert outputs[1] == outputs[2]
    reader = PdfReader(io.BytesIO(outputs[2]))
    assert len(reader.pages) == pages >= 5
    numbers = [
        int(text.rsplit("Halaman ", 1)[1].split()[0])
        for text in (page.extract_text() for page in reader.pages)
    ]
    assert numbers == list(range(1, pages + 1))
    everything = "".join(page.extract_text() for page in reader.pages)
    assert all(name in everything for name in frame["nama"].to_list())
    # Stamping the numbers leaves every page's content compressed (else ten times the bytes).
    for page in reader.pages:
        contents = page["/Contents"].get_object()
        streams = contents if isinstance(contents, list) else [contents]
        assert all(s.get_object().get("/Filter") == "/FlateDecode" for s in streams)


def test_the_lampiran_freezes_the_indonesian_category_name_whoever_signs(
    register: Callable[..., pl.DataFrame],
) -> None:
    from django.utils import translation

    from jaring.registry.models import OccupationCategory
    from jaring.rules.messages import Message

    with translation.override("en"):
        decree, _ = _signed(register, 2)
        csv = pl.read_csv(io.BytesIO(_export(decree, "csv")), schema_overrides={"nik": pl.String})
    english = OccupationCategory.objects.get(code="becak").name
    indonesian = Message(english).render("id")
    assert indonesian != english
    assert csv["pekerjaan"].to_list() == [indonesian, indonesian]


def test_a_worker_that_dies_fails_the_pdf_instead_of_waiting_for_it() -> None:
    """A worker that dies while it lays out a part (out of memory, a crash) must fail the
    rendering, so the file is marked failed, not leave it 'being made' forever."""
    with pytest.raises(BrokenProcessPool):
        list(render_parts([1, 2, 3], 2, render=os._exit))
