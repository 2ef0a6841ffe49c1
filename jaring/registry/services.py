"""Writes of the registry: people in bulk, the occupation taxonomy, synonyms.

Single-record writes go through the ORM so django-auditlog records them with before/after.
Bulk writes (imports, the demo) go through :mod:`jaring.core.bulk`; their audit unit is the
import batch, whose rows keep what each list said (see ``ImportRow``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from django.db import transaction

from jaring.audit.services import acting_as
from jaring.core import bulk, crypto
from jaring.registry.fields import PERSON_FIELDS, WRITTEN, PersonField
from jaring.registry.models import (
    OccupationCategory,
    OccupationSynonym,
    Person,
    PersonStatus,
)
from jaring.registry.names import normalize_names_expr
from jaring.registry.occupations import TAXONOMY, synonym_key
from jaring.registry.tallies import people_tally_created, people_tally_kept

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.regions.models import Region


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
    """Add ``phone_cipher`` (and ``nik_cipher`` when ``nik``) for the ``phone``/``nik`` columns.

    Applied chunk by chunk while rows are copied (see :func:`jaring.core.bulk.copy_frame`)."""
    ciphers = [pl.Series("phone_cipher", crypto.encrypt_many(frame["phone"].to_list()), pl.Binary)]
    if nik:
        ciphers.append(
            pl.Series("nik_cipher", crypto.encrypt_many(frame["nik"].to_list()), pl.Binary)
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


def person_rows(people: pl.DataFrame, *, batch_id: int | None) -> pl.DataFrame:
    """``people`` (the :data:`~jaring.registry.fields.WRITTEN` columns, with ``person_id``, blind
    indexes and ciphers, and optionally ``_row``, the row of the list that named them first) as
    rows of the Person table: names normalised, timestamps set."""
    now = bulk.now_utc()
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
    missing = set(WRITTEN) - set(people.columns)
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


def person_status_change(
    *, person: Person, status: PersonStatus, user: User | None, expected: PersonStatus
) -> Person:
    """Mark a person registered again, no longer listed or deceased (audited). ``expected`` is
    the status the caller saw: a record changed meanwhile is refused, not overwritten. Merging
    has its own action (``dedup.people_merge``)."""
    if status == PersonStatus.MERGED:
        raise PersonStatusError("merge through people_merge")
    with transaction.atomic(), acting_as(user):
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.status != expected:
            raise PersonStatusError(f"status is {locked.status}, not {expected}")
        with people_tally_kept([locked.pk]):
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
    return locked
