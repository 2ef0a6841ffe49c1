"""Applying a checked file to the registry, in one transaction (:func:`commit_batch`).

The plan (:mod:`.plan`) gives every row one action against the people already registered under
its NIK; here the plan is carried out: people created in bulk (:mod:`jaring.core.bulk`), people
updated with the values their row has (each change audited with its before and after, and the
file, sheet and row it came from), a staging row for every row read and a record for every
problem. The registry's write lock is taken first, so two imports never plan against the same
people at once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import RecordChange, acting_as, record_bulk_updates
from jaring.core import bulk, crypto, failpoints
from jaring.registry.fields import PERSON_FIELDS, PersonField
from jaring.registry.imports.applying.plan import (
    COMPARED,
    EXISTING_SCHEMA,
    IDENTITY,
    changes,
    counts,
    plan_actions,
)
from jaring.registry.imports.checking import CheckedTable
from jaring.registry.imports.checking.findings import PROBLEM_SCHEMA
from jaring.registry.imports.problems import params_expr
from jaring.registry.models import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    OnExisting,
    Person,
    RowAction,
    RowState,
)
from jaring.registry.names import normalize_names_expr
from jaring.registry.services import person_rows, with_ciphers
from jaring.registry.tallies import people_tally_created, people_tally_kept

if TYPE_CHECKING:
    from jaring.accounts.models import User


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

    def given(field: PersonField) -> pl.Expr:
        if field.secret:  # the NIK's blind index; the phone's cipher (the person has the NIK's)
            value = pl.col("nik_index" if field.column == "nik" else f"{field.column}_cipher")
            return pl.when(_KEEPS_VALUES).then(value).alias(value.meta.output_name())
        value = pl.col(field.column)
        # Text is never missing on a staging row (a rejected row may lack anything): blank.
        text = field.dtype == pl.String() and field.stored_as is None
        blank = (field.fill if field.fill is not None else "") if text else None
        if blank is not None:
            value = value.fill_null(blank)
        if field.max_length is not None:
            value = value.str.slice(0, field.max_length)
        kept = pl.when(_KEEPS_VALUES).then(value).otherwise(pl.lit(blank))
        return kept.alias(field.stored_as or field.column)

    return planned.select(
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.col("_sheet").fill_null("").alias("sheet"),
        pl.col("_row").alias("row_number"),
        pl.col("state"),
        pl.col("action"),
        pl.col("person_id"),
        *[given(field) for field in PERSON_FIELDS if field.written],
        pl.col("nik_cipher"),
    )


# A row held for a person's decision: its NIK is kept (encrypted) until it is decided.
_WAITS = (pl.col("state") == RowState.HELD.value) & pl.col("nik").is_not_null()
_STAGED_NIK = crypto.slot(ImportRow, "nik_cipher")
_STAGED_PHONE = crypto.slot(ImportRow, "phone_cipher")


def _with_listed_phone_ciphers(batch: ImportBatch, chunk: pl.DataFrame) -> pl.DataFrame:
    """Phone ciphers for the staging rows that keep their values (see :func:`_staging_rows`),
    and NIK ciphers for the rows held for a decision (registering one later needs its NIK),
    each bound to the staging row's key (batch, sheet, row) — not to a person's (ADR 0016)."""
    values = chunk.select(
        phone=pl.when(_KEEPS_VALUES).then("phone"), nik=pl.when(_WAITS).then("nik")
    )
    where = chunk.select(pl.col("_sheet").fill_null(""), "_row").rows()
    rows = [(batch.pk, sheet, row) for sheet, row in where]
    return chunk.with_columns(
        pl.Series(
            "phone_cipher",
            crypto.encrypt_many(values["phone"].to_list(), slot=_STAGED_PHONE, rows=rows),
            pl.Binary,
        ),
        pl.Series(
            "nik_cipher",
            crypto.encrypt_many(values["nik"].to_list(), slot=_STAGED_NIK, rows=rows),
            pl.Binary,
        ),
    )


def _problem_rows(batch: ImportBatch, problems: pl.DataFrame) -> pl.DataFrame:
    return problems.select(
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.col("_sheet").fill_null("").alias("sheet"),
        pl.col("_row").alias("row_number"),
        pl.col("code"),
        pl.col("severity"),
        pl.col("column").fill_null("").str.slice(0, 100),
        pl.col("params").fill_null("{}"),
    )


#: The problem that shows a held change of each identity field.
HELD_CHANGE_CODES = {
    "name": "PERSON_NAME_CHANGE_HELD",
    "birth_date": "PERSON_BIRTH_DATE_CHANGE_HELD",
    "sex": "PERSON_SEX_CHANGE_HELD",
}


def held_change_problems(planned: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """A problem (severity hold) for every change of a registered person's name, birth date or
    sex that a row would make: shown with the value before and after, not applied."""
    parts = [
        planned.filter(pl.col("held_changes").list.contains(field)).select(
            "_sheet",
            "_row",
            pl.lit(code).alias("code"),
            pl.lit("hold").alias("severity"),
            pl.lit(headers.get(field), dtype=pl.String).alias("column"),
            pl.col(f"after_{field}").alias("value"),
            params_expr(
                {"before": pl.col(f"before_{field}"), "after": pl.col(f"after_{field}")}
            ).alias("params"),
        )
        for field, code in HELD_CHANGE_CODES.items()
    ]
    schema: dict[str, pl.DataType] = dict(PROBLEM_SCHEMA)
    return pl.concat(parts).cast(schema).sort("_sheet", "_row", maintain_order=True)  # type: ignore[arg-type]


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
        # A change of name, birth date or sex waits for a confirmation: the registered value
        # stays (plan.IDENTITY).
        .with_columns(
            pl.when(pl.col("held_changes").list.contains(col))
            .then(pl.col(f"{col}__old"))
            .otherwise(pl.col(f"{col}__new"))
            .alias(f"{col}__new")
            for col in IDENTITY
        )
        .with_columns(
            name_normalized=pl.when(pl.col("held_changes").list.contains("name"))
            .then(normalize_names_expr(pl.col("name__new")))
            .otherwise(pl.col("name_normalized"))
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
        pl.col("region_id__new").alias("_region"),
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
        # The person's region, as every edit records it: a regional auditor sees the entry.
        context = {"import_batch": batch.pk, "file": batch.file_name, "sheet": row["_sheet"],
                   "row": row["_row"], "region": row["_region"]}  # fmt: skip
        yield RecordChange(row["person_id"], row["label"] or "", changes, context)


@dataclass(frozen=True)
class _Elsewhere:
    problems: pl.DataFrame
    now_warned: int  # accepted rows that become warnings


def _registered_elsewhere(planned: pl.DataFrame) -> tuple[pl.DataFrame, _Elsewhere]:
    """Rows whose NIK is registered outside the import's region: a neutral warning each
    (``NIK_IN_ANOTHER_REGION``, no region, no name), and an accepted row becomes a warning."""
    elsewhere = (
        pl.col("person_id").is_not_null()
        & ~pl.col("in_scope").fill_null(True)
        & (pl.col("state") != RowState.REJECTED.value)
    )
    marked = planned.with_columns(_elsewhere=elsewhere)
    now_warned = int(
        marked.filter(pl.col("_elsewhere") & (pl.col("state") == RowState.ACCEPTED.value)).height
    )
    problems = marked.filter(pl.col("_elsewhere")).select(
        "_sheet",
        "_row",
        pl.lit("NIK_IN_ANOTHER_REGION").alias("code"),
        pl.lit("warning").alias("severity"),
        pl.lit("nik").alias("column"),
        pl.lit("{}").alias("params"),
    )
    planned = marked.with_columns(
        state=pl.when(pl.col("_elsewhere") & (pl.col("state") == RowState.ACCEPTED.value))
        .then(pl.lit(RowState.WARNING.value))
        .otherwise(pl.col("state"))
    ).drop("_elsewhere")
    return planned, _Elsewhere(problems, now_warned)


class BatchMovedError(Exception):
    """The batch is no longer *committing* under this process (marked interrupted by another
    process's start, say): nothing was written."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def commit_batch(
    batch: ImportBatch, checked: CheckedTable, rows: pl.DataFrame, *, commit: bool
) -> dict[str, int]:
    """Everything that writes, in one transaction: the plan against the people registered under
    the file's NIKs, a staging row per row read and a record per problem, and — when
    ``commit`` — the people created and updated (audited). Returns the action counts.

    The batch must be *committing* under the process recorded on ``batch`` (its runner); it
    stays locked until the end, where it becomes *committed* (or *checked*) with no runner."""
    with transaction.atomic(), acting_as(batch.created_by):
        bulk.lock_table(Person)
        current = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch.pk)
            .values_list("status", "runner_host", "runner_pid", "runner_since")
            .first()
        )
        expected = (
            ImportStatus.COMMITTING,
            batch.runner_host,
            batch.runner_pid,
            batch.runner_since,
        )
        if current != expected:
            raise BatchMovedError(current[0] if current else "")
        ImportRow.objects.filter(batch=batch).delete()
        ImportProblem.objects.filter(batch=batch).delete()
        nik_indexes = rows["nik_index"].drop_nulls().unique().to_list()
        existing = _existing(nik_indexes)
        planned = plan_actions(
            rows, existing, on_existing=OnExisting(batch.on_existing), scope=batch.region.code
        )
        tally = counts(planned)
        planned, elsewhere = _registered_elsewhere(planned)
        problems = pl.concat(
            [
                checked.problems,
                elsewhere.problems,
                held_change_problems(planned, dict(checked.mapping)),
            ],
            how="diagonal_relaxed",
        )
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
                prepare=lambda chunk: _staging_rows(
                    batch, _with_listed_phone_ciphers(batch, chunk)
                ),
            ),
            bulk.FrameCopy(ImportProblem, _problem_rows(batch, problems)),
        )
        if commit:
            updated = planned.filter(pl.col("action") == RowAction.UPDATED.value)["person_id"]
            with people_tally_kept(updated.unique().to_list()):
                _apply_updates(batch, planned, existing)
            people_tally_created(first_person, int(created.sum()))
        summary = checked.summary()
        batch.rows = summary["rows"]
        batch.accepted = summary["accepted"] - elsewhere.now_warned
        batch.warnings = summary["warnings"] + elsewhere.now_warned
        batch.rejected = summary["rejected"]
        batch.held = summary["held"]
        batch.duplicates_in_file = summary["duplicates_in_file"]
        batch.changes = changes(planned)
        for name, value in tally.items():
            setattr(batch, name, value)
        batch.status = ImportStatus.COMMITTED if commit else ImportStatus.CHECKED
        batch.stage = "done"
        batch.progress_done = batch.progress_total = summary["rows"]
        batch.error_code, batch.error_params = "", {}
        batch.finished_at = timezone.now()
        batch.runner_host, batch.runner_pid, batch.runner_since = "", None, ""
        failpoints.reached("import-written")
        batch.save()
    return tally


