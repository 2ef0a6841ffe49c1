"""Rows held for a decision, decided one case at a time (issue 12 items 3–4, issue 13 item 4):
the page, the services and ``jaring import_held``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.core import crypto
from jaring.registry.imports.deciding import held_case, held_cases, held_decline, held_register
from jaring.registry.imports.services import ImportRequestError
from jaring.registry.models import ImportBatch, ImportRow, Person

pytestmark = pytest.mark.django_db

SEMARANG = "33.74"  # two Mangunharjo: in Kec. Tembalang (33.74.10) and Kec. Tugu (33.74.16)
IN_TEMBALANG, IN_TUGU = "33.74.10.1003", "33.74.16.1007"
KEDIRI = "35.71"
S = "daftar.csv"  # the sheet of a CSV list is its file name


def _import(tmp_path: Path, text: str, region: str, name: str = "daftar.csv") -> ImportBatch:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(path), "--region", region, "--json", stdout=out)
    return ImportBatch.objects.get(pk=json.loads(out.getvalue())["batch"])


def _semarang_list(tmp_path: Path) -> ImportBatch:
    """Mangunharjo twice in the city; the NIKs were issued in Kec. Semarang Tengah (33.74.01),
    so they tell neither apart: held. One row writes an unknown kelurahan."""
    text = (
        "NIK;Nama;Tgl Lahir;JK;Kelurahan\n"
        "3374011708800002;Budi Santoso;17-08-1980;L;Mangunharjo\n"
        "3374011708800003;Sri Wahyuni;17-08-1980;P;Mangunharjo\n"
        "3374011708800004;Joko Susilo;17-08-1980;L;Kampung Sidomukti Indah\n"
        "3374101708800005;Slamet;17-08-1980;L;Tugurejo\n"
    )
    return _import(tmp_path, text, SEMARANG)


def _kediri_conflict(tmp_path: Path) -> ImportBatch:
    text = (
        "NIK;Nama;Tgl Lahir;JK;Alamat;Kelurahan\n"
        "3571011708800001;Budi Santoso;17-08-1980;L;Jl. Mawar 5;Bandar Lor\n"
        "3571011708800002;Joko;17-08-1980;L;Jl. Kenanga;Bandar Lor\n"
        "3571011708800002;Slamet;17-08-1981;L;Jl. Kenanga 2;Bandar Lor\n"
    )
    return _import(tmp_path, text, KEDIRI)


def test_held_rows_come_in_cases_in_file_order(tmp_path: Path) -> None:
    batch = _semarang_list(tmp_path)
    assert (batch.held, batch.created) == (3, 1)
    assert held_cases(batch) == [((S, 2),), ((S, 3),), ((S, 4),)]
    case = held_case(batch, held_cases(batch)[0], waiting=[(S, 3), (S, 4)])
    assert case.kind == "village" and case.written == "Mangunharjo"
    assert {c.code for c in case.candidates} >= {IN_TEMBALANG, IN_TUGU}
    assert case.preselected == ""  # the NIK's kecamatan has neither
    assert case.same_written == ((S, 3),)  # Sri Wahyuni wrote the same name
    named = {c.code: (c.name, c.kecamatan) for c in case.candidates}
    assert named[IN_TEMBALANG][0] == "Mangunharjo" and named[IN_TEMBALANG][1]


def test_the_nik_s_kecamatan_preselects_a_candidate_of_an_unknown_name(tmp_path: Path) -> None:
    text = (
        "NIK;Nama;Tgl Lahir;JK;Kelurahan\n"
        "3374101708800004;Joko;17-08-1980;L;Mangunharjo Kidul Wetan\n"
    )
    batch = _import(tmp_path, text, SEMARANG)
    (keys,) = held_cases(batch)
    case = held_case(batch, keys)
    assert case.hold_code in {"VILLAGE_UNKNOWN", "VILLAGE_AMBIGUOUS"}
    assert case.preselected == IN_TEMBALANG  # the candidate in the NIK's kecamatan (33.74.10)


def test_choosing_the_village_registers_the_row_audited(tmp_path: Path) -> None:
    batch = _semarang_list(tmp_path)
    decided = held_register(batch=batch, user=None, rows=[(S, 2)], village_code=IN_TUGU)
    assert (decided.created, decided.linked, decided.declined) == (1, 0, 0)
    person = Person.objects.get(name="Budi Santoso")
    assert person.region_id == IN_TUGU and person.nik == "3374011708800002"
    row = ImportRow.objects.get(batch=batch, row_number=2)
    assert (row.action, row.person_id, row.region_id, row.nik_cipher) == (
        "created",
        person.pk,
        IN_TUGU,
        None,
    )
    batch.refresh_from_db()
    assert (batch.held, batch.decided, batch.created) == (2, 1, 2)
    created = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert created.additional_data["row"] == 2 and created.additional_data["decided"]
    on_batch = LogEntry.objects.get_for_object(batch).latest("id")
    assert on_batch.changes["held"] == ["3", "2"]
    # Decided is decided: the same row again is refused, nothing changes.
    with pytest.raises(ImportRequestError) as refused:
        held_register(batch=batch, user=None, rows=[(S, 2)], village_code=IN_TEMBALANG)
    assert refused.value.code == "IMPORT_HELD_DECIDED"
    assert Person.objects.get(name="Budi Santoso").region_id == IN_TUGU


def test_a_village_for_every_row_that_wrote_the_name_at_once(tmp_path: Path) -> None:
    batch = _semarang_list(tmp_path)
    decided = held_register(
        batch=batch, user=None, rows=[(S, 2), (S, 3)], village_code=IN_TEMBALANG
    )
    assert decided.created == 2
    assert set(Person.objects.filter(region_id=IN_TEMBALANG).values_list("name", flat=True)) >= {
        "Budi Santoso",
        "Sri Wahyuni",
    }


def test_a_row_without_a_village_needs_one_and_only_inside_the_kab_kota(tmp_path: Path) -> None:
    batch = _semarang_list(tmp_path)
    with pytest.raises(ImportRequestError) as needed:
        held_register(batch=batch, user=None, rows=[(S, 2)])
    assert needed.value.code == "IMPORT_HELD_VILLAGE_NEEDED"
    with pytest.raises(ImportRequestError) as outside:
        held_register(batch=batch, user=None, rows=[(S, 2)], village_code="35.71.01.1001")
    assert outside.value.code == "IMPORT_HELD_VILLAGE_OUTSIDE"
    assert ImportBatch.objects.get(pk=batch.pk).held == 3


def test_a_conflict_keeps_one_row_and_the_other_stays_beside_the_person(tmp_path: Path) -> None:
    batch = _kediri_conflict(tmp_path)
    assert batch.held == 2
    (keys,) = held_cases(batch)
    case = held_case(batch, keys)
    assert case.kind == "conflict" and len(case.rows) == 2
    assert {"name", "birth_date", "address"} <= case.differs and "sex" not in case.differs
    decided = held_register(batch=batch, user=None, rows=[(S, 4)])
    assert (decided.created, decided.declined) == (1, 1)
    person = Person.objects.get(name="Slamet")
    other = ImportRow.objects.get(batch=batch, row_number=3)
    assert (other.action, other.person_id, other.name) == ("declined", person.pk, "Joko")
    assert held_cases(ImportBatch.objects.get(pk=batch.pk)) == []
    with pytest.raises(ImportRequestError):
        held_register(batch=batch, user=None, rows=[(S, 3)])


def test_neither_row_of_a_conflict(tmp_path: Path) -> None:
    batch = _kediri_conflict(tmp_path)
    decided = held_decline(batch=batch, user=None, rows=[(S, 3), (S, 4)])
    assert decided.declined == 2
    assert not Person.objects.filter(name__in=["Joko", "Slamet"]).exists()
    batch.refresh_from_db()
    assert (batch.held, batch.decided) == (0, 2)
    assert batch.accepted + batch.warnings + batch.held + batch.decided + batch.rejected == 3


def test_two_rows_of_one_nik_cannot_both_be_kept(tmp_path: Path) -> None:
    batch = _kediri_conflict(tmp_path)
    with pytest.raises(ImportRequestError) as refused:
        held_register(batch=batch, user=None, rows=[(S, 3), (S, 4)])
    assert refused.value.code == "IMPORT_HELD_TWO_OF_ONE_NIK"


def test_a_nik_registered_meanwhile_is_linked_not_registered_twice(tmp_path: Path) -> None:
    batch = _semarang_list(tmp_path)
    text = "NIK;Nama;Tgl Lahir;JK;Kelurahan\n3374011708800002;Budi Santoso;17-08-1980;L;Tugurejo\n"
    _import(tmp_path, text, SEMARANG, name="lagi.csv")
    decided = held_register(batch=batch, user=None, rows=[(S, 2)], village_code=IN_TUGU)
    assert (decided.created, decided.linked) == (0, 1)
    assert Person.objects.filter(name="Budi Santoso").count() == 1
    assert ImportRow.objects.get(batch=batch, row_number=2).action == "skipped"


# --- the page -----------------------------------------------------------------------------------


def test_the_page_decides_a_village_then_a_conflict(
    tmp_path: Path,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: Any,
) -> None:
    batch = _semarang_list(tmp_path)
    client = login(make_user("semarang", Role.REGENCY_ADMIN, (SEMARANG,)))
    url = reverse("import-held", args=[batch.pk])
    with django_assert_num_queries(10):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Kasus 1 dari 3" in text
    assert "Mangunharjo" in text and "Kec." in text
    answer = client.post(url, {"row": f"{S}:2", "village": IN_TUGU, "same": "1"})
    assert answer.status_code == 302
    assert set(Person.objects.filter(region_id=IN_TUGU).values_list("name", flat=True)) == {
        "Budi Santoso",
        "Sri Wahyuni",
    }
    # The one left: a name not found, decided with another village of the list.
    page = client.get(url)
    assert "Kasus 1 dari 1" in page.content.decode()
    client.post(url, {"row": f"{S}:4", "village": "other", "village_other": IN_TEMBALANG})
    assert Person.objects.get(name="Joko Susilo").region_id == IN_TEMBALANG
    assert "Tidak ada baris" in client.get(url).content.decode()


def test_the_page_keeps_one_row_of_a_conflict(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    batch = _kediri_conflict(tmp_path)
    client = login(make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,)))
    url = reverse("import-held", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'data-kind="conflict"' in page and page.count('data-differs="1"') >= 3
    client.post(url, {"row": [f"{S}:3", f"{S}:4"], "keep": f"{S}:3"})
    assert Person.objects.filter(name="Joko").exists()
    assert not Person.objects.filter(name="Slamet").exists()


def test_the_page_is_linked_from_the_result_and_home_and_scoped(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    batch = _kediri_conflict(tmp_path)
    client = login(make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,)))
    url = reverse("import-held", args=[batch.pk])
    assert url in client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert url in client.get(reverse("home")).content.decode()
    other = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert other.get(url).status_code == 404
    assert other.post(url, {"row": f"{S}:3", "keep": f"{S}:3"}).status_code == 404
    assert not Person.objects.filter(name="Joko").exists()
    auditor = login(make_user("auditor", Role.AUDITOR, (KEDIRI,)))
    assert auditor.get(url).status_code == 403


# --- the command line ---------------------------------------------------------------------------


def _cli(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import_held", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_cli_lists_and_decides(tmp_path: Path) -> None:
    batch = _semarang_list(tmp_path)
    listed = _cli(str(batch.pk))
    assert [c["rows"][0]["row"] for c in listed["cases"]] == [2, 3, 4]
    first = listed["cases"][0]
    assert first["kind"] == "village" and IN_TEMBALANG in [c["code"] for c in first["candidates"]]
    done = _cli(str(batch.pk), "--register", "2", "--register", "3", "--village", IN_TEMBALANG)
    assert (done["created"], done["held"]) == (2, 1)
    done = _cli(str(batch.pk), "--decline", "4")
    assert (done["declined"], done["held"]) == (1, 0)


def test_a_held_row_s_nik_is_bound_to_its_row_and_sealed_again_for_its_person(
    tmp_path: Path,
) -> None:
    # ADR 0016: the held row's NIK and phone are bound to the staging row (batch, sheet, row);
    # registering it opens them there and encrypts them again for the new person's row.
    text = (
        "NIK;Nama;Tgl Lahir;JK;Kelurahan;No HP\n"
        "3374011708800002;Budi Santoso;17-08-1980;L;Mangunharjo;081234567890\n"
        "3374011708800003;Sri Wahyuni;17-08-1980;P;Mangunharjo;081234567891\n"
    )
    batch = _import(tmp_path, text, SEMARANG)
    first, second = ImportRow.objects.filter(batch=batch).order_by("row_number")
    assert first.nik_cipher and second.nik_cipher and first.phone_cipher
    assert crypto.field_decrypt(first, "nik_cipher") == "3374011708800002"
    # The first row's NIK moved into the second row (or into the phone column) does not open.
    for row, field in ((second, "nik_cipher"), (first, "phone_cipher")):
        setattr(row, field, bytes(first.nik_cipher))
        with pytest.raises(InvalidTag):
            crypto.field_decrypt(row, field)
    ImportRow.objects.filter(batch=batch, row_number=3).update(nik_cipher=bytes(first.nik_cipher))
    with pytest.raises(InvalidTag):
        held_case(batch, [(S, 3)])
    # Decided: the person's NIK and phone open in the person's row, not as the staging row's.
    held_register(batch=batch, user=None, rows=[(S, 2)], village_code=IN_TUGU)
    person = Person.objects.get(name="Budi Santoso")
    assert (person.nik, person.phone) == ("3374011708800002", "+6281234567890")
    assert person.nik_index == crypto.blind_index("3374011708800002", purpose="nik")
    assert person.phone_index == crypto.blind_index("+6281234567890", purpose="phone")
    assert bytes(person.nik_cipher) != bytes(first.nik_cipher)
    staged = crypto.slot(ImportRow, "nik_cipher")
    with pytest.raises(InvalidTag):
        crypto.decrypt(person.nik_cipher, slot=staged, row=(batch.pk, S, 2))
    # The row moved into another's place does not register either: nothing is written.
    with pytest.raises(InvalidTag):
        held_register(batch=batch, user=None, rows=[(S, 3)], village_code=IN_TUGU)
    assert not Person.objects.filter(name="Sri Wahyuni").exists()
