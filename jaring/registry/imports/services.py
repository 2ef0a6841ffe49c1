"""The import's services: what pages, the API, tasks, the CLI and the demo call.

:func:`import_create` stores the uploaded file and records the batch; :func:`import_run` reads
it (:mod:`.reading`), checks it (:mod:`.checking`, column-wise), encrypts, and then applies it
(:func:`.applying.commit.commit_batch`) — in **one transaction**: takes the registry's write
lock, plans every row against the registry (:mod:`.applying.plan`), writes a staging row for
every row read and a record for every problem, and, unless it is a check-only run, creates and
updates people. A crash or a kill anywhere leaves either everything or nothing of the run;
running the same batch again starts from the stored file, and importing the same file again
finds every row ``unchanged``. :func:`import_workbook` writes the problems workbook
(:mod:`.applying.workbook`) from the stored results.

Progress (stage, rows done) is written outside the transaction so pages can poll it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import polars as pl
from django.conf import settings
from django.core.files import File
from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import failpoints
from jaring.core.scoping import region_in_scope
from jaring.core.scratch import Owner, written_into_place
from jaring.regions.models import Region, RegionLevel
from jaring.regions.selectors import NameIndex, region_name_index
from jaring.registry.imports.applying.commit import (
    BatchMovedError,
    commit_batch,
    confirm_held_changes,
)
from jaring.registry.imports.applying.workbook import write_problems_workbook
from jaring.registry.imports.checking import CheckedTable, Classifier, check_table
from jaring.registry.imports.problems import ImportFileError, problem_message
from jaring.registry.imports.reading import RawTable, read_table
from jaring.registry.imports.reading.grid import ROW_COLUMN, SHEET_COLUMN
from jaring.registry.imports.reading.mapping import guess_mapping
from jaring.registry.imports.recovery import IN_PROCESS, run_lock
from jaring.registry.models import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    OccupationSynonym,
    OnExisting,
    SourceMapping,
)
from jaring.registry.occupations import classify_occupations
from jaring.registry.services import with_blind_indexes
from jaring.rules.messages import Message

if TYPE_CHECKING:
    from jaring.accounts.models import User

logger = logging.getLogger("jaring.imports")

Progress = Callable[[str, int, int], None]


class ImportRequestError(Exception):
    """An import that cannot start: a code of :mod:`.problems` and its parameters; the message
    says why in the reader's language."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(f"{code}: {self.message.render('en')}")

    @property
    def message(self) -> Message:
        return problem_message(self.code, self.params)


@dataclass(frozen=True)
class Preview:
    """What the mapping page shows before a run: headers, the proposed mapping, a few rows."""

    sheets: tuple[str, ...]
    headers: tuple[str, ...]
    mapping: dict[str, str]
    sample: list[dict[str, Any]]
    rows: int  # rows read: all of them when ``complete``, else the first ones
    complete: bool = True


# --- creating a batch --------------------------------------------------------------------------