def confirm_held_changes(
    batch: ImportBatch,
    *,
    rows: Collection[tuple[str, int]] | None,
    apply: bool,
    user: User | None,
) -> int:
    """Settle the held changes of name, birth date or sex of a committed batch — all of them,
    or those of ``rows`` ((sheet, row) pairs): ``apply`` gives each person the value the list
    had (audited, before and after, with the file, sheet and row), otherwise the registered
    value stays. Either way the change no longer waits. Returns how many rows were settled."""
    with transaction.atomic(), acting_as(user):
        bulk.lock_table(Person)
        waiting = ImportProblem.objects.filter(batch=batch, code__in=HELD_CHANGE_CODES.values())
        held = pl.DataFrame(
            list(waiting.values_list("id", "sheet", "row_number", "code")),
            schema={"problem": pl.Int64, "_sheet": pl.String, "_row": pl.Int64, "code": pl.String},
            orient="row",
        )
        if rows is not None:
            chosen = pl.DataFrame(
                list(rows), schema={"_sheet": pl.String, "_row": pl.Int64}, orient="row"
            )
            held = held.join(chosen, on=["_sheet", "_row"], how="semi")
        if held.is_empty():
            return 0
        settled = held.select("_sheet", "_row").unique()
        if apply:
            _apply_held_changes(batch, held, user)
        ImportProblem.objects.filter(pk__in=held["problem"].to_list()).delete()
        batch.changes_held = max(0, batch.changes_held - settled.height)
        batch.save(update_fields=["changes_held"])
        return settled.height


