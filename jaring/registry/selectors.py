"""Reads of the registry, always restricted to the regions of the user asking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from jaring.core.scoping import region_in_scope, user_region_codes, within_q
from jaring.core.tallies import tally_breakdown, tally_children, tally_months, tally_totals
from jaring.registry.models import (
    ImportBatch,
    ImportRow,
    ImportStatus,
    OccupationMatch,
    PeopleTally,
    Person,
    PersonStatus,
    RowAction,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User


def people_visible(user: User | AnonymousUser, *, merged: bool = False) -> QuerySet[Person]:
    """People of the user's regions, merged duplicates left out — or only them (``merged``:
    the list's "merged into another record" filter)."""
    people = Person.objects.restrict(user)
    if merged:
        people = people.filter(status=PersonStatus.MERGED)
    else:
        people = people.exclude(status=PersonStatus.MERGED)
    return people.select_related("region", "occupation")


#: A user's regions with at least this many people are "broad" (:func:`people_scope_broad`).
BROAD_SCOPE = 10_000


def people_scope_broad(user: User | AnonymousUser) -> bool:
    """Whether the user's regions hold so many people that a list in name order is best read
    by walking the name index rather than the region index (SQLite only; see
    ``registry.paging.in_name_order``). Counted up to :data:`BROAD_SCOPE` from the region
    index (milliseconds); the whole country is never broad in this sense, it has no region
    condition. About where the two ways cost alike at a million people: ``sqrt(50 × N)``."""
    if connection.vendor != "sqlite":
        return False
    codes = user_region_codes(user)
    if not codes:
        return False
    scope = Person.objects.filter(within_q("region", codes)).order_by()
    return int(scope[:BROAD_SCOPE].count()) >= BROAD_SCOPE


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


def imports_visible(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.restrict(user).select_related("region", "created_by")


def imports_held(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    """Saved imports with rows still held for a person's decision (the home page's to-do)."""
    return imports_visible(user).filter(status=ImportStatus.COMMITTED, held__gt=0)


# --- counts from the people tally (kept current by every write; see registry.tallies) --------


def people_tally_totals(codes: Iterable[str], *, upto: int | None = None) -> dict[str, int]:
    """Registered people in each region of ``codes`` ("" is the country) at the end of month
    ``upto`` (``yyyymm``; None: now), in one query."""
    return tally_totals(PeopleTally, codes, upto=upto)


def people_tally_children(code: str, *, upto: int | None = None) -> dict[str, int]:
    """Registered people per child region of ``code`` ("" for the provinces)."""
    return tally_children(PeopleTally, code, upto=upto)


def people_tally_months(code: str) -> dict[int, int]:
    """People first registered in each month (``yyyymm``) who are still registered, in ``code``."""
    return tally_months(PeopleTally, code)


def people_tally_breakdown(code: str, *, upto: int | None = None) -> dict[str, dict[str, int]]:
    """Registered people in ``code`` by each dimension (occupation, sex, birth_year, funder):
    ``{dim: {value: n}}``. Kept down to kecamatan; a desa gets ``{}``."""
    return tally_breakdown(PeopleTally, code, upto=upto)


def people_counts_visible(
    user: User | AnonymousUser, codes: Iterable[str], *, upto: int | None = None
) -> dict[str, int]:
    """Registered people of each region in ``codes`` that ``user`` may count: the whole region
    when it lies in the user's regions, else the user's regions inside it (a desa operator sees
    their desa's people in the province's row too), else none."""
    codes = list(codes)
    scope = user_region_codes(user)
    if scope is None:
        return people_tally_totals(codes, upto=upto)
    inside: dict[str, list[str]] = {}
    for code in codes:
        if region_in_scope(user, code):
            inside[code] = [code]
        else:
            inside[code] = [s for s in scope if code == "" or s.startswith(f"{code}.")]
    totals = people_tally_totals({c for parts in inside.values() for c in parts}, upto=upto)
    return {code: sum(totals[c] for c in parts) for code, parts in inside.items()}


NEEDS_REVIEW = (OccupationMatch.FUZZY, OccupationMatch.UNCLASSIFIED)


def people_summary_visible(
    user: User | AnonymousUser, codes: Iterable[str]
) -> tuple[dict[str, int], int]:
    """For the home page: people per occupation category and how many need their occupation
    reviewed, over the regions ``codes`` as the user may see them. From the tally down to
    kecamatan; a desa's handful of people are counted from the rows."""
    codes = list(codes)
    scope = user_region_codes(user)
    parts = (
        codes
        if scope is None
        else [c for c in scope if any(c == r or c.startswith(f"{r}.") or r == "" for r in codes)]
    )
    tallied = [c for c in parts if len(c) <= 8]
    by_occupation: dict[str, int] = {}
    review = 0
    if tallied:
        rows = (
            PeopleTally.objects.filter(
                region__in=tallied, dim__in=["occupation", "occupation_match"]
            )
            .order_by()
            .values_list("dim", "value")
            .annotate(total=Sum("n"))
        )
        for dim, value, total in rows:
            if dim == "occupation":
                by_occupation[value] = by_occupation.get(value, 0) + int(total)
            elif value in NEEDS_REVIEW:
                review += int(total)
    if villages := [c for c in parts if len(c) > 8]:
        people = people_visible(user).filter(within_q("region", villages)).order_by()
        for code, n in people.values_list("occupation_id").annotate(n=Count("id")):
            by_occupation[code or ""] = by_occupation.get(code or "", 0) + n
        review += people.filter(occupation_match__in=NEEDS_REVIEW).count()
    return {k: v for k, v in by_occupation.items() if v}, review


def person_visible_to(user: User | AnonymousUser, person: Person) -> bool:
    """Whether ``user`` may see ``person`` (a check on one known row, e.g. the owner of a NIK
    someone typed again)."""
    return Person.objects.restrict(user).filter(pk=person.pk).exists()
