"""Writes of the registry: people in bulk, the occupation taxonomy, synonyms.

Single-record writes go through the ORM so django-auditlog records them with before/after.
Bulk writes (imports, the demo) go through :mod:`jaring.core.bulk`; their audit unit is the
import batch, whose rows keep what each list said (see ``ImportRow``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk, crypto
from jaring.core.scoping import region_in_scope
from jaring.regions.models import Region, RegionLevel
from jaring.registry.editing import CheckedPerson, person_check
from jaring.registry.fields import FIELDS_BY_COLUMN, OPTIONAL, PERSON_FIELDS, WRITTEN, PersonField
from jaring.registry.models import (
    OccupationCategory,
    OccupationSynonym,
    Person,
    PersonStatus,
    StatusReason,
)
from jaring.registry.models.people import NIK_SLOT, PHONE_SLOT, STATUS_REASONS
from jaring.registry.names import normalize_names_expr
from jaring.registry.occupations import TAXONOMY, synonym_key
from jaring.registry.tallies import people_tally_created, people_tally_kept

if TYPE_CHECKING:
    from jaring.accounts.models import User


def with_blind_indexes(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``nik_index`` and ``phone_index`` (keyed hashes) for the ``nik`` and ``phone`` columns;
    nulls stay null. Needed before anything is written: they find the people already known."""
    return frame.with_columns(
        pl.Series(
            "nik_index", crypto.blind_index_many(frame["nik"].to_list(), purpose="nik"), pl.String
        ),
        pl.Series(
            "phone_index",
            crypto.blind_index_many(frame["phone"].to_list(), purpose="phone"),
            pl.String,
        ),
    )


def with_ciphers(frame: pl.DataFrame, *, nik: bool = True) -> pl.DataFrame:
    """Add ``phone_cipher`` (and ``nik_cipher`` when ``nik``) for the ``phone``/``nik`` columns,
    each bound to the person's row (``person_id``, reserved before anything is written).

    Applied chunk by chunk while rows are copied (see :func:`jaring.core.bulk.copy_frame`)."""
    rows = frame["person_id"].to_list()
    ciphers = [
        pl.Series(
            "phone_cipher",
            crypto.encrypt_many(frame["phone"].to_list(), slot=PHONE_SLOT, rows=rows),
            pl.Binary,
        )
    ]
    if nik:
        ciphers.append(
            pl.Series(
                "nik_cipher",
                crypto.encrypt_many(frame["nik"].to_list(), slot=NIK_SLOT, rows=rows),
                pl.Binary,
            )
        )
    return frame.with_columns(ciphers)


def _stored(field: PersonField) -> list[pl.Expr]:
    """The ``Person`` columns of one written field: its ciphertext and blind index for a secret
    one; otherwise the value, a missing one filled and text cut to the column's length."""
    if field.secret:
        return [pl.col(f"{field.column}_cipher"), pl.col(f"{field.column}_index")]
    value = pl.col(field.column)
    if field.column == "name":
        value = value.str.strip_chars()
    if field.fill is not None:
        value = value.fill_null(field.fill)
    if field.max_length is not None:
        value = value.str.slice(0, field.max_length)
    return [value.cast(field.dtype).alias(field.stored_as or field.column)]


def with_optional_fields(people: pl.DataFrame) -> pl.DataFrame:
    """``people`` with every optional written field it lacks, as nulls."""
    absent = [c for c in OPTIONAL if c not in people.columns]
    return people.with_columns(
        pl.lit(None, dtype=FIELDS_BY_COLUMN[c].dtype).alias(c) for c in absent
    )


