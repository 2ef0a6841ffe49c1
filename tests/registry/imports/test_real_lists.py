"""Real lists through the whole pipeline (issue 12): the CLI, the database, the pages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import ImportBatch, ImportProblem, ImportRow, Person

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


# --- a recap list naming registered people ----------------------------------------------------


def _list(tmp_path: Path, name: str, *rows: str) -> Path:
    return _write(
        tmp_path, "NIK;Nama;Tgl Lahir;JK;Alamat;Kelurahan\n" + "\n".join(rows) + "\n", name
    )


def test_a_recap_never_silently_renames_a_registered_person(tmp_path: Path) -> None:
    gandi, sri = _nik(1), _nik(2, born="570885")
    desa = _list(
        tmp_path,
        "desa.csv",
        f"{gandi};Gandi Wacana;17-08-1980;L;Jl. Mawar 1;Bandar Lor",
        f"{sri};Sri;17-08-1985;P;Jl. Melati 2;Bandar Lor",
    )
    first = _cli_import(desa, "--region", "35.71")
    assert first["created"] == 2
    rekap = _list(
        tmp_path,
        "rekap.csv",
        f"{gandi};Gandi Wacono;17-08-1980;L;Jl. Mawar 9;Bandar Lor",
        f"{sri};Sri Rahayu;17-08-1985;P;Jl. Melati 2;Bandar Lor",
    )
    recap = _cli_import(rekap, "--region", "35.71")
    # The address follows the default policy (update); the names wait for a confirmation.
    assert (recap["updated"], recap["changes_held"]) == (1, 2)
    assert recap["changes"] == {"address": 1}
    assert recap["problems"]["PERSON_NAME_CHANGE_HELD"] == 2
    gandi_now = Person.objects.get(name="Gandi Wacana")
    assert gandi_now.address == "Jl. Mawar 9"
    assert not Person.objects.filter(name__in=["Gandi Wacono", "Sri Rahayu"]).exists()
    problem = ImportProblem.objects.get(
        batch_id=recap["batch"], row_number=2, code="PERSON_NAME_CHANGE_HELD"
    )
    assert "Gandi Wacana → Gandi Wacono" in problem.message.render("id")
    assert ImportRow.objects.get(batch_id=recap["batch"], row_number=3).action == "held"

    # Listed, then confirmed for one row: that person is renamed (in their history), the other
    # still waits.
    out = io.StringIO()
    call_command("import_changes", str(recap["batch"]), stdout=out)
    assert "Gandi Wacana → Gandi Wacono" in out.getvalue()
    out = io.StringIO()
    batch = str(recap["batch"])
    call_command("import_changes", batch, "--apply", "--row", "rekap.csv:2", "--json", stdout=out)
    assert json.loads(out.getvalue())["settled"] == 1
    gandi_now.refresh_from_db()
    assert gandi_now.name == "Gandi Wacono" and gandi_now.name_normalized == "gandi wacono"
    history = LogEntry.objects.get_for_object(gandi_now).order_by("-timestamp").first()
    assert history is not None and history.changes_dict["name"] == ["Gandi Wacana", "Gandi Wacono"]
    assert ImportBatch.objects.get(pk=recap["batch"]).changes_held == 1
    call_command("import_changes", str(recap["batch"]), "--keep", stdout=io.StringIO())
    assert Person.objects.filter(name="Sri").exists()
    assert ImportBatch.objects.get(pk=recap["batch"]).changes_held == 0


def test_under_skip_a_recap_changes_nothing_and_holds_nothing(tmp_path: Path) -> None:
    gandi = _nik(1)
    first = _list(tmp_path, "a.csv", f"{gandi};Gandi Wacana;17-08-1980;L;Jl. A;Bandar Lor")
    _cli_import(first, "--region", "35.71")
    again = _list(tmp_path, "b.csv", f"{gandi};Gandi Wacono;17-08-1980;L;Jl. B;Bandar Lor")
    recap = _cli_import(again, "--region", "35.71", "--on-existing", "skip")
    assert (recap["skipped"], recap["changes_held"], recap["changes"]) == (1, 0, {})


def test_the_result_page_says_what_changed_and_confirms_a_rename(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    gandi = _nik(1)
    first = _list(tmp_path, "a.csv", f"{gandi};Gandi Wacana;17-08-1980;L;Jl. A;Bandar Lor")
    _cli_import(first, "--region", "35.71")
    again = _list(tmp_path, "b.csv", f"{gandi};Gandi Wacono;17-08-1980;L;Jl. B;Bandar Lor")
    recap = _cli_import(again, "--region", "35.71")
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    page = client.get(reverse("import-detail", args=[recap["batch"]])).content.decode()
    assert "Gandi Wacana → Gandi Wacono" in page
    assert 'data-testid="changed-fields"' in page and "Alamat" in page
    response = client.post(reverse("import-changes", args=[recap["batch"]]), {"apply": "1"})
    assert response.status_code == 302
    assert Person.objects.get().name == "Gandi Wacono"
    assert 'data-testid="held-changes"' not in client.get(response["Location"]).content.decode()
