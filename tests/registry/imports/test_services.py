"""The import pipeline with a real database: ground truth, idempotence, atomicity, bad files."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.core import bulk
from jaring.registry.imports import services
from jaring.registry.imports.applying import commit
from jaring.registry.imports.problems import ImportFileError
from jaring.registry.integrity import dangling_references
from jaring.registry.models import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    Person,
    RowAction,
)
from jaring.registry.services import people_bulk_create
from jaring.synthetic.messy import GroundTruth, write_messy_file
from jaring.synthetic.messy.damage import DamageRates
from jaring.synthetic.people import generate_people, write_clean_list

pytestmark = pytest.mark.django_db

# The checks judge ages against today; the generator must expect the same day.
TODAY = timezone.localdate()
SUMMARY_KEYS = (
    "rows", "accepted", "warnings", "held", "rejected", "problems", "duplicates_in_file"
)  # fmt: skip


def _cli_import(path: Path, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", str(path), *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _registered(n: int, regency: str, seed: int) -> pl.DataFrame:
    people = generate_people(n, regency=regency, seed=seed).with_columns(
        occupation_match=pl.lit("synonym")
    )
    people_bulk_create(people)
    return people


def _expected_existing(truth: GroundTruth, registry: pl.DataFrame) -> int:
    """Rows the registry already knows, from the ground truth alone: kept (not rejected nor
    held), not a repeat, and with a NIK the registry holds."""
    rows = truth.rows
    return rows.filter(
        ~pl.col("state").is_in(["rejected", "held"])
        & pl.col("duplicate_of").is_null()
        & pl.col("nik").is_in(registry["nik"].implode())
    ).height


@pytest.mark.parametrize(
    ("fmt", "seed", "size"),
    [("csv", 1, 1500), ("xlsx", 2, 1200), ("csv", 3, 800)],
)
def test_the_cli_summary_of_a_messy_file_equals_its_ground_truth(
    tmp_path: Path, fmt: str, seed: int, size: int
) -> None:
    registry = _registered(300, "35.71", seed=90 + seed)
    path = tmp_path / f"daftar.{fmt}"
    truth = write_messy_file(
        path,
        rows=size,
        regency="35.71",
        seed=seed,
        fmt=fmt,  # type: ignore[arg-type]
        rates=DamageRates(existing=0.1),
        existing=registry,
        reference_date=TODAY,
    )
    summary = _cli_import(path, "--region", "35.71", "--on-existing", "skip")

    assert {k: summary[k] for k in SUMMARY_KEYS} == {k: truth.summary[k] for k in SUMMARY_KEYS}
    existing = _expected_existing(truth, registry)
    assert summary["existing"] == existing > 0
    kept = truth.summary["accepted"] + truth.summary["warnings"]
    # Repeats of a row that is itself saved (a rejected row's repeat is rejected too).
    kept_repeats = truth.rows.filter(
        pl.col("state").is_in(["accepted", "warning"]) & pl.col("duplicate_of").is_not_null()
    ).height
    assert summary["created"] == kept - kept_repeats - existing
    assert Person.objects.count() == 300 + summary["created"]
    assert ImportRow.objects.count() == truth.summary["rows"]
    states = ("accepted", "warnings", "held", "rejected")
    assert sum(summary[s] for s in states) == summary["rows"]
    assert all(n == 0 for n in dangling_references().values())


def test_a_check_only_run_keeps_every_row_s_values(tmp_path: Path) -> None:
    # Nobody is created, so no person holds the values: the staging rows keep them all.
    people = generate_people(20, regency="35.71", seed=12)
    path = tmp_path / "daftar.csv"
    write_clean_list(people, path)
    summary = _cli_import(path, "--region", "35.71", "--dry-run")
    assert (summary["status"], summary["created"], Person.objects.count()) == ("checked", 20, 0)
    rows = ImportRow.objects.order_by("row_number")
    assert [r.name for r in rows] == people["name"].str.strip_chars().to_list()
    assert all(r.nik_index and r.birth_date and r.region_id for r in rows)


def test_the_same_file_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = tmp_path / "daftar.csv"
    write_messy_file(path, rows=600, regency="36.72", seed=5, fmt="csv", reference_date=TODAY)
    first = _cli_import(path, "--region", "36.72")
    people = list(Person.objects.order_by("pk").values())
    second = _cli_import(path, "--region", "36.72")
    assert first["created"] > 0
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, first["created"])
    assert list(Person.objects.order_by("pk").values()) == people


def test_on_existing_update_skip_and_conflict(tmp_path: Path) -> None:
    people = generate_people(50, regency="35.71", seed=7)
    original, renamed = tmp_path / "awal.csv", tmp_path / "baru.csv"
    write_clean_list(people, original)
    write_clean_list(people.with_columns(pl.col("name") + " Baru"), renamed)
    assert _cli_import(original, "--region", "35.71")["created"] == 50

    skipped = _cli_import(renamed, "--region", "35.71", "--on-existing", "skip")
    assert skipped["skipped"] == 50 and not Person.objects.filter(name__endswith="Baru").exists()
    held = _cli_import(renamed, "--region", "35.71", "--on-existing", "conflict")
    assert held["conflicts"] == 50 and not Person.objects.filter(name__endswith="Baru").exists()
    updated = _cli_import(renamed, "--region", "35.71", "--on-existing", "update")
    # A list never renames a registered person on its own: the change waits for a person.
    assert (updated["updated"], updated["changes_held"]) == (0, 50)
    assert not Person.objects.filter(name__endswith="Baru").exists()
    call_command("import_changes", str(updated["batch"]), "--apply", stdout=io.StringIO())
    assert Person.objects.filter(name__endswith="Baru").count() == 50
    # Provenance: each person has a list row per import, saying what it did.
    person = Person.objects.filter(name__endswith="Baru").first()
    assert [r.action for r in person.import_rows.order_by("batch_id")] == [
        RowAction.CREATED,
        RowAction.SKIPPED,
        RowAction.CONFLICT,
        RowAction.HELD,
    ]
    assert person.name_normalized.endswith("baru")
    # What each list said: the row that created the person stores no copy of its values (they
    # are the person as created; the update's before-values are in the audit trail), the
    # others keep the values they gave, applied or not.
    rows = list(person.import_rows.order_by("batch_id"))
    assert [(r.name, r.nik_index, r.birth_date) for r in rows] == [
        ("", None, None),
        *[(person.name, person.nik_index, person.birth_date)] * 3,
    ]
    assert rows[0].region_id is None and rows[1].region_id == person.region_id
    listed_phones = {bytes(r.phone_cipher) if r.phone_cipher else None for r in rows[1:]}
    assert rows[0].phone_cipher is None and None not in listed_phones
    update = LogEntry.objects.get_for_object(person).filter(changes__icontains="Baru").get()
    assert update.changes_dict["name"] == [person.name.removesuffix(" Baru"), person.name]


def test_updates_by_an_import_are_in_each_persons_audit_trail(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    people = generate_people(6, regency="35.71", seed=9)
    original, changed = tmp_path / "awal.csv", tmp_path / "perbaikan.csv"
    write_clean_list(people, original)
    # Two people moved house, one changed occupation; the other three are sent unchanged.
    write_clean_list(
        people.with_columns(
            address=pl.when(pl.int_range(pl.len()) < 2)
            .then(pl.lit("Jl. Baru 1"))
            .otherwise(pl.col("address")),
            occupation_text=pl.when(pl.int_range(pl.len()) == 2)
            .then(pl.lit("Marbot Masjid"))
            .otherwise(pl.col("occupation_text")),
        ),
        changed,
    )
    kediri = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))

    def run(path: Path) -> tuple[ImportBatch, dict[str, Any]]:
        with path.open("rb") as source:
            batch = services.import_create(
                source=source, file_name=path.name, region_code="35.71", source_name="RT",
                user=kediri,
            )  # fmt: skip
        return batch, services.import_run(batch.pk)

    run(original)
    updated, summary = run(changed)
    assert summary["updated"] == 3

    entries = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, additional_data__import_batch=updated.pk
    ).order_by("object_id")
    assert entries.count() == 3
    first = people.row(0, named=True)
    moved = entries.get(object_id=Person.objects.get(name=first["name"]).pk)
    assert moved.changes == {"address": [first["address"], "Jl. Baru 1"]}
    assert moved.actor == kediri
    # With the person's region, so a regional auditor sees the entry (issue 14).
    assert moved.additional_data == {
        "import_batch": updated.pk, "file": "perbaikan.csv", "sheet": "perbaikan.csv", "row": 2,
        "region": Person.objects.get(pk=moved.object_id).region_id,
    }  # fmt: skip
    third = people.row(2, named=True)
    recategorised = entries.get(object_id=Person.objects.get(name=third["name"]).pk)
    assert recategorised.changes["occupation_text"] == [third["occupation_text"], "Marbot Masjid"]
    assert recategorised.changes["occupation"][1] == "marbot"
    # The person's history shows the change, before and after.
    page = login(kediri).get(reverse("person-detail", args=[moved.object_id]))
    assert f"{first['address']} → Jl. Baru 1" in page.content.decode()


def test_a_person_registered_in_another_kab_kota_is_never_moved_by_this_list(
    tmp_path: Path,
) -> None:
    elsewhere = _registered(20, "36.72", seed=8)
    # The same people on Kota Kediri's list, with addresses in Kediri.
    kediri = generate_people(20, regency="35.71", seed=18)
    moved = elsewhere.with_columns(
        kediri.select("village_code", "village_name", "kecamatan_code", "kecamatan_name")
    )
    path = tmp_path / "daftar.csv"
    write_clean_list(moved, path)
    summary = _cli_import(path, "--region", "35.71", "--on-existing", "update")
    assert (summary["existing"], summary["conflicts"], summary["updated"]) == (20, 20, 0)
    assert Person.objects.filter(region__code__startswith="36.72.").count() == 20


def test_a_crash_while_committing_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "daftar.csv"
    write_messy_file(path, rows=300, regency="35.71", seed=11, fmt="csv", reference_date=TODAY)
    real_copy = bulk.copy_frames

    def crash_after_writing(*copies: bulk.FrameCopy, **kwargs: Any) -> None:
        assert [c.model for c in copies] == [Person, ImportRow, ImportProblem]
        real_copy(*copies, **kwargs)
        raise RuntimeError("power cut")

    monkeypatch.setattr(commit.bulk, "copy_frames", crash_after_writing)
    with pytest.raises(RuntimeError, match="power cut"):
        _cli_import(path, "--region", "35.71")
    assert (Person.objects.count(), ImportRow.objects.count(), ImportProblem.objects.count()) == (
        0,
        0,
        0,
    )
    failed = ImportBatch.objects.get()
    assert failed.status == ImportStatus.FAILED and "tidak ada data yang tersimpan" in failed.error

    monkeypatch.setattr(commit.bulk, "copy_frames", real_copy)
    summary = services.import_run(failed.pk)  # the stored file is run again
    assert summary["status"] == "committed" and Person.objects.count() == summary["created"] > 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "kosong.csv", "kosong"),
        (b"PK\x03\x04 not really a zip", "rusak.xlsx", "rusak"),
        (b"Nama;Alamat\nBudi;Jl. Mawar\n", "tanpa-nik.csv", "NIK"),
        (b"<html><body><p>Halaman</p></body></html>", "ekspor.xls", "tabel"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(
    tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _cli_import(path, "--region", "35.71")
    assert Person.objects.count() == 0 and ImportRow.objects.count() == 0


def test_an_html_table_saved_as_xls_is_read(tmp_path: Path) -> None:
    people = generate_people(3, regency="35.71", seed=12)
    cells = "".join(
        f"<tr><td>'{p['nik']}</td><td>{p['name']}</td><td>{p['birth_date']:%d-%m-%Y}</td>"
        f"<td>{p['sex']}</td><td>{p['village_name']}</td><td>Ojek Pangkalan</td></tr>"
        for p in people.iter_rows(named=True)
    )
    path = tmp_path / "ekspor-sistem.xls"
    path.write_text(
        "<html><body><table><tr><th>NIK</th><th>Nama</th><th>Tgl Lahir</th><th>L/P</th>"
        f"<th>Desa/Kel</th><th>Pekerjaan</th></tr>{cells}</table></body></html>"
    )
    summary = _cli_import(path, "--region", "35.71")
    assert (summary["rows"], summary["created"]) == (3, 3)


@pytest.mark.parametrize("name", ["daftar-bandar-lor.xls", "daftar-bandar-lor.ods"])
def test_a_legacy_workbook_is_imported_with_its_number_cells_flagged(name: str) -> None:
    path = Path(__file__).parent / "files" / name
    summary = _cli_import(path, "--region", "35.71")
    assert {k: summary[k] for k in ("rows", "accepted", "warnings", "rejected", "created")} == {
        "rows": 4, "accepted": 1, "warnings": 2, "rejected": 1, "created": 3,
    }  # fmt: skip
    # The two NIKs typed as numbers are exact but flagged; the short one is rejected — each
    # reported on the row Excel shows.
    problems = ImportProblem.objects.order_by("row_number").values_list("row_number", "code")
    assert list(problems) == [(6, "NIK_FROM_NUMBER"), (8, "NIK_FROM_NUMBER"), (9, "NIK_LENGTH")]
    people = {p.nik: p for p in Person.objects.all()}
    assert sorted(people) == ["3571010101700001", "3571011708800002", "3571015205850003"]
    siti = people["3571015205850003"]
    assert (siti.birth_date.isoformat(), siti.sex, siti.region_id) == (
        "1985-05-12", "P", "35.71.01.1001",
    )  # fmt: skip
    assert siti.phone == "+6285712345678"  # a number cell that lost its leading zero
    ridwan = people["3571010101700001"]
    assert (ridwan.birth_date.isoformat(), ridwan.sex, ridwan.region_id) == (
        "1970-01-01", "L", "35.71.01.1002",
    )  # fmt: skip
    assert people["3571011708800002"].occupation_id == "ketua_rt_rw"


@override_settings(JARING_MAX_UPLOAD_BYTES=1000)
def test_a_file_beyond_the_size_limit_is_refused_before_it_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    write_messy_file(path, rows=200, regency="35.71", seed=13, fmt="csv", reference_date=TODAY)
    with pytest.raises(CommandError, match="lebih dari"):
        _cli_import(path, "--region", "35.71")
    assert ImportBatch.objects.count() == 0


def test_dry_run_then_commit_through_the_api_with_problems_and_workbook(
    tmp_path: Path, make_user: Callable[..., User]
) -> None:
    path = tmp_path / "daftar.xlsx"
    truth = write_messy_file(
        path, rows=400, regency="35.71", seed=14, fmt="xlsx", reference_date=TODAY
    )
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    api = APIClient()
    api.force_authenticate(admin)
    with path.open("rb") as handle:
        posted = api.post(
            "/api/imports/",
            {"file": handle, "region": "35.71", "source_name": "Kiriman", "dry_run": True},
            format="multipart",
        )
    assert posted.status_code == 201, posted.content
    batch_id = posted.json()["id"]
    checked = api.get(f"/api/imports/{batch_id}/").json()
    assert checked["status"] == "checked" and Person.objects.count() == 0
    assert checked["summary"]["rejected"] == truth.summary["rejected"]

    problems = api.get(f"/api/imports/{batch_id}/problems/", {"page_size": 1000}).json()
    assert problems["count"] == sum(truth.summary["problems"].values())
    first = problems["results"][0]
    assert {"row_number", "code", "severity", "column", "detail", "detail_en"} <= set(first)

    workbook = api.get(f"/api/imports/{batch_id}/workbook/")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "Masalah" in header and "Status" in header
    problem_rows = sum(truth.summary[s] for s in ("warnings", "held", "rejected"))
    assert sheet.max_row - 1 == problem_rows
    assert DataExport.objects.filter(kind="import_result", actor=admin).count() == 1

    committed = api.post(f"/api/imports/{batch_id}/commit/").json()
    assert committed["status"] == "committed"
    assert Person.objects.count() == committed["summary"]["created"] > 0


def test_imports_are_scoped_like_people(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    path = tmp_path / "daftar.csv"
    write_messy_file(path, rows=50, regency="35.71", seed=15, fmt="csv", reference_date=TODAY)
    kediri = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    client = login(kediri)
    upload = SimpleUploadedFile("daftar.csv", path.read_bytes(), content_type="text/csv")
    response = client.post(
        reverse("import-list"),
        {
            "file": upload,
            "region": "35.71",
            "source_name": "RT",
            "on_existing": "update",
            "dry_run": "on",
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "import-mapping", args=[batch.pk]
    )
    mapping = client.get(reverse("import-mapping", args=[batch.pk]))
    assert mapping.status_code == 200 and mapping.context["form"]["nik"].value()

    cilegon = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    for name in ("import-detail", "import-mapping", "import-progress", "import-workbook"):
        assert cilegon.get(reverse(name, args=[batch.pk])).status_code == 404, name
    api = APIClient()
    api.force_authenticate(User.objects.get(username="cilegon"))
    assert api.get(f"/api/imports/{batch.pk}/").status_code == 404
    with path.open("rb") as handle:
        refused = api.post("/api/imports/", {"file": handle, "region": "35.71"}, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "REGION_OUT_OF_SCOPE"
    operator = APIClient()
    operator.force_authenticate(make_user("bpjs", Role.BPJS_VIEWER, ("35.71",)))
    with path.open("rb") as handle:
        forbidden = operator.post(
            "/api/imports/", {"file": handle, "region": "35.71"}, format="multipart"
        )
    assert forbidden.status_code == 403


def test_export_people_cli_is_full_and_audited(tmp_path: Path) -> None:
    people = _registered(25, "35.71", seed=16)
    _registered(5, "36.72", seed=17)
    target = tmp_path / "orang.csv"
    call_command("export", "people", "--region", "35.71", "--output", str(target))
    exported = pl.read_csv(target, schema_overrides={"nik": pl.String})
    assert set(exported["nik"]) == set(people["nik"])
    assert {
        "nik",
        "name",
        "birth_date",
        "sex",
        "village_code",
        "occupation_text",
        "occupation_code",
    } <= set(exported.columns)
    record = DataExport.objects.get()
    assert (record.channel, record.row_count, record.actor) == ("cli", 25, None)
    assert record.actor_label.startswith("cli:")
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("export", "people", "--region", "99")


def test_import_file_error_marks_the_batch_failed(tmp_path: Path) -> None:
    path = tmp_path / "tanpa-nama.csv"
    path.write_text("NIK;Alamat\n3571011408650001;Jl. Mawar\n")
    with path.open("rb") as handle:
        batch = services.import_create(
            source=handle, file_name=path.name, region_code="35.71", source_name="x"
        )
    with pytest.raises(ImportFileError):
        services.import_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "nama" in batch.error.lower()
