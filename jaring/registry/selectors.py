"""Reads of the registry, always restricted to the regions of the user asking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from jaring.core.scoping import within_q
from jaring.regions.models import Region
from jaring.registry.models import ImportBatch, ImportRow, Person, PersonStatus, RowAction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User


def people_visible(user: User | AnonymousUser) -> QuerySet[Person]:
    """People of the user's regions, merged duplicates left out."""
    return (
        Person.objects.restrict(user)
        .exclude(status=PersonStatus.MERGED)
        .select_related("region", "occupation")
    )


def person_get(user: User | AnonymousUser, pk: int) -> Person:
    """One person the user may see; ``Person.DoesNotExist`` otherwise (never 'forbidden', so
    the existence of a record outside one's regions is not revealed)."""
    person: Person = (
        Person.objects.restrict(user).select_related("region__parent", "occupation").get(pk=pk)
    )
    return person


def mentions_q(people: Iterable[Person]) -> Q:
    """The list rows that name any of ``people``: the row that created each of them (found by
    its primary key, from the person's source), and every other mention (partial index)."""
    people = list(people)
    condition = Q(person__in=[p.pk for p in people]) & ~Q(action=RowAction.CREATED)
    for person in people:
        if person.source_batch_id is not None:
            condition |= Q(
                batch_id=person.source_batch_id,
                sheet=person.source_sheet,
                row_number=person.source_row,
            )
    return condition


def person_source_rows(user: User | AnonymousUser, person: Person) -> QuerySet[ImportRow]:
    """The rows of imported lists that mention ``person`` — including those of duplicates merged
    into it — oldest first."""
    merged = list(
        Person.objects.filter(merged_into=person).only("source_batch", "source_sheet", "source_row")
    )
    return (
        ImportRow.objects.restrict(user)
        .filter(mentions_q([person, *merged]))
        .select_related("batch", "batch__created_by", "occupation")
        .order_by("batch__created_at", "row_number")
    )


def people_count_within(user: User | AnonymousUser, codes: list[str]) -> dict[str, int]:
    """How many visible people live inside each of ``codes``, in one query."""
    if not codes:
        return {}
    totals = people_visible(user).aggregate(
        **{f"r{i}": Count("id", filter=within_q("region", [c])) for i, c in enumerate(codes)}
    )
    return {code: totals[f"r{i}"] for i, code in enumerate(codes)}


def people_count_by_child(user: User | AnonymousUser, region: Region | None) -> dict[str, int]:
    """Visible people per child region of ``region`` (per province when ``region`` is None).

    Child codes of one parent all have the same length (2, 5, 8 or 13 characters), so grouping
    people by that prefix of their desa code gives every child's count in one query.
    """
    # A desa has no children: its own code stands in, so the total still adds up.
    child_length = {None: 2, 1: 5, 2: 8, 3: 13, 4: 13}[region.level if region else None]
    people = people_visible(user)
    if region is not None:
        people = people.filter(within_q("region", [region.code]))
    rows = (
        people.order_by()
        .annotate(child=Substr("region_id", 1, child_length))
        .values("child")
        .annotate(n=Count("id"))
    )
    return {row["child"]: row["n"] for row in rows}


def imports_visible(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.restrict(user).select_related("region", "created_by")
