"""How long uploaded lists and their result workbooks are kept: ``JARING_RETENTION_DAYS``.

An uploaded list holds a kelurahan's people in plain text (names, NIKs, birth dates, phone
numbers), and so does its result workbook. Once a list is imported the registry holds what it
said (NIKs and phones encrypted) and its staging rows keep the provenance, so the files are only
needed for a while: to fix and send back the rejected rows, or to run a check-only import for
real. After the retention period :func:`import_files_purge` removes them — run daily by
``jaring serve`` and by hand as ``jaring purge``. The batch, its rows, problems and counts stay;
its page then says the file was removed.

Also removed: files in the uploads folder that no batch points at (an upload refused half-way)
and leftovers of interrupted workbook writes, once older than the same period.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.registry.models import ImportBatch, ImportStatus

RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    uploads: int
    workbooks: int
    stray_files: int
    bytes: int
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "cutoff": self.cutoff.isoformat()}


def imports_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def results_folder() -> Path:
    return imports_folder() / "results"


def import_files_purge(*, days: int | None = None, dry_run: bool = False) -> PurgeResult:
    """Remove uploaded lists and result workbooks of imports that finished (or were uploaded,
    if they never ran) more than ``days`` ago (default ``JARING_RETENTION_DAYS``). A batch that
    is running is never touched."""
    days = settings.JARING_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("days must be 0 or more")
    cutoff = timezone.now() - timedelta(days=days)
    expired = (
        ImportBatch.objects.exclude(status__in=RUNNING)
        .annotate(done=Coalesce("finished_at", "created_at"))
        .filter(done__lt=cutoff)
    )
    removed_bytes = 0
    uploads = 0
    for batch in expired.exclude(Q(file="") | Q(file__isnull=True)).only("pk", "file"):
        path = Path(batch.file.path)
        removed_bytes += _size(path)
        uploads += 1
        if not dry_run:
            path.unlink(missing_ok=True)
            batch.file = ""
            with acting_as(None):  # the change log shows the file going, by the system
                batch.save(update_fields=["file"])
    expired_ids = set(expired.values_list("pk", flat=True))
    live = {
        Path(settings.MEDIA_ROOT, name).resolve()
        for name in ImportBatch.objects.exclude(file="").values_list("file", flat=True)
    }
    workbooks = stray = 0
    cutoff_stamp = cutoff.timestamp()
    for path in results_folder().glob("*") if results_folder().is_dir() else []:
        batch_id = path.name.split("-", 1)[0]
        old = path.stat().st_mtime < cutoff_stamp
        if (batch_id.isdigit() and int(batch_id) in expired_ids) or old:
            removed_bytes += _size(path)
            workbooks += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    for path in imports_folder().glob("[0-9]*/*/*") if imports_folder().is_dir() else []:
        if path.is_file() and path.resolve() not in live and path.stat().st_mtime < cutoff_stamp:
            removed_bytes += _size(path)
            stray += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return PurgeResult(
        cutoff=cutoff,
        uploads=uploads,
        workbooks=workbooks,
        stray_files=stray,
        bytes=removed_bytes,
        dry_run=dry_run,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