def person_rows(people: pl.DataFrame, *, batch_id: int | None) -> pl.DataFrame:
    """``people`` (the :data:`~jaring.registry.fields.WRITTEN` columns, with ``person_id``, blind
    indexes and ciphers, and optionally ``_row``, the row of the list that named them first) as
    rows of the Person table: names normalised, timestamps set."""
    now = bulk.now_utc()
    people = with_optional_fields(people)
    source_row = pl.col("_row") if "_row" in people.columns else pl.lit(None, dtype=pl.Int64)
    source_sheet = (
        pl.col("_sheet").fill_null("") if "_sheet" in people.columns else pl.lit("")
    ).str.slice(0, 100)
    return people.select(
        pl.col("person_id").alias("id"),
        *[expr for f in PERSON_FIELDS if f.written for expr in _stored(f)],
        # The import checks normalise names already; the demo's generator does not.
        (
            pl.col("name_normalized")
            if "name_normalized" in people.columns
            else normalize_names_expr(pl.col("name"))
        )
        .fill_null("")
        .str.slice(0, 150)
        .alias("name_normalized"),
        pl.lit(PersonStatus.REGISTERED.value).alias("status"),
        pl.lit(batch_id, dtype=pl.Int64).alias("source_batch_id"),
        source_sheet.alias("source_sheet"),
        source_row.alias("source_row"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )


def people_bulk_create(people: pl.DataFrame, *, batch_id: int | None = None) -> pl.Series:
    """Create everyone in ``people`` in one transaction; returns their new ids in order.

    The caller guarantees the NIKs are valid and not yet in the registry (the import checks
    do); the unique index on ``nik_index`` turns a violation into an error, not a duplicate.
    """
    missing = set(WRITTEN) - set(OPTIONAL) - set(people.columns)
    if missing:
        raise ValueError(f"people frame lacks {sorted(missing)}")
    with transaction.atomic():
        bulk.lock_table(Person)
        first_id = bulk.reserve_ids(Person, people.height)
        ids = pl.int_range(first_id, first_id + people.height, dtype=pl.Int64, eager=True)
        bulk.copy_frame(
            Person,
            with_blind_indexes(people).with_columns(person_id=ids),
            prepare=lambda chunk: person_rows(with_ciphers(chunk), batch_id=batch_id),
        )
        people_tally_created(first_id, people.height)
    return ids.alias("id")


def occupation_taxonomy_sync(*, using: str = "default") -> int:
    """Make the categories and national synonyms in the database equal :data:`TAXONOMY`.

    Idempotent; categories are upserted (never deleted, people may point at them) and national
    synonyms replaced. Local synonyms added by kab/kota admins are left alone.
    """
    with transaction.atomic(using=using):
        OccupationCategory.objects.using(using).bulk_create(
            [
                OccupationCategory(
                    code=spec.code,
                    name=spec.name,
                    group=spec.group,
                    is_transport=spec.is_transport,
                    sort_order=spec.sort_order,
                )
                for spec in TAXONOMY
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "group", "is_transport", "sort_order"],
        )
        OccupationSynonym.objects.using(using).filter(region__isnull=True).delete()
        seen: set[str] = set()
        synonyms = []
        for spec in TAXONOMY:
            for text in spec.synonyms:
                key = synonym_key(text)
                if key and key not in seen:
                    seen.add(key)
                    synonyms.append(OccupationSynonym(category_id=spec.code, text=text, key=key))
        OccupationSynonym.objects.using(using).bulk_create(synonyms)
    return len(TAXONOMY)


def occupation_synonym_add(
    *, user: User, region: Region, text: str, category: OccupationCategory
) -> OccupationSynonym:
    """A kab/kota admin teaches Jaring how their lists write an occupation (audited)."""
    key = synonym_key(text)
    if not key:
        raise ValueError("empty synonym")
    with acting_as(user):
        synonym, _created = OccupationSynonym.objects.update_or_create(
            key=key,
            region=region,
            defaults={"text": text.strip(), "category": category, "created_by": user},
        )
    return synonym


class PersonStatusError(ValueError):
    """A status change that cannot be made; nothing was changed."""


class PersonEditError(ValueError):
    """A person typed on a page that cannot be saved (``checked.problems`` say why, or
    ``code``: ``NIK_REGISTERED``, ``OUT_OF_SCOPE``, ``CHANGED``); nothing was written."""

    def __init__(
        self, code: str, *, checked: CheckedPerson | None = None, person: Person | None = None
    ) -> None:
        self.code, self.checked, self.person = code, checked, person
        super().__init__(code)


def _village(user: User | None, code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if village is None or (user is not None and not region_in_scope(user, village.code)):
        raise PersonEditError("OUT_OF_SCOPE")
    return village


def _person_fields(person: Person, values: Mapping[str, Any], *, nik: bool) -> None:
    """Set ``person``'s columns from checked ``values`` (every written field of
    :data:`~jaring.registry.fields.PERSON_FIELDS`, the NIK only when ``nik``)."""
    for spec in PERSON_FIELDS:
        if not spec.written or (spec.column == "nik" and not nik):
            continue
        value = values.get(spec.column)
        if spec.column == "nik":
            person.set_nik(str(value))
        elif spec.column == "phone":
            person.set_phone(value or "")
        else:
            if value is None and spec.fill is not None:
                value = spec.fill
            if isinstance(value, str) and spec.max_length is not None:
                value = value[: spec.max_length]
            setattr(person, spec.stored_as or spec.column, value)
    person.name_normalized = (values.get("name_normalized") or "")[:150]


def person_add(
    *, user: User | None, typed: Mapping[str, str], village_code: str
) -> tuple[Person, CheckedPerson]:
    """Register one newly found worker, checked as an import row is (:mod:`.editing`); a NIK
    already registered is refused (the page links to that person when the user may see them).
    Audited as a creation; the people tally counts them at once."""
    village = _village(user, village_code)
    checked = person_check(typed, village=village)
    if checked.refused:
        raise PersonEditError("INVALID", checked=checked)
    with transaction.atomic(), acting_as(user):
        index = crypto.blind_index(checked.values["nik"], purpose="nik")
        existing = Person.objects.filter(nik_index=index).first()
        if existing is not None:
            raise PersonEditError("NIK_REGISTERED", checked=checked, person=existing)
        # The id first: the NIK and phone are encrypted for this row (ADR 0016).
        bulk.lock_table(Person)
        person = Person(pk=bulk.reserve_ids(Person, 1), status=PersonStatus.REGISTERED)
        _person_fields(person, checked.values, nik=True)
        person.save(force_insert=True)
        people_tally_created(person.pk, 1)
    return person, checked


def person_update(
    *,
    user: User | None,
    person: Person,
    typed: Mapping[str, str],
    village_code: str,
    expected_updated: str,
) -> tuple[Person, CheckedPerson]:
    """Correct one person's fields (never the NIK: another NIK is another person), checked as an
    import row is. ``expected_updated`` is the ``updated_at`` the user saw: a person changed
    meanwhile is refused, not overwritten. Audited with before and after."""
    village = _village(user, village_code)
    checked = person_check({**typed, "nik": person.nik}, village=village)
    if checked.refused:
        raise PersonEditError("INVALID", checked=checked)
    with transaction.atomic(), acting_as(user):
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.updated_at.isoformat() != expected_updated:
            raise PersonEditError("CHANGED", person=locked)
        if locked.status == PersonStatus.MERGED:
            raise PersonEditError("CHANGED", person=locked)
        with people_tally_kept([locked.pk]):
            _person_fields(locked, checked.values, nik=False)
            locked.save()
    return locked, checked


def person_status_change(
    *,
    person: Person,
    status: PersonStatus,
    user: User | None,
    expected: PersonStatus,
    reason: StatusReason | str = "",
    on: date | None = None,
    note: str = "",
) -> Person:
    """Mark a person registered again, no longer listed or deceased (audited). ``expected`` is
    the status the caller saw: a record changed meanwhile is refused, not overwritten. Merging
    has its own action (``dedup.people_merge``).

    ``reason`` says why (moved away, formal work, declined; a death needs none) and ``on``
    since when (the date of death; today if not given); neither may contradict the status, and
    ``on`` is not in the future nor before the birth date. Registered again clears them. Inactive
    and deceased people leave the working lists, and the tally from the month of ``on`` (the
    months before still count them)."""
    if status == PersonStatus.MERGED:
        raise PersonStatusError("merge through people_merge")
    status = PersonStatus(status)
    if status == PersonStatus.DECEASED and not reason:
        reason = StatusReason.DECEASED
    if reason and StatusReason(reason) not in STATUS_REASONS[status]:
        raise PersonStatusError(f"reason {reason} does not fit status {status}")
    if on is not None and on > timezone.localdate():
        raise PersonStatusError("date in the future")
    with transaction.atomic(), acting_as(user):
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.status != expected:
            raise PersonStatusError(f"status is {locked.status}, not {expected}")
        if on is not None and locked.birth_date is not None and on < locked.birth_date:
            raise PersonStatusError("date before the birth date")
        with people_tally_kept([locked.pk]):
            locked.status = status
            registered = status == PersonStatus.REGISTERED
            locked.status_reason = "" if registered else str(reason)
            # The day they left (today unless given): the tally counts them up to that month.
            locked.status_date = None if registered else (on or timezone.localdate())
            locked.status_note = "" if registered else note.strip()[:200]
            locked.save(
                update_fields=[
                    "status",
                    "status_reason",
                    "status_date",
                    "status_note",
                    "updated_at",
                ]
            )
    return locked
