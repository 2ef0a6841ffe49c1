"""Real lists through the whole pipeline (issue 12): the CLI, the database, the pages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import ImportBatch, ImportRow, Person

pytestmark = pytest.mark.django_db

BANDAR_LOR = "35.71.01.1001"  # Kota Kediri, kecamatan Mojoroto


def _cli_import(path: Path, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", str(path), *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _write(tmp_path: Path, text: str, name: str = "daftar.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _nik(i: int, kecamatan: str = "357101", born: str = "170880") -> str:
    return f"{kecamatan}{born}{i:04d}"


def test_an_income_column_is_kept_as_information_and_rejects_nobody(tmp_path: Path) -> None:
    amounts = [500_000, 750_000, 1_000_000, 1_250_000, 1_750_000]
    lines = ["NIK;Nama;Tgl Lahir;JK;Kelurahan;Penghasilan"]
    lines += [
        f"{_nik(i + 1)};Warga {i};17-08-1980;L;Bandar Lor;{a:,}".replace(",", ".")
        for i, a in enumerate(amounts)
    ]
    summary = _cli_import(_write(tmp_path, "\n".join(lines) + "\n"), "--region", "35.71")
    assert summary["rejected"] == 0
    assert summary["created"] == 5
    people = Person.objects.order_by("name")
    assert list(people.values_list("declared_income", flat=True)) == amounts
    assert set(people.values_list("income_basis", flat=True)) == {1_000_000}
    assert not [c for c in summary["problems"] if c.startswith("INCOME")]
    # A later list with another income updates the information, audited like any change.
    lines[1] = lines[1].replace("500.000", "650.000")
    again = _cli_import(
        _write(tmp_path, "\n".join(lines[:2]) + "\n", "lagi.csv"), "--region", "35.71"
    )
    assert again["updated"] == 1
    assert Person.objects.get(name="Warga 0").declared_income == 650_000
    assert ImportRow.objects.get(batch_id=again["batch"]).declared_income == 650_000


def _rt_list(n: int) -> str:
    """A desa's RT/RW list ("Daftar RT/RW Kel. Bandar Lor"): no desa column."""
    lines = ["NIK;Nama;Tgl Lahir;JK;Alamat;RT/RW"]
    lines += [f"{_nik(i + 1)};Warga {i};17-08-1980;L;Jl. Mawar {i};001/002" for i in range(n)]
    return "\n".join(lines) + "\n"


def test_cli_region_may_be_the_desa_of_a_list_without_a_desa_column(tmp_path: Path) -> None:
    summary = _cli_import(_write(tmp_path, _rt_list(4)), "--region", BANDAR_LOR)
    assert (summary["created"], summary["rejected"], summary["held"]) == (4, 0, 0)
    assert set(Person.objects.values_list("region_id", flat=True)) == {BANDAR_LOR}


def test_cli_region_may_be_a_kecamatan(tmp_path: Path) -> None:
    text = "NIK;Nama;Kelurahan\n" + "\n".join(
        f"{_nik(i + 1)};Warga {i};{desa}" for i, desa in enumerate(["Bandar Kidul", "Kemasan", ""])
    )
    summary = _cli_import(_write(tmp_path, text + "\n"), "--region", "35.71.01")
    assert (summary["created"], summary["held"], summary["rejected"]) == (1, 2, 0)
    held = ImportRow.objects.filter(batch_id=summary["batch"], state="held")
    assert set(held.values_list("action", flat=True)) == {"held"}
    assert all(row.person_id is None for row in held)


def test_without_a_place_a_desa_list_is_held_not_rejected(tmp_path: Path) -> None:
    summary = _cli_import(_write(tmp_path, _rt_list(3)), "--region", "35.71")
    assert (summary["held"], summary["rejected"], summary["created"]) == (3, 0, 0)
    assert summary["problems"]["VILLAGE_MISSING"] == 3
    assert Person.objects.count() == 0


def test_the_upload_page_takes_the_list_s_place_by_name(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    form = {"region": "35.71", "source_name": "RT", "on_existing": "update", "dry_run": "on"}
    upload = SimpleUploadedFile("rt.csv", _rt_list(2).encode(), content_type="text/csv")
    response = client.post(reverse("import-list"), {**form, "file": upload, "place": "Bandar Lor"})
    assert response.status_code == 302
    assert ImportBatch.objects.get().region_id == BANDAR_LOR
    # A place that is not in the kab/kota is said next to the field; nothing is stored.
    upload = SimpleUploadedFile("rt.csv", _rt_list(2).encode(), content_type="text/csv")
    refused = client.post(reverse("import-list"), {**form, "file": upload, "place": "Kemayoran"})
    assert refused.status_code == 200 and ImportBatch.objects.count() == 1
    assert "Kemayoran" in refused.content.decode()


def test_the_same_worker_twice_in_a_file_is_registered_once(tmp_path: Path) -> None:
    text = (
        "NIK;Nama;Tgl Lahir;JK;Alamat;Kelurahan\n"
        f"{_nik(1)};Budi Santoso;17-08-1980;L;Jl. Mawar No. 5;Bandar Lor\n"
        f"{_nik(2)};Sri Wahyuni;17-08-1980;P;Jl. Melati 1;Bandar Lor\n"
        f"{_nik(1)};BUDI SANTOSO;17-08-1980;L;Jalan Mawar 5;Bandar Lor\n"
        f"{_nik(3)};Joko;17-08-1980;L;Jl. Kenanga;Bandar Lor\n"
        f"{_nik(3)};Slamet;17-08-1981;L;Jl. Kenanga;Bandar Lor\n"
    )
    summary = _cli_import(_write(tmp_path, text), "--region", "35.71")
    assert summary["duplicates_in_file"] == 1
    assert summary["problems"]["NIK_DUPLICATE_SAME_PERSON"] == 1
    assert (summary["created"], summary["held"], summary["rejected"]) == (2, 2, 0)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Budi Santoso", "Sri Wahyuni"]
    repeat = ImportRow.objects.get(batch_id=summary["batch"], row_number=4)
    assert repeat.action == "duplicate" and repeat.person is not None
    assert repeat.person.name == "Budi Santoso"
