"""``jaring purge``: uploaded lists and result workbooks go after the retention period; the
batch, its rows and its counts stay, and its pages say the file is gone."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.imports import services as pipeline
from jaring.registry.models import ImportBatch, ImportRow, ImportStatus
from jaring.synthetic.people import generate_people, write_clean_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_folder(tmp_path: Path, settings: Any) -> None:
    """Files of this test only: other tests' result workbooks may carry the same batch ids."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _imported(tmp_path: Path, name: str, *, days_ago: int) -> ImportBatch:
    path = tmp_path / name
    write_clean_list(generate_people(20, regency="35.71", seed=len(name)), path)
    with path.open("rb") as handle:
        batch = pipeline.import_create(
            source=handle, file_name=name, region_code="35.71", source_name=name
        )
    pipeline.import_run(batch.pk)
    batch.refresh_from_db()
    pipeline.import_workbook(batch, only_problems=False)
    finished = timezone.now() - timedelta(days=days_ago)
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=finished)
    batch.refresh_from_db()
    return batch


def _purge(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("purge", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_files_older_than_the_retention_period_are_removed_and_the_rest_kept(
    tmp_path: Path,
) -> None:
    old = _imported(tmp_path, "lama.csv", days_ago=settings.JARING_RETENTION_DAYS + 1)
    recent = _imported(tmp_path, "baru.csv", days_ago=settings.JARING_RETENTION_DAYS - 1)
    old_file, recent_file = Path(old.file.path), Path(recent.file.path)
    results = Path(settings.MEDIA_ROOT) / "imports" / "results"
    assert old_file.exists() and recent_file.exists()
    assert list(results.glob(f"{old.pk}-*")) and list(results.glob(f"{recent.pk}-*"))

    counted = _purge("--dry-run")
    assert counted["uploads"] == 1 and counted["workbooks"] == 1 and counted["dry_run"] is True
    assert old_file.exists()

    purged = _purge()
    assert purged["uploads"] == 1 and purged["workbooks"] == 1
    assert not old_file.exists() and not list(results.glob(f"{old.pk}-*"))
    assert recent_file.exists() and list(results.glob(f"{recent.pk}-*"))
    old.refresh_from_db()
    assert not old.file and old.status == ImportStatus.COMMITTED and old.rows == 20
    assert ImportRow.objects.filter(batch=old).count() == 20
    # The change log shows the file going.
    assert LogEntry.objects.get_for_object(old).filter(changes__icontains="file").exists()
    assert _purge()["uploads"] == 0  # nothing left to do


def test_a_running_import_is_never_purged(tmp_path: Path) -> None:
    batch = _imported(tmp_path, "jalan.csv", days_ago=400)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)
    assert _purge()["uploads"] == 0
    assert Path(batch.file.path).exists()


def test_stray_uploads_no_batch_points_at_go_too(tmp_path: Path) -> None:
    folder = Path(settings.MEDIA_ROOT) / "imports" / "2020" / "01"
    folder.mkdir(parents=True, exist_ok=True)
    stray = folder / "sisa.csv"
    stray.write_text("NIK;Nama\n")
    long_ago = time.time() - (settings.JARING_RETENTION_DAYS + 5) * 86400
    os.utime(stray, (long_ago, long_ago))
    assert _purge()["stray_files"] >= 1
    assert not stray.exists()


def test_a_purged_batch_says_its_file_is_gone(
    tmp_path: Path, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    batch = _imported(tmp_path, "lama.csv", days_ago=500)
    _purge()
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    response = client.get(reverse("import-workbook", args=[batch.pk]), follow=True)
    assert "sudah dihapus" in response.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKED)
    mapping = client.get(reverse("import-mapping", args=[batch.pk]), follow=True)
    assert mapping.status_code == 200 and "sudah dihapus" in mapping.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED  # a removed file is not a failed import


def test_purge_refuses_a_negative_period() -> None:
    with pytest.raises(CommandError, match="--days"):
        call_command("purge", "--days", "-1")