def _import_region(code: str, user: User | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ImportRequestError("REGION_UNKNOWN", code=repr(code))
    if region.level == RegionLevel.PROVINCE:
        raise ImportRequestError("REGION_TOO_WIDE", region=region.name)
    if user is not None and not region_in_scope(user, region.code):
        raise ImportRequestError("REGION_OUT_OF_SCOPE", code=region.code)
    return region


def import_place(region_code: str, place: str) -> str:
    """The code of the list's place: ``place`` (a desa/kelurahan or kecamatan, by code or name)
    inside the region ``region_code``; ``region_code`` itself when ``place`` is blank. Raises
    :class:`ImportRequestError` when it names nothing, or several places, there."""
    place = place.strip()
    if not place:
        return region_code
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ImportRequestError("REGION_UNKNOWN", code=repr(region_code))
    inside = Region.objects.filter(code=place).filter(code__startswith=f"{region.code}.").first()
    if inside is not None and inside.level in (RegionLevel.VILLAGE, RegionLevel.DISTRICT):
        return inside.code
    candidates: list[str] = []
    for level in (RegionLevel.VILLAGE, RegionLevel.DISTRICT):
        match = region_name_index(within=region.code, level=level).resolve(place)
        if match.status == "exact" and match.code:
            return match.code
        if match.status == "ambiguous":
            candidates += match.candidates
        elif match.status == "fuzzy" and match.code:
            candidates.append(match.code)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise ImportRequestError(
            "PLACE_AMBIGUOUS",
            place=place,
            region=region.display_name,
            candidates=", ".join(candidates[:5]),
        )
    raise ImportRequestError("PLACE_UNKNOWN", place=place, region=region.display_name)


def import_create(
    *,
    source: IO[bytes],
    file_name: str,
    region_code: str,
    source_name: str,
    on_existing: OnExisting = OnExisting.UPDATE,
    dry_run: bool = False,
    user: User | None = None,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
) -> ImportBatch:
    """Store an uploaded list and record its batch (status *uploaded*); nothing is read yet."""
    region = _import_region(region_code, user)
    batch = ImportBatch(
        file_name=file_name,
        sheet=sheet or "",
        region=region,
        source_name=source_name.strip() or file_name,
        on_existing=on_existing,
        dry_run=dry_run,
        column_map=dict(column_map or {}),
        created_by=user,
    )
    # Stored, hashed and measured in one pass over the upload.
    counted = _CountingReader(source, limit=settings.JARING_MAX_UPLOAD_BYTES)
    try:
        batch.file.save(Path(file_name).name, File(counted), save=False)  # type: ignore[arg-type]
        if counted.size == 0:
            raise ImportRequestError("FILE_EMPTY", file=file_name)
    except (ImportRequestError, _TooLargeError):
        if batch.file:
            batch.file.delete(save=False)
        if counted.size > counted.limit:
            # Reading stopped at the limit: the file's size is only known to be above it.
            raise ImportRequestError(
                "UPLOAD_TOO_LARGE", file=file_name, megabytes=counted.limit // (1024 * 1024)
            ) from None
        raise
    batch.file_sha256, batch.file_size = counted.digest.hexdigest(), counted.size
    with acting_as(user):
        batch.save()
    return batch


class _TooLargeError(Exception):
    pass


class _CountingReader:
    """A file-like wrapper that hashes and counts what is read, and stops past ``limit``."""

    def __init__(self, source: IO[bytes], *, limit: int) -> None:
        self.source, self.limit = source, limit
        self.digest, self.size = hashlib.sha256(), 0
        self.name = getattr(source, "name", None)

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.size += len(chunk)
        if self.size > self.limit:
            raise _TooLargeError
        self.digest.update(chunk)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0:
            raise OSError("only rewinding to the start is supported")
        self.digest, self.size = hashlib.sha256(), 0
        return self.source.seek(0)

    def tell(self) -> int:
        return self.size


# --- reading -----------------------------------------------------------------------------------


def _read(batch: ImportBatch, *, preview: bool = False) -> RawTable:
    if not batch.file:
        raise ImportRequestError(
            "IMPORT_FILE_PURGED", file=batch.file_name, days=settings.JARING_RETENTION_DAYS
        )
    return read_table(
        Path(batch.file.path),
        file_name=batch.file_name,
        sheet=batch.sheet or None,
        max_bytes=settings.JARING_MAX_UPLOAD_BYTES,
        preview=preview,
    )


def _mapping_for(batch: ImportBatch, table: RawTable) -> dict[str, str]:
    """The batch's confirmed mapping, else the one saved for its source, else a guess."""
    if batch.column_map:
        return dict(batch.column_map)
    saved = SourceMapping.objects.filter(region=batch.region, source_name=batch.source_name).first()
    if saved and set(saved.column_map.values()) <= set(table.headers):
        return dict(saved.column_map)
    # Missing NIK or name is reported by the run (MappingError); the mapping page shows the
    # partial guess so the user can point at the right columns.
    return dict(guess_mapping(table.headers, file_name=batch.file_name, required=False))


def import_preview(batch: ImportBatch, *, sample_rows: int = 8) -> Preview:
    """The headers, proposed mapping and first rows of a batch's file, from its first rows
    only (bounded time and memory in a web request; the run reads the whole file)."""
    table = _read(batch, preview=True)
    sample = table.frame.head(sample_rows).select(list(table.headers)).to_dicts()
    return Preview(
        sheets=tuple(table.sheets),
        headers=tuple(table.headers),
        mapping=_mapping_for(batch, table),
        sample=sample,
        rows=table.rows,
        complete=table.complete,
    )


def import_mapping_save(batch: ImportBatch, mapping: Mapping[str, str]) -> None:
    """Keep the user's confirmed mapping on the batch and as the default for its source."""
    batch.column_map = dict(mapping)
    batch.save(update_fields=["column_map"])
    SourceMapping.objects.update_or_create(
        region=batch.region, source_name=batch.source_name, defaults={"column_map": dict(mapping)}
    )


# --- checking ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_regions() -> frozenset[str]:
    """Kab/kota and kecamatan codes of today's table, for the NIK's "code of issuance" warning."""
    return frozenset(
        Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.DISTRICT]).values_list(
            "code", flat=True
        )
    )


def _place_indexes(region: Region) -> tuple[NameIndex, NameIndex | None, str | None]:
    """Village and kecamatan name indexes of a batch's kab/kota, and the list's place: the
    desa/kelurahan or kecamatan chosen at upload (``None`` for a whole kab/kota)."""
    regency = region.code[:5]
    villages = region_name_index(within=regency, level=RegionLevel.VILLAGE)
    kecamatan = region_name_index(within=regency, level=RegionLevel.DISTRICT)
    place = region.code if region.level in (RegionLevel.VILLAGE, RegionLevel.DISTRICT) else None
    return villages, kecamatan, place


