"""The import pipeline, database side: file → staging rows → checks → commit.

:func:`import_create` stores the uploaded file and records the batch; :func:`import_run` reads,
checks (:mod:`.checks`, column-wise), encrypts, and then — in **one transaction** — takes the
registry's write lock, matches NIKs against the registry (:mod:`.plan`), writes a staging row
for every row read and a record for every problem, and, unless it is a check-only run, creates
and updates people. A crash or a kill anywhere leaves either everything or nothing of the run;
running the same batch again starts from the stored file, and importing the same file again
finds every row ``unchanged``.

Progress (stage, rows done) is written outside the transaction so pages can poll it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import polars as pl
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from jaring.audit.services import RecordChange, acting_as, record_bulk_updates
from jaring.core import bulk
from jaring.core.scoping import region_in_scope
from jaring.regions.models import Region, RegionLevel
from jaring.regions.selectors import NameIndex, region_name_index
from jaring.registry.imports.checks import CheckedTable, Classifier, check_table
from jaring.registry.imports.errors import ImportFileError
from jaring.registry.imports.grid import ROW_COLUMN, SHEET_COLUMN
from jaring.registry.imports.mapping import guess_mapping
from jaring.registry.imports.plan import COMPARED, EXISTING_SCHEMA, counts, plan_actions
from jaring.registry.imports.reading import RawTable, read_table
from jaring.registry.imports.workbook import write_problems_workbook
from jaring.registry.models import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    OccupationSynonym,
    OnExisting,
    Person,
    RowAction,
    SourceMapping,
)
from jaring.registry.occupations import classify_occupations
from jaring.registry.services import person_rows, with_blind_indexes, with_ciphers

if TYPE_CHECKING:
    from jaring.accounts.models import User

logger = logging.getLogger("jaring.imports")

Progress = Callable[[str, int, int], None]


class ImportRequestError(Exception):
    """An import that cannot start: the message says why, in Indonesian and English."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        self.code, self.message_id, self.message_en = code, message_id, message_en
        super().__init__(message_id)


@dataclass(frozen=True)
class Preview:
    """What the mapping page shows before a run: headers, the proposed mapping, a few rows."""

    sheets: tuple[str, ...]
    headers: tuple[str, ...]
    mapping: dict[str, str]
    sample: list[dict[str, Any]]
    rows: int


# --- creating a batch --------------------------------------------------------------------------


