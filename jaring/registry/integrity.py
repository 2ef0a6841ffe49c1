"""References the database does not enforce, checked (ADR 0004).

The bulk-written columns (a person's region and occupation; a staging row's batch, person,
region and occupation) carry no foreign-key constraint, because PostgreSQL's per-row checks
would cost more than the rest of a million-row import. The import only writes codes it has
just read from those tables, and regions and categories are only ever upserted, never deleted.
This module proves the invariant on a live database: ``jaring integrity`` runs it.
"""

from __future__ import annotations

from django.db.models import Model, Q

from jaring.regions.models import Region
from jaring.registry.models import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    OccupationCategory,
    Person,
)

# (label, model, column, referenced model) for every reference without a constraint.
UNENFORCED: tuple[tuple[str, type[Model], str, type[Model]], ...] = (
    ("person.region", Person, "region_id", Region),
    ("person.occupation", Person, "occupation_id", OccupationCategory),
    ("person.source_batch", Person, "source_batch_id", ImportBatch),
    ("import_row.batch", ImportRow, "batch_id", ImportBatch),
    ("import_row.person", ImportRow, "person_id", Person),
    ("import_row.region", ImportRow, "region_id", Region),
    ("import_row.occupation", ImportRow, "occupation_id", OccupationCategory),
    ("import_problem.batch", ImportProblem, "batch_id", ImportBatch),
)


def dangling_references() -> dict[str, int]:
    """For each unenforced reference, how many rows point at something that does not exist."""
    counts = {}
    for label, model, column, target in UNENFORCED:
        existing = target._default_manager.values("pk")
        counts[label] = (
            model._default_manager.filter(~Q(**{f"{column}__in": existing}))
            .exclude(**{f"{column}__isnull": True})
            .count()
        )
    return counts
