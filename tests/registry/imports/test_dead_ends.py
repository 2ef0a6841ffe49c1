"""An import without dead ends: nothing to save shows no save button; a file without a NIK column
ends as failed with its reason; an upload never saved can be deleted with its staging rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.imports import services
from jaring.registry.imports.discarding import ImportDiscardError, import_discard
from jaring.registry.models import ImportBatch, ImportProblem, ImportRow, ImportStatus, Person

pytestmark = pytest.mark.django_db


def _batch(user: User, text: str, name: str = "daftar.csv") -> ImportBatch:
    return services.import_create(
        source=io.BytesIO(text.encode()),
        file_name=name,
        region_code="35.71",
        source_name="RT 02",
        user=user,
        dry_run=True,
    )


@pytest.fixture
def kediri(make_user: Callable[..., User]) -> User:
    return make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))


def test_a_file_without_a_nik_column_ends_as_failed_and_can_be_deleted(
    kediri: User, login: Callable[[User], Client], django_capture_on_commit_callbacks: Any
) -> None:
    batch = _batch(
        kediri, "Nama,Alamat,Desa\nSiti,Jl. Mawar,Bandar Lor\nBudi,Jl. Melati,Bandar Lor\n"
    )
    client = login(kediri)
    mapping = client.get(reverse("import-mapping", args=[batch.pk]))
    assert mapping.status_code == 200
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "NIK" in batch.error and "Nama" in batch.error
    assert "Tidak ada kolom NIK" in mapping.content.decode() or "NIK" in mapping.content.decode()
    detail = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-error"' in detail and 'data-testid="discard-button"' in detail
    stored = batch.file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        gone = client.post(reverse("import-discard", args=[batch.pk]))
    assert gone.url == reverse("import-list")  # type: ignore[attr-defined]
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not default_storage.exists(stored)
    deleted = LogEntry.objects.get(
        content_type__model="importbatch", object_pk=str(batch.pk), action=LogEntry.Action.DELETE
    )
    assert deleted.actor == kediri and deleted.additional_data == {"region": "35.71"}


def test_nothing_accepted_means_no_save(
    kediri: User, login: Callable[[User], Client], tmp_path: Path
) -> None:
    batch = _batch(kediri, "NIK,Nama\n123,Siti\n9999999999999999,\n")
    services.import_run(batch.pk, commit=False)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and batch.accepted + batch.warnings == 0
    client = login(kediri)
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "Tidak ada yang disimpan" in page and "disabled" in page
    answer = client.post(reverse("import-commit", args=[batch.pk]), follow=True)
    assert "Tidak ada yang disimpan" in answer.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and not Person.objects.exists()
    # A checked batch nobody saves can be deleted, with its staging rows and problems.
    assert ImportRow.objects.filter(batch=batch).exists()
    import_discard(batch=batch, user=kediri)
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    assert not ImportProblem.objects.filter(batch_id=batch.pk).exists()


def test_a_saved_import_is_history_not_deleted(
    kediri: User, login: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    batch = _batch(kediri, "NIK,Nama\n123,Siti\n")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTED)
    batch.refresh_from_db()
    with pytest.raises(ImportDiscardError):
        import_discard(batch=batch, user=kediri)
    assert login(kediri).post(reverse("import-discard", args=[batch.pk])).status_code == 302
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    # Outside the region: not found; without the import right: refused.
    cilegon = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert cilegon.post(reverse("import-discard", args=[batch.pk])).status_code == 404
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.71",)))
    assert auditor.post(reverse("import-discard", args=[batch.pk])).status_code == 403


def test_the_template_is_read_without_asking(
    kediri: User, login: Callable[[User], Client], tmp_path: Path
) -> None:
    answer = login(kediri).get(reverse("import-template"))
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Daftar", "Petunjuk"]
    row = ["3571031708800002", "Siti", "Kediri", "17-08-1980", "P", "Jl. Mawar", "002/005"]
    book["Daftar"].append([*row, "Bandar Lor", "Mojoroto", "081234567890", "ojek"])
    path = tmp_path / "templat.xlsx"
    book.save(path)
    with path.open("rb") as source:
        batch = services.import_create(
            source=source, file_name=path.name, region_code="35.71", source_name="templat",
            user=kediri, dry_run=True,
        )  # fmt: skip
    preview = services.import_preview(batch)
    assert {
        "nik", "name", "birth_place", "birth_date", "sex", "address", "rt_rw", "desa",
        "kecamatan", "phone", "occupation",
    } <= set(preview.mapping)  # fmt: skip