def _classifier(regency: str) -> Classifier:
    """The occupation classifier with the kab/kota's own synonyms (they win over national)."""
    local = dict(
        OccupationSynonym.objects.filter(region_id=regency).values_list("key", "category_id")
    )
    return partial(classify_occupations, extra_synonyms=local)


def check_batch(batch: ImportBatch, table: RawTable, *, today: date) -> CheckedTable:
    villages, kecamatan, place = _place_indexes(batch.region)
    return check_table(
        table,
        _mapping_for(batch, table),
        villages=villages,
        kecamatan=kecamatan,
        place=place,
        classify=_classifier(batch.region.code[:5]),
        reference_date=today,
        known_regions=_known_regions(),
    )


# --- running -----------------------------------------------------------------------------------


def _report(batch_id: int, progress: Progress | None) -> Progress:
    def report(stage: str, done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            stage=stage, progress_done=done, progress_total=total
        )
        if progress is not None:
            progress(stage, done, total)

    return report


#: States a run starts from: queued (by a page or the API), uploaded (the command line), and
#: those a batch may be run again from.
STARTABLE = (
    ImportStatus.QUEUED,
    ImportStatus.UPLOADED,
    ImportStatus.CHECKED,
    ImportStatus.FAILED,
    ImportStatus.INTERRUPTED,
)


