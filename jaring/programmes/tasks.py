"""Background work of the programmes app, run by ``jaring serve``'s worker (django-tasks)."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jaring.programmes.lampiran import lampiran_frame, title_block, write_pdf
from jaring.programmes.models import LampiranFile, LampiranStatus

logger = logging.getLogger("jaring.tasks")


@task()
def render_lampiran(file_id: int) -> dict[str, Any]:
    """Render a signed version's lampiran as PDF, keeping the progress on its record (a
    10,000-row lampiran takes about a minute). The download is recorded when it is taken."""
    record = LampiranFile.objects.select_related("decree__programme__region").get(pk=file_id)
    LampiranFile.objects.filter(pk=file_id).update(status=LampiranStatus.RENDERING)
    decree = record.decree
    try:
        frame = lampiran_frame(decree, full_nik=record.full_nik)

        def progress(done: int, total: int) -> None:
            LampiranFile.objects.filter(pk=file_id).update(progress_done=done, progress_total=total)

        progress(0, frame.height)
        buffer = io.BytesIO()
        pages = write_pdf(
            frame,
            title_block(decree),
            buffer,
            identifier=f"jaring-sk-{decree.pk}-{decree.number}-{record.full_nik}",
            progress=progress,
        )
    except Exception as exc:  # the page shows the failure; the worker log has the details
        logger.exception("lampiran %s failed", file_id)
        # Only the kind of failure, as a hint for the administrator: an exception's text is
        # English, internal and may quote data.
        LampiranFile.objects.filter(pk=file_id).update(
            status=LampiranStatus.FAILED, error=type(exc).__name__[:300], finished_at=timezone.now()
        )
        raise
    data = buffer.getvalue()
    with transaction.atomic():
        record = LampiranFile.objects.select_for_update().get(pk=file_id)
        suffix = "lengkap" if record.full_nik else "samaran"
        record.file.save(f"lampiran-sk-{decree.pk}-{suffix}.pdf", ContentFile(data), save=False)
        record.sha256 = hashlib.sha256(data).hexdigest()
        record.pages = pages
        record.status = LampiranStatus.READY
        record.finished_at = timezone.now()
        record.save()
    return {"file": file_id, "pages": pages, "bytes": len(data)}


def lampiran_enqueue(*, decree_id: int, full_nik: bool, user_id: int | None) -> LampiranFile:
    """The PDF of a signed version for this kind of reader: the one already made (or being
    made), or a new one queued for the worker."""
    with transaction.atomic():
        record, created = LampiranFile.objects.get_or_create(
            decree_id=decree_id, full_nik=full_nik, defaults={"requested_by_id": user_id}
        )
        if not created and record.status == LampiranStatus.FAILED:
            LampiranFile.objects.filter(pk=record.pk).update(
                status=LampiranStatus.QUEUED, error="", progress_done=0, progress_total=0
            )
            created = True
    if created:
        render_lampiran.enqueue(record.pk)
    record.refresh_from_db()
    return record
