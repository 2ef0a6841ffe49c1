"""Hand changes to a draft: a reviewer takes people out (with a reason) or puts them in (with a
note); the draft is fitted again to its quota and budget from its own stored rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk
from jaring.programmes import eligibility
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.models import (
    ChangeReason,
    Decree,
    DecreeEntry,
    DecreeStatus,
    EntryStatus,
    ProgrammeCategory,
)
from jaring.registry.models import (
    Person,
    PersonStatus,
)
from jaring.rules.programmes import (
    MANUAL_REMOVAL_REASONS,
    NOT_ELIGIBLE,
    Ineligible,
)

if TYPE_CHECKING:
    from jaring.accounts.models import User


from jaring.programmes.services.drafting import _inputs, _terms, _totals


def _require_draft(decree: Decree) -> Decree:
    decree = Decree.objects.select_for_update().get(pk=decree.pk)
    if decree.status != DecreeStatus.DRAFT:
        raise ProgrammeError(
            "DECREE_SIGNED",
            version=decree.version,
            date=decree.signed_on,
            number=decree.number,
        )
    return decree


def _refit(decree: Decree, user: User | None) -> None:
    """Fit the draft's stored rows to its quota and budget again after a hand change: the
    same ranking, without reading the registry (a few hundred thousand rows at most)."""
    rows = bulk.read_frame(
        DecreeEntry.objects.order_by()
        .filter(decree=decree)
        .exclude(status=EntryStatus.EXCLUDED)
        .values_list("person_id", "status", "reasons", "rank", "occupation_id", "cost"),
        {
            "person_id": pl.Int64(),
            "status": pl.String(),
            "reasons": pl.Int64(),
            "rank": pl.Int64(),
            "occupation_id": pl.String(),
            "cost": pl.Int64(),
        },
    )
    quotas = dict(
        ProgrammeCategory.objects.filter(programme_id=decree.programme_id).values_list(
            "category_id", "quota"
        )
    )
    limit_bits = int(Ineligible.QUOTA_CATEGORY | Ineligible.QUOTA | Ineligible.BUDGET)
    added = pl.col("status") == EntryStatus.ADDED
    ranked = (
        rows.filter(pl.col("status") != EntryStatus.REMOVED)
        .with_columns(
            category_quota=pl.col("occupation_id").replace_strict(
                quotas, default=None, return_dtype=pl.Int64
            )
        )
        .sort([added, pl.col("rank")], descending=[True, False], nulls_last=True)
    )
    fits = (
        pl.col("category_quota").is_null()
        | (pl.int_range(1, pl.len() + 1).over("occupation_id") <= pl.col("category_quota"))
        | added
    )
    ranked = ranked.with_columns(fits_category=fits)
    fits_quota = pl.col("fits_category")
    if decree.quota is not None:
        fits_quota = fits_quota & (
            (pl.col("fits_category").cast(pl.Int64).cum_sum() <= decree.quota) | added
        )
    ranked = ranked.with_columns(fits_quota=fits_quota)
    fits_budget = pl.col("fits_quota")
    if decree.budget is not None:
        spent = (pl.col("cost") * pl.col("fits_quota").cast(pl.Int64)).cum_sum()
        fits_budget = fits_budget & ((spent <= decree.budget) | added)
    ranked = ranked.with_columns(fits_budget=fits_budget).with_columns(
        new_status=pl.when(added)
        .then(pl.lit(EntryStatus.ADDED.value))
        .when(pl.col("fits_budget"))
        .then(pl.lit(EntryStatus.INCLUDED.value))
        .otherwise(pl.lit(EntryStatus.OVER_LIMIT.value)),
        new_bits=(pl.col("reasons") & ~limit_bits)
        | pl.when(~pl.col("fits_category"))
        .then(int(Ineligible.QUOTA_CATEGORY))
        .when(~pl.col("fits_quota"))
        .then(int(Ineligible.QUOTA))
        .when(~pl.col("fits_budget"))
        .then(int(Ineligible.BUDGET))
        .otherwise(0),
    )
    changed = ranked.filter(
        (pl.col("new_status") != pl.col("status")) | (pl.col("new_bits") != pl.col("reasons"))
    )
    for (status, bits), group in changed.group_by(["new_status", "new_bits"]):
        ids = group["person_id"].to_list()
        for start in range(0, len(ids), 10_000):
            DecreeEntry.objects.filter(
                decree=decree, person_id__in=ids[start : start + 10_000]
            ).update(status=status, reasons=bits, reason=_first_bit(int(bits)))
    del user


def _first_bit(bits: int) -> int:
    for flag in Ineligible:
        if bits & flag:
            return int(flag)
    return 0


def entry_remove(
    *, user: User | None, decree: Decree, person_id: int, reason: str, note: str = ""
) -> DecreeEntry:
    """Take a person out of a draft by hand, with a reason (one of
    :data:`jaring.rules.programmes.MANUAL_REMOVAL_REASONS`); the next ranked person moves in
    if the quota or budget allows."""
    if reason not in MANUAL_REMOVAL_REASONS:
        raise ProgrammeError(
            "REASON_REQUIRED",
            allowed=", ".join(str(ChangeReason(r).label) for r in MANUAL_REMOVAL_REASONS),
        )
    if reason == "other" and not note.strip():
        raise ProgrammeError("NOTE_REQUIRED")
    with transaction.atomic(), acting_as(user):
        decree = _require_draft(decree)
        entry = _entry(decree, person_id, user)
        before = entry.status
        entry.status = EntryStatus.REMOVED
        entry.change_reason, entry.change_note = reason, note.strip()[:300]
        entry.changed_by, entry.changed_at = user, timezone.now()
        entry.save()
        _refit(decree, user)
        _totals(decree)
        decree.save()
        _audit_entry(decree, entry, before, user)
    return entry


def entry_add(*, user: User | None, decree: Decree, person_id: int, note: str) -> DecreeEntry:
    """Put a person into a draft by hand, with a note saying why. Whatever rule they fail
    stays in their explanation; a deceased person or a merged record cannot be added."""
    if not note.strip():
        raise ProgrammeError("NOTE_REQUIRED")
    with transaction.atomic(), acting_as(user):
        decree = _require_draft(decree)
        entry = DecreeEntry.objects.filter(decree=decree, person_id=person_id).first()
        if entry is None:
            # Not considered at all (lives elsewhere): judge them alone, then add.
            entry = _judge_one(decree, person_id, user)
        person = Person.objects.get(pk=person_id)
        if person.status in {PersonStatus.DECEASED, PersonStatus.MERGED}:
            raise ProgrammeError(
                "PERSON_CANNOT_BE_ADDED", name=person.name, status=person.get_status_display()
            )
        before = entry.status
        entry.status = EntryStatus.ADDED
        entry.change_reason, entry.change_note = ChangeReason.ADDED_BY_HAND, note.strip()[:300]
        entry.changed_by, entry.changed_at = user, timezone.now()
        entry.save()
        _refit(decree, user)
        _totals(decree)
        decree.save()
        _audit_entry(decree, entry, before, user)
    return entry


def entry_restore(*, user: User | None, decree: Decree, person_id: int) -> DecreeEntry:
    """Undo a hand change: the person goes back to what the rules say."""
    with transaction.atomic(), acting_as(user):
        decree = _require_draft(decree)
        entry = _entry(decree, person_id, user)
        before = entry.status
        eligible = not (entry.reasons & int(NOT_ELIGIBLE))
        entry.status = EntryStatus.OVER_LIMIT if eligible else EntryStatus.EXCLUDED
        entry.change_reason, entry.change_note = "", ""
        entry.changed_by, entry.changed_at = user, timezone.now()
        entry.save()
        _refit(decree, user)
        _totals(decree)
        decree.save()
        _audit_entry(decree, entry, before, user)
    return entry


def _entry(decree: Decree, person_id: int, user: User | None) -> DecreeEntry:
    entries = DecreeEntry.objects.filter(decree=decree, person_id=person_id)
    if user is not None:
        entries = entries.restrict(user)
    entry = entries.first()
    if entry is None:
        raise ProgrammeError("PERSON_NOT_IN_DRAFT")
    return entry


def _judge_one(decree: Decree, person_id: int, user: User | None) -> DecreeEntry:
    person = Person.objects.filter(pk=person_id)
    if user is not None:
        person = person.restrict(user)
    if not person.exists():
        raise ProgrammeError("PERSON_NOT_IN_DRAFT")
    programme = decree.programme
    manual = pl.DataFrame(schema=eligibility.MANUAL_SCHEMA)
    inputs = _inputs(programme, decree, decree.previous, manual)
    one = eligibility.Inputs(
        people=bulk.read_frame(
            person.values_list(
                "id", "region_id", "occupation_id", "birth_date", "status", "nik_index"
            ),
            eligibility.PEOPLE_SCHEMA,
        ),
        categories=inputs.categories,
        transport_codes=inputs.transport_codes,
        incumbents=inputs.incumbents,
        exclusions=inputs.exclusions,
        deciles=inputs.deciles,
        covered_elsewhere=inputs.covered_elsewhere,
        near_pairs=inputs.near_pairs,
    )
    result = eligibility.evaluate(one, _terms(programme, decree))
    bulk.copy_frame(
        DecreeEntry,
        result.select(
            pl.lit(decree.pk, pl.Int64).alias("decree_id"),
            *[pl.col(c) for c in eligibility.RESULT_COLUMNS],
        ),
    )
    return DecreeEntry.objects.get(decree=decree, person_id=person_id)


def _audit_entry(decree: Decree, entry: DecreeEntry, before: str, user: User | None) -> None:
    from jaring.audit.services import RecordChange, record_bulk_updates

    record_bulk_updates(
        Decree,
        [
            RecordChange(
                pk=decree.pk,
                label=str(decree),
                changes={f"entry {entry.person_id}": [before, entry.status]},
                context={
                    "region": decree.programme.region_id,
                    "reason": entry.change_reason,
                    "note": entry.change_note,
                },
            )
        ],
        actor=user,
    )