def import_run(
    batch_id: int, *, commit: bool | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Read, check and (unless check-only) commit a batch; returns its summary.

    ``commit`` defaults to the batch's own choice (``not dry_run``). Raises
    :class:`~jaring.registry.imports.problems.ImportFileError` for a file that cannot be read;
    the batch is then marked failed with the message, and nothing else is written.

    The batch records this process as its runner while it runs (and, on PostgreSQL, this
    connection holds its lock): if the process is killed, the next start marks the batch
    interrupted (:mod:`.recovery`).
    """
    started = time.perf_counter()
    batch = ImportBatch.objects.select_related("region").get(pk=batch_id)
    commit = (not batch.dry_run) if commit is None else commit
    with run_lock(batch_id) as locked:
        if not locked:  # another process runs it
            raise ImportRequestError("IMPORT_NOT_RUNNABLE", status=ImportStatus.CHECKING)
        summary = _run(batch, commit=commit, report=_report(batch_id, progress))
    return {**summary, "seconds": round(time.perf_counter() - started, 2)}


def _run(batch: ImportBatch, *, commit: bool, report: Progress) -> dict[str, Any]:
    batch_id = batch.pk
    owner = Owner.current()
    runner = {"runner_host": owner.host, "runner_pid": owner.pid, "runner_since": owner.since}
    # Compare-and-set: start only from a state a run may start from (queued by the page, or
    # uploaded by the command line); a batch already running or committed is never run again.
    started_run = ImportBatch.objects.filter(pk=batch_id, status__in=STARTABLE).update(
        status=ImportStatus.CHECKING, error_code="", error_params={}, finished_at=None, **runner
    )
    if not started_run:
        raise ImportRequestError("IMPORT_NOT_RUNNABLE", status=batch.status)
    batch.__dict__.update(runner)
    mine = ImportBatch.objects.filter(pk=batch_id, **runner)
    try:
        failpoints.reached("import-started")
        report("reading", 0, 0)
        table = _read(batch)
        failpoints.reached("import-read")
        report("checking", 0, table.rows)
        checked = check_batch(batch, table, today=timezone.localdate())
        failpoints.reached("import-checked")
        report("protecting", checked.rows.height // 2, checked.rows.height)
        rows = with_blind_indexes(checked.rows)
        failpoints.reached("import-protected")
        if not mine.filter(status=ImportStatus.CHECKING).update(status=ImportStatus.COMMITTING):
            raise ImportRequestError("IMPORT_NOT_RUNNABLE", status=ImportStatus.CHECKING)
        failpoints.reached("import-committing")
        report("saving", checked.rows.height, checked.rows.height)
        try:
            commit_batch(batch, checked, rows, commit=commit)
        except BatchMovedError as exc:
            raise ImportRequestError("IMPORT_NOT_RUNNABLE", status=exc.status) from exc
    except (ImportFileError, ImportRequestError) as exc:
        mine.filter(status__in=IN_PROCESS).update(
            status=ImportStatus.FAILED,
            error_code=exc.code,
            error_params=dict(exc.params),
            stage="failed",
            **_NO_RUNNER,
        )
        raise
    except Exception:
        logger.exception("import %s failed", batch_id)
        mine.filter(status__in=IN_PROCESS).update(
            status=ImportStatus.FAILED,
            error_code="IMPORT_FAILED",
            error_params={},
            stage="failed",
            **_NO_RUNNER,
        )
        raise
    except BaseException:
        # Stopped from outside (Ctrl+C, the worker's SIGTERM): interrupted now, not at the
        # next start. The transaction has been rolled back already.
        with contextlib.suppress(Exception):
            mine.filter(status__in=IN_PROCESS).update(
                status=ImportStatus.INTERRUPTED,
                error_code="IMPORT_INTERRUPTED",
                error_params={},
                stage="interrupted",
                finished_at=timezone.now(),
                **_NO_RUNNER,
            )
        raise
    return import_summary(ImportBatch.objects.get(pk=batch_id))


_NO_RUNNER: dict[str, Any] = {"runner_host": "", "runner_pid": None, "runner_since": ""}


def import_changes_settle(
    batch: ImportBatch,
    *,
    apply: bool,
    user: User | None,
    rows: Collection[tuple[str, int]] | None = None,
) -> int:
    """Confirm (``apply``) or decline the held changes of registered people's name, birth date
    or sex of a saved batch: all of them, or those of ``rows`` ((sheet, row) pairs). Returns
    how many rows were settled; an applied change is in the person's history."""
    if batch.status != ImportStatus.COMMITTED:
        raise ImportRequestError("IMPORT_NOT_SAVED")
    return confirm_held_changes(batch, rows=rows, apply=apply, user=user)


def import_summary(batch: ImportBatch, *, seconds: float | None = None) -> dict[str, Any]:
    """The summary of a finished batch, as the CLI prints it and the API returns it."""
    problems = dict(
        ImportProblem.objects.filter(batch=batch)
        .order_by("code")
        .values("code")
        .annotate(n=Count("id"))
        .values_list("code", "n")
    )
    summary: dict[str, Any] = {
        "batch": batch.pk,
        "status": batch.status,
        "file": batch.file_name,
        "region": batch.region_id,
        "rows": batch.rows,
        "accepted": batch.accepted,
        "warnings": batch.warnings,
        "held": batch.held,
        "rejected": batch.rejected,
        "problems": problems,
        "duplicates_in_file": batch.duplicates_in_file,
        "existing": batch.existing,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "skipped": batch.skipped,
        "conflicts": batch.conflicts,
        "changes_held": batch.changes_held,
        "changes": dict(batch.changes),
    }
    if seconds is not None:
        summary["seconds"] = round(seconds, 2)
    return summary


def import_workbook(
    batch: ImportBatch, *, only_problems: bool, language: Literal["id", "en"] = "id"
) -> Path:
    """The result workbook of a checked batch: the original rows with their status and
    problems (see :func:`.workbook.write_problems_workbook`). Built from the stored file and the
    stored results — the checks are not run again — and kept until the batch runs again."""
    if batch.status not in {ImportStatus.CHECKED, ImportStatus.COMMITTED}:
        raise ImportRequestError("IMPORT_NOT_CHECKED")
    kind = "masalah" if only_problems else "semua"
    path = Path(settings.MEDIA_ROOT) / "imports" / "results" / f"{batch.pk}-{kind}-{language}.xlsx"
    finished = batch.finished_at.timestamp() if batch.finished_at else 0.0
    if path.exists() and path.stat().st_mtime >= finished:
        return path
    table = _read(batch)
    sheet_is_null = table.frame[SHEET_COLUMN].null_count() == table.rows
    sheet = pl.lit(None, dtype=pl.String) if sheet_is_null else pl.col("sheet")
    rows = pl.DataFrame(
        list(ImportRow.objects.filter(batch=batch).values_list("sheet", "row_number", "state")),
        schema={"sheet": pl.String, "row_number": pl.Int64, "state": pl.String},
        orient="row",
    ).select(sheet.alias(SHEET_COLUMN), pl.col("row_number").alias(ROW_COLUMN), "state")
    # The parameters as their JSON text, decoded column-wise (not a dict per row).
    stored = ImportProblem.objects.filter(batch=batch).annotate(
        params_text=Cast("params", TextField())
    )
    problems = pl.DataFrame(
        list(
            stored.values_list("sheet", "row_number", "code", "severity", "column", "params_text")
        ),
        schema={
            "sheet": pl.String,
            "row_number": pl.Int64,
            "code": pl.String,
            "severity": pl.String,
            "column": pl.String,
            "params": pl.String,
        },
        orient="row",
    ).select(
        sheet.alias(SHEET_COLUMN),
        pl.col("row_number").alias(ROW_COLUMN),
        "code",
        "severity",
        pl.when(pl.col("column") == "").then(None).otherwise(pl.col("column")).alias("column"),
        "params",
    )
    with written_into_place(path) as partial:
        write_problems_workbook(
            table,
            CheckedTable(rows=rows, problems=problems),
            partial,
            only_problems=only_problems,
            language=language,
        )
    return path
