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
from jaring.registry.models import (
    OccupationCategory,
    OccupationMatch,
    OccupationSynonym,
    Person,
    PersonStatus,
)
from jaring.registry.names import normalize_names_expr
from jaring.registry.occupations import TAXONOMY, synonym_key

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.regions.models import Region

# Columns a caller supplies to create people in bulk.
PEOPLE_COLUMNS = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "rt_rw",
    "village_code",
    "phone",
    "occupation_text",
    "occupation_code",
    "occupation_match",
    "income_basis",
)


def protect_identity_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``nik_cipher``/``nik_index`` and ``phone_cipher``/``phone_index`` for the ``nik`` and
    ``phone`` columns (nulls stay null). Done once per import: staging rows and people share
    the cipher text."""
    niks = frame["nik"].to_list()
    phones = frame["phone"].to_list()
    return frame.with_columns(
        pl.Series("nik_cipher", crypto.encrypt_many(niks), dtype=pl.Binary),
        pl.Series("nik_index", crypto.blind_index_many(niks, purpose="nik"), dtype=pl.String),
        pl.Series("phone_cipher", crypto.encrypt_many(phones), dtype=pl.Binary),
        pl.Series("phone_index", crypto.blind_index_many(phones, purpose="phone"), dtype=pl.String),
    )


def person_rows(
    people: pl.DataFrame, *, first_id: int, batch_id: int | None, source_rows: pl.Series | None
) -> pl.DataFrame:
    """``people`` (see :data:`PEOPLE_COLUMNS`, after :func:`protect_identity_columns`) as rows
    of the Person table, ids from ``first_id``: names normalised, timestamps set."""
    now = bulk.now_utc()
    return people.select(
        pl.int_range(first_id, first_id + people.height, dtype=pl.Int64).alias("id"),
        pl.col("nik_cipher"),
        pl.col("nik_index"),
        pl.col("name").str.strip_chars(),
        # The import checks normalise names already; the demo's generator does not.
        (
            pl.col("name_normalized")
            if "name_normalized" in people.columns
            else normalize_names_expr(pl.col("name"))
        )
        .fill_null("")
        .str.slice(0, 150)
        .alias("name_normalized"),
        pl.col("birth_place").fill_null(""),
        pl.col("birth_date"),
        pl.col("sex"),
        pl.col("address").fill_null("").str.slice(0, 255),
        pl.col("rt_rw").fill_null(""),
        pl.col("village_code").alias("region_id"),
        pl.col("phone_cipher"),
        pl.col("phone_index"),
        pl.col("occupation_text").fill_null("").str.slice(0, 200),
        pl.col("occupation_code").alias("occupation_id"),
        pl.col("occupation_match").fill_null(OccupationMatch.UNCLASSIFIED.value),
        pl.col("income_basis").fill_null(1_000_000).cast(pl.Int64),
        pl.lit(PersonStatus.REGISTERED.value).alias("status"),
        pl.lit(batch_id, dtype=pl.Int64).alias("source_batch_id"),
        (source_rows if source_rows is not None else pl.lit(None, dtype=pl.Int64)).alias(
            "source_row"
        ),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )


def people_bulk_create(
    people: pl.DataFrame, *, batch_id: int | None = None, source_rows: pl.Series | None = None
) -> pl.Series:
    """Create everyone in ``people`` in one transaction; returns their new ids in order.

    The caller guarantees the NIKs are valid and not yet in the registry (the import checks
    do); the unique index on ``nik_index`` turns a violation into an error, not a duplicate.
    """
    missing = set(PEOPLE_COLUMNS) - set(people.columns)
    if missing:
        raise ValueError(f"people frame lacks {sorted(missing)}")
    with transaction.atomic():
        bulk.lock_table(Person)
        first_id = bulk.reserve_ids(Person, people.height)
        rows = person_rows(
            protect_identity_columns(people),
            first_id=first_id,
            batch_id=batch_id,
            source_rows=source_rows,
        )
        bulk.copy_frame(Person, rows)
    return rows["id"]


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
                    name_en=spec.name_en,
                    group=spec.group,
                    is_transport=spec.is_transport,
                    sort_order=spec.sort_order,
                )
                for spec in TAXONOMY
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "name_en", "group", "is_transport", "sort_order"],
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