def _apply_held_changes(batch: ImportBatch, held: pl.DataFrame, user: User | None) -> None:
    """The values of the staging rows (they keep what the list said) onto their people."""
    by_code = {code: field for field, code in HELD_CHANGE_CODES.items()}
    staged = pl.DataFrame(
        list(
            ImportRow.objects.filter(batch=batch, person__isnull=False).values_list(
                "sheet", "row_number", "person_id", *IDENTITY
            )
        ),
        schema={
            "_sheet": pl.String,
            "_row": pl.Int64,
            "person_id": pl.Int64,
            "name": pl.String,
            "birth_date": pl.Date,
            "sex": pl.String,
        },
        orient="row",
    ).join(held.select("_sheet", "_row").unique(), on=["_sheet", "_row"], how="semi")
    fields = (
        held.with_columns(field=pl.col("code").replace_strict(by_code))
        .group_by("_sheet", "_row")
        .agg(pl.col("field"))
    )
    staged = staged.join(fields, on=["_sheet", "_row"])
    people = pl.DataFrame(
        list(
            Person.objects.filter(pk__in=staged["person_id"].to_list()).values_list("id", *IDENTITY)
        ),
        schema={
            "person_id": pl.Int64,
            "name__old": pl.String,
            "birth_date__old": pl.Date,
            "sex__old": pl.String,
        },
        orient="row",
    )
    staged = (
        staged.join(people, on="person_id")
        .with_columns(
            pl.when(pl.col("field").list.contains(f))
            .then(pl.col(f))
            .otherwise(pl.col(f"{f}__old"))
            .alias(f"{f}__new")
            for f in IDENTITY
        )
        .with_columns(name_normalized=normalize_names_expr(pl.col("name__new")))
    )
    with people_tally_kept(staged["person_id"].unique().to_list()):
        now = timezone.now()
        Person.objects.bulk_update(
            [
                Person(
                    pk=pk,
                    name=name,
                    birth_date=born,
                    sex=sex,
                    name_normalized=normal,
                    updated_at=now,
                )
                for pk, name, born, sex, normal in staged.select(
                    "person_id", "name__new", "birth_date__new", "sex__new", "name_normalized"
                ).iter_rows()
            ],
            [*IDENTITY, "name_normalized", "updated_at"],
            batch_size=1000,
        )

    def text(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.String).fill_null("None")

    diffs = staged.select(
        "person_id",
        "name__new",
        "_sheet",
        "_row",
        *[
            pl.when(pl.col("field").list.contains(f))
            .then(pl.concat_list(text(f"{f}__old"), text(f"{f}__new")))
            .alias(f)
            for f in IDENTITY
        ],
    )
    record_bulk_updates(
        Person,
        (
            RecordChange(
                row["person_id"],
                row["name__new"] or "",
                {f: row[f] for f in IDENTITY if row[f] is not None},
                {
                    "import_batch": batch.pk,
                    "file": batch.file_name,
                    "sheet": row["_sheet"],
                    "row": row["_row"],
                    "confirmed": True,
                },
            )
            for row in diffs.iter_rows(named=True)
        ),
        actor=user,
    )