def _import_region(code: str, user: User | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ImportRequestError(
            "REGION_UNKNOWN",
            f"Kode wilayah {code!r} tidak dikenal; pakai kode Kemendagri, mis. 35.71 atau "
            "35.71.01.1001.",
            f"Unknown region code {code!r}; use a Kemendagri code such as 35.71 or 35.71.01.1001.",
        )
    if region.level == RegionLevel.PROVINCE:
        raise ImportRequestError(
            "REGION_TOO_WIDE",
            f"{region.name} adalah provinsi; impor daftar per kabupaten/kota atau desa/kelurahan.",
            f"{region.name} is a province; import lists per regency/city or village.",
        )
    if user is not None and not region_in_scope(user, region.code):
        raise ImportRequestError(
            "REGION_OUT_OF_SCOPE",
            f"Wilayah {region.code} di luar wilayah kerja Anda.",
            f"Region {region.code} is outside your regions.",
        )
    return region


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
            raise ImportRequestError(
                "FILE_EMPTY", f"Berkas {file_name} kosong.", f"File {file_name} is empty."
            )
    except (ImportRequestError, _TooLargeError):
        if batch.file:
            batch.file.delete(save=False)
        if counted.size > counted.limit:
            megabytes = counted.limit // (1024 * 1024)
            raise ImportRequestError(
                "FILE_TOO_LARGE",
                f"Berkas {file_name} lebih dari {megabytes} MB; pecah menjadi beberapa berkas.",
                f"File {file_name} is larger than {megabytes} MB; split it into several files.",
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


def _read(batch: ImportBatch) -> RawTable:
    return read_table(
        Path(batch.file.path),
        file_name=batch.file_name,
        sheet=batch.sheet or None,
        max_bytes=settings.JARING_MAX_UPLOAD_BYTES,
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
    table = _read(batch)
    sample = table.frame.head(sample_rows).select(list(table.headers)).to_dicts()
    return Preview(
        sheets=tuple(table.sheets),
        headers=tuple(table.headers),
        mapping=_mapping_for(batch, table),
        sample=sample,
        rows=table.rows,
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
    """Village and kecamatan name indexes for a batch's region, and its default village."""
    regency = region.code[:5]
    if region.level == RegionLevel.VILLAGE:
        villages = region_name_index(within=regency, level=RegionLevel.VILLAGE)
        return villages, region_name_index(within=regency, level=RegionLevel.DISTRICT), region.code
    if region.level == RegionLevel.DISTRICT:
        return region_name_index(within=region.code, level=RegionLevel.VILLAGE), None, None
    return (
        region_name_index(within=region.code, level=RegionLevel.VILLAGE),
        region_name_index(within=region.code, level=RegionLevel.DISTRICT),
        None,
    )


def _classifier(regency: str) -> Classifier:
    """The occupation classifier with the kab/kota's own synonyms (they win over national)."""
    local = dict(
        OccupationSynonym.objects.filter(region_id=regency).values_list("key", "category_id")
    )
    return partial(classify_occupations, extra_synonyms=local)


def check_batch(batch: ImportBatch, table: RawTable, *, today: date) -> CheckedTable:
    villages, kecamatan, default_village = _place_indexes(batch.region)
    return check_table(
        table,
        _mapping_for(batch, table),
        villages=villages,
        kecamatan=kecamatan,
        default_village=default_village,
        classify=_classifier(batch.region.code[:5]),
        reference_date=today,
        known_regions=_known_regions(),
    )


# --- writing -----------------------------------------------------------------------------------


def _existing(nik_indexes: list[str]) -> pl.DataFrame:
    """People registered under any of ``nik_indexes`` (merged records lead to their survivor)."""
    fields = ["id", "nik_index", *COMPARED, "merged_into"]
    frame = bulk.rows_matching(
        Person,
        "nik_index",
        nik_indexes,
        fields,
        schema={**EXISTING_SCHEMA, "merged_into_id": pl.Int64()},
    )
    return frame.with_columns(person_id=pl.coalesce("merged_into_id", "person_id")).drop(
        "merged_into_id"
    )


# Whether a staging row keeps the values its list gave: all but those that created a person
# (in a check-only run nobody is created, and every row keeps them).
_KEEPS_VALUES = (pl.col("action") != RowAction.CREATED.value) | pl.col("person_id").is_null()


def _staging_rows(batch: ImportBatch, planned: pl.DataFrame) -> pl.DataFrame:
    """The staging row of every row read: where it was, its state and result, its person, and
    the values the list gave — except on a row that created its person, whose values *are*
    that person's record as created (and every later change to it is in the audit trail with
    its before and after), so they are not stored twice. Most rows of a first list create
    their person; this halves what a large import writes."""

    def given(value: pl.Expr, blank: str | None = "") -> pl.Expr:
        kept = pl.when(_KEEPS_VALUES).then(value).otherwise(pl.lit(blank))
        return kept.alias(value.meta.output_name())

    return planned.select(
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.col("_sheet").fill_null("").alias("sheet"),
        pl.col("_row").alias("row_number"),
        pl.col("state"),
        pl.col("action"),
        pl.col("person_id"),
        given(pl.col("nik_index"), None),
        given(pl.col("name").fill_null("").str.slice(0, 150)),
        given(pl.col("birth_place").fill_null("").str.slice(0, 100)),
        given(pl.col("birth_date"), None),
        given(pl.col("sex").fill_null("")),
        given(pl.col("address").fill_null("").str.slice(0, 255)),
        given(pl.col("rt_rw").fill_null("").str.slice(0, 9)),
        given(pl.col("village_code").alias("region_id"), None),
        given(pl.col("phone_cipher"), None),
        given(pl.col("occupation_text").fill_null("").str.slice(0, 200)),
        given(pl.col("occupation_code").alias("occupation_id"), None),
        given(pl.col("occupation_match").fill_null("unclassified"), "unclassified"),
        given(pl.col("income_basis"), None),
    )


def _with_listed_phone_ciphers(chunk: pl.DataFrame) -> pl.DataFrame:
    """Phone ciphers for the staging rows that keep their values (see :func:`_staging_rows`)."""
    return with_ciphers(chunk.with_columns(phone=pl.when(_KEEPS_VALUES).then("phone")), nik=False)


def _problem_rows(batch: ImportBatch, problems: pl.DataFrame) -> pl.DataFrame:
    return problems.select(
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.col("_sheet").fill_null("").alias("sheet"),
        pl.col("_row").alias("row_number"),
        pl.col("code"),
        pl.col("severity"),
        pl.col("column").fill_null("").str.slice(0, 100),
        pl.col("detail").fill_null("").str.slice(0, 500),
        pl.col("detail_en").fill_null("").str.slice(0, 500),
    )


def _apply_updates(batch: ImportBatch, planned: pl.DataFrame, existing: pl.DataFrame) -> int:
    """Give updated people the values their row has, keeping the ones it lacks; each change
    goes into the audit trail with its before and after."""
    updates = planned.filter(pl.col("action") == RowAction.UPDATED.value)
    if updates.is_empty():
        return 0
    updates = (
        with_ciphers(updates, nik=False)
        .join(existing.rename({c: f"{c}__old" for c in COMPARED}), on="person_id", how="left")
        .with_columns(
            pl.coalesce(row_col, f"{col}__old").alias(f"{col}__new")
            for col, row_col in COMPARED.items()
        )
    )
    values = updates.select(
        "person_id",
        "phone_cipher",
        "name_normalized",
        pl.col("occupation_match").fill_null("unclassified"),
        *[pl.col(f"{col}__new").alias(col) for col in COMPARED],
    )
    now = timezone.now()
    fields = [*COMPARED, "name_normalized", "occupation_match", "updated_at"]
    for has_phone in (True, False):
        # A row without a phone keeps the stored one (and its cipher, which we never read).
        part = values.filter(pl.col("phone_index").is_not_null() == has_phone)
        people = [
            Person(pk=row.pop("person_id"), updated_at=now, **row)
            for row in part.drop([] if has_phone else ["phone_cipher"]).iter_rows(named=True)
        ]
        Person.objects.bulk_update(
            people,
            [*fields, "phone_cipher"] if has_phone else [f for f in fields if f != "phone_index"],
            batch_size=1000,
        )
    record_bulk_updates(Person, _audited_changes(batch, updates), actor=batch.created_by)
    return updates.height


# The phone is left out of the trail, as in every other Person change (audit/registration.py).
_AUDITED = {
    attname: Person._meta.get_field(attname).name
    for attname in COMPARED
    if attname != "phone_index"
}


def _audited_changes(batch: ImportBatch, updates: pl.DataFrame) -> Iterator[RecordChange]:
    """``{field: [before, after]}`` of each updated person, as django-auditlog writes it (text;
    an empty value as "None"), with the file, sheet and row the change came from. Which fields
    changed is the plan's ``changed`` list."""

    def text(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.String).fill_null("None")

    diffs = updates.select(
        "person_id",
        pl.col("name__new").alias("label"),
        "_sheet",
        "_row",
        *[
            pl.when(pl.col("changed").list.contains(attname))
            .then(pl.concat_list(text(f"{attname}__old"), text(f"{attname}__new")))
            .alias(field)
            for attname, field in _AUDITED.items()
        ],
    )
    for row in diffs.iter_rows(named=True):
        changes = {field: row[field] for field in _AUDITED.values() if row[field] is not None}
        context = {"import_batch": batch.pk, "file": batch.file_name, "sheet": row["_sheet"],
                   "row": row["_row"]}  # fmt: skip
        yield RecordChange(row["person_id"], row["label"] or "", changes, context)


def _commit(
    batch: ImportBatch, checked: CheckedTable, rows: pl.DataFrame, *, commit: bool
) -> dict[str, int]:
    """Everything that writes, in one transaction. Returns the action counts."""
    with transaction.atomic(), acting_as(batch.created_by):
        bulk.lock_table(Person)
        ImportRow.objects.filter(batch=batch).delete()
        ImportProblem.objects.filter(batch=batch).delete()
        nik_indexes = rows["nik_index"].drop_nulls().unique().to_list()
        existing = _existing(nik_indexes)
        planned = plan_actions(
            rows, existing, on_existing=OnExisting(batch.on_existing), scope=batch.region.code
        )
        tally = counts(planned)
        created = planned["action"] == RowAction.CREATED.value
        if commit:
            first_person = bulk.reserve_ids(Person, int(created.sum()))
            new_ids = created.cum_sum().cast(pl.Int64) + (first_person - 1)
            planned = planned.with_columns(
                person_id=pl.when(created).then(new_ids).otherwise(pl.col("person_id"))
            )
            # An identical repeat points at the person its first occurrence made or found.
            first = planned.select(
                pl.col("_sheet").alias("duplicate_of_sheet"),
                pl.col("_row").alias("duplicate_of"),
                pl.col("person_id").alias("first_person"),
            )
            planned = (
                planned.join(
                    first,
                    on=["duplicate_of_sheet", "duplicate_of"],
                    how="left",
                    maintain_order="left",
                )
                .with_columns(person_id=pl.coalesce("person_id", "first_person"))
                .drop("first_person")
            )
            people = [
                bulk.FrameCopy(
                    Person,
                    planned.filter(created),
                    prepare=lambda chunk: person_rows(with_ciphers(chunk), batch_id=batch.pk),
                )
            ]
        else:
            planned = planned.with_columns(person_id=pl.lit(None, dtype=pl.Int64))
            people = []
        bulk.copy_frames(
            *people,
            bulk.FrameCopy(
                ImportRow,
                planned,
                prepare=lambda chunk: _staging_rows(batch, _with_listed_phone_ciphers(chunk)),
            ),
            bulk.FrameCopy(ImportProblem, _problem_rows(batch, checked.problems)),
        )
        if commit:
            _apply_updates(batch, planned, existing)
        summary = checked.summary()
        batch.rows = summary["rows"]
        batch.accepted = summary["accepted"]
        batch.warnings = summary["warnings"]
        batch.rejected = summary["rejected"]
        batch.duplicates_in_file = summary["duplicates_in_file"]
        for name, value in tally.items():
            setattr(batch, name, value)
        batch.status = ImportStatus.COMMITTED if commit else ImportStatus.CHECKED
        batch.stage = "done"
        batch.progress_done = batch.progress_total = summary["rows"]
        batch.error = ""
        batch.finished_at = timezone.now()
        batch.save()
    return tally


# --- running -----------------------------------------------------------------------------------


def _report(batch_id: int, progress: Progress | None) -> Progress:
    def report(stage: str, done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            stage=stage, progress_done=done, progress_total=total
        )
        if progress is not None:
            progress(stage, done, total)

    return report


def import_run(
    batch_id: int, *, commit: bool | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Read, check and (unless check-only) commit a batch; returns its summary.

    ``commit`` defaults to the batch's own choice (``not dry_run``). Raises
    :class:`~jaring.registry.imports.errors.ImportFileError` for a file that cannot be read;
    the batch is then marked failed with the message, and nothing else is written.
    """
    started = time.perf_counter()
    batch = ImportBatch.objects.select_related("region").get(pk=batch_id)
    commit = (not batch.dry_run) if commit is None else commit
    report = _report(batch_id, progress)
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportStatus.CHECKING, error="", finished_at=None
    )
    try:
        report("reading", 0, 0)
        table = _read(batch)
        report("checking", 0, table.rows)
        checked = check_batch(batch, table, today=timezone.localdate())
        report("protecting", checked.rows.height // 2, checked.rows.height)
        rows = with_blind_indexes(checked.rows)
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.COMMITTING)
        report("saving", checked.rows.height, checked.rows.height)
        _commit(batch, checked, rows, commit=commit)
    except ImportFileError as exc:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED, error=exc.message_id, stage="failed"
        )
        raise
    except Exception:
        logger.exception("import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED,
            error="Impor gagal karena kesalahan sistem; tidak ada data yang tersimpan. "
            "Coba lagi atau hubungi admin.",
            stage="failed",
        )
        raise
    return import_summary(
        ImportBatch.objects.get(pk=batch_id), seconds=time.perf_counter() - started
    )


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
        "rejected": batch.rejected,
        "problems": problems,
        "duplicates_in_file": batch.duplicates_in_file,
        "existing": batch.existing,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "skipped": batch.skipped,
        "conflicts": batch.conflicts,
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
        raise ImportRequestError(
            "IMPORT_NOT_CHECKED",
            "Impor ini belum selesai diperiksa.",
            "This import has not been checked yet.",
        )
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
    problems = pl.DataFrame(
        list(
            ImportProblem.objects.filter(batch=batch).values_list(
                "sheet", "row_number", "code", "severity", "column", "detail", "detail_en"
            )
        ),
        schema={
            "sheet": pl.String,
            "row_number": pl.Int64,
            "code": pl.String,
            "severity": pl.String,
            "column": pl.String,
            "detail": pl.String,
            "detail_en": pl.String,
        },
        orient="row",
    ).select(
        sheet.alias(SHEET_COLUMN),
        pl.col("row_number").alias(ROW_COLUMN),
        "code",
        "severity",
        pl.when(pl.col("column") == "").then(None).otherwise(pl.col("column")).alias("column"),
        "detail",
        "detail_en",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    write_problems_workbook(
        table,
        CheckedTable(rows=rows, problems=problems),
        partial,
        only_problems=only_problems,
        language=language,
    )
    partial.replace(path)
    return path
