"""Background work of the registry, run by ``jaring serve``'s worker (django-tasks)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from jaring.registry.imports.services import import_run
from jaring.registry.matching import MatchingError
from jaring.registry.matching.services import match_batch, match_run
from jaring.registry.models import ImportBatch, ImportStatus

logger = logging.getLogger("jaring.tasks")


@task()
def run_import(batch_id: int, commit: bool | None = None) -> dict[str, Any]:
    """Check (and unless check-only, commit) an uploaded list; progress is kept on the batch.
    A committed list is then matched against the registry (when a model exists), so its
    probable duplicates reach the review queue without a full run."""
    summary = import_run(batch_id, commit=commit)
    batch = ImportBatch.objects.select_related("region").get(pk=batch_id)
    if batch.status == ImportStatus.COMMITTED:
        try:
            matched = match_batch(batch)
        except MatchingError as exc:
            logger.warning("matching of import %s skipped: %s", batch_id, exc.message.render("en"))
        else:
            summary["matching"] = matched.as_dict() if matched else None
    return summary


#: Where a batch may be (re)run from: never while it runs, never once it is committed.
RUNNABLE = (
    ImportStatus.UPLOADED,
    ImportStatus.CHECKED,
    ImportStatus.FAILED,
    ImportStatus.INTERRUPTED,
)


def import_enqueue(
    batch_id: int, *, commit: bool, expected: tuple[ImportStatus, ...] = RUNNABLE
) -> bool:
    """Queue a run of the batch; its page shows "waiting for the worker" until it starts.

    Compare-and-set: the batch moves to *queued* only from one of the ``expected`` states, in
    one ``UPDATE … WHERE status IN (…)``; two clicks, or a click on a committed batch, queue
    nothing. Returns whether it was queued."""
    queued = ImportBatch.objects.filter(pk=batch_id, status__in=expected).update(
        status=ImportStatus.QUEUED,
        stage="",
        progress_done=0,
        progress_total=0,
        error_code="",
        error_params={},
    )
    if queued:
        run_import.enqueue(batch_id, commit)
    return bool(queued)


@task()
def run_match(region_code: str | None, user_id: int | None) -> dict[str, Any]:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return match_run(region_code=region_code, user=user).as_dict()


def match_enqueue(*, region_code: str | None, user_id: int | None) -> None:
    run_match.enqueue(region_code, user_id)
