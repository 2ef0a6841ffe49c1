"""Drafting a decree version: the registry judged column-wise, the result written by COPY.

The people of the programme's region (and the members of the previous version) are read as
one frame (:func:`jaring.core.bulk.read_frame`), judged by :mod:`jaring.programmes.eligibility`
and written as the draft's :class:`~jaring.programmes.models.DecreeEntry` rows
(:func:`jaring.core.bulk.copy_frame`). A new computation keeps the hand changes of the draft.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk
from jaring.core.scoping import region_in_scope, within_q
from jaring.programmes import eligibility
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.models import (
    DEFAULT_CRITERIA,
    MEMBER_STATUSES,
    Decree,
    DecreeEntry,
    DecreeMember,
    DecreeStatus,
    EntryStatus,
    Membership,
    Programme,
    ProgrammeCategory,
    ProgrammePriority,
    ReferenceEntry,
    ReferenceKind,
)
from jaring.registry.matching import DEFAULT_THRESHOLD
from jaring.registry.models import (
    CandidateStatus,
    MatchCandidate,
    OccupationCategory,
    Person,
)
from jaring.rules.months import Month
from jaring.rules.programmes import (
    NOT_ELIGIBLE,
    REMOVAL_OF_FLAG,
    Ineligible,
    cohort_cost,
    reason_key,
)

if TYPE_CHECKING:
    from jaring.accounts.models import User


from jaring.programmes.services.programmes import _check, terms_of

# --- drafting -------------------------------------------------------------------------------


@dataclass
class DraftSummary:
    """What ``jaring sk draft --json`` prints."""

    sk: int
    version: int
    people: int
    eligible: int
    over_quota: int
    excluded: dict[str, int]
    monthly_iuran: int
    total_iuran: int
    considered: int = 0
    first_month: str = ""
    last_month: str = ""
    months: int = 0
    removed_by_hand: int = 0
    added_by_hand: int = 0
    cautions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _latest_signed(programme: Programme) -> Decree | None:
    return (
        Decree.objects.filter(programme=programme, status=DecreeStatus.SIGNED)
        .order_by("-version")
        .first()
    )


def _version_period(
    programme: Programme, previous: Decree | None, first: Month | None
) -> tuple[Month, Month]:
    end = programme.end
    if previous is None:
        start = first or programme.start
        if start < programme.start:
            raise ProgrammeError("VERSION_START_TOO_EARLY", first=programme.start, month=start)
    else:
        previous_first = Month.of(previous.first_month)
        previous_last = Month.of(previous.last_month)
        if first is None:
            first = previous_last + 1 if previous_last < end else Month.of(timezone.localdate())
            first = max(first, previous_first + 1)
        start = first
        if start <= previous_first:
            raise ProgrammeError("VERSION_START_TOO_EARLY", first=previous_first, month=start)
    if start > end:
        raise ProgrammeError("VERSION_START_AFTER_END", end=end, month=start)
    return start, end


def _candidate_ids_q(programme: Programme, previous: Decree | None, manual: Sequence[int]) -> Q:
    condition = within_q("region", [programme.region_id])
    if previous is not None:
        condition |= Q(pk__in=DecreeMember.objects.filter(decree=previous).values("person_id"))
    if manual:
        condition |= Q(pk__in=list(manual))
    return condition


def _inputs(
    programme: Programme, decree: Decree, previous: Decree | None, manual: pl.DataFrame
) -> eligibility.Inputs:
    candidates = Person.objects.order_by().filter(
        _candidate_ids_q(programme, previous, manual["person_id"].to_list())
    )
    people = bulk.read_frame(
        candidates.values_list(
            "id", "region_id", "occupation_id", "birth_date", "status", "nik_index"
        ),
        eligibility.PEOPLE_SCHEMA,
    )
    categories = pl.DataFrame(
        list(
            ProgrammeCategory.objects.filter(programme=programme).values_list(
                "category_id", "quota", "priority"
            )
        ),
        schema=eligibility.CATEGORY_SCHEMA,
        orient="row",
    )
    exclusions = bulk.read_frame(
        ReferenceEntry.objects.order_by()
        .filter(reference_list__in=programme.exclusion_lists.all())
        .values_list("nik_index", "reference_list_id"),
        eligibility.EXCLUSION_SCHEMA,
    )
    deciles = None
    if programme.decile_list_id is not None:
        deciles = bulk.read_frame(
            ReferenceEntry.objects.order_by()
            .filter(reference_list_id=programme.decile_list_id, decile__isnull=False)
            .values_list("nik_index", "decile"),
            eligibility.DECILE_SCHEMA,
        )
    covered = bulk.read_frame(
        Membership.objects.order_by()
        .overlapping(decree.first_month, decree.last_month)
        .exclude(programme=programme)
        .filter(person_id__in=candidates.values("id"))
        .values_list("person_id", "programme_id"),
        eligibility.COVERED_SCHEMA,
    )
    pairs = bulk.read_frame(
        MatchCandidate.objects.order_by()
        .filter(status=CandidateStatus.OPEN, probability__gte=DEFAULT_THRESHOLD)
        .filter(
            within_q("person_low__region", [programme.region_id])
            | within_q("person_high__region", [programme.region_id])
        )
        .values_list("person_low_id", "person_high_id"),
        eligibility.PAIR_SCHEMA,
    )
    incumbents = (
        bulk.read_frame(
            DecreeMember.objects.order_by().filter(decree=previous).values_list("person_id"),
            {"person_id": pl.Int64()},
        )["person_id"]
        if previous is not None
        else pl.Series("person_id", [], pl.Int64)
    )
    transport = frozenset(
        OccupationCategory.objects.filter(is_transport=True).values_list("code", flat=True)
    )
    return eligibility.Inputs(
        people=people,
        categories=categories,
        transport_codes=transport,
        incumbents=incumbents,
        exclusions=exclusions,
        deciles=deciles,
        covered_elsewhere=covered,
        near_pairs=pairs,
        manual=manual,
    )


def _terms(programme: Programme, decree: Decree) -> eligibility.Terms:
    terms = terms_of(programme)
    first, last = Month.of(decree.first_month), Month.of(decree.last_month)
    transport = cohort_cost(
        terms, income=programme.income_basis, sector="transport", first=first, last=last
    )
    other = cohort_cost(
        terms, income=programme.income_basis, sector="other", first=first, last=last
    )
    criteria = list(
        ProgrammePriority.objects.filter(programme=programme).values_list("criterion", flat=True)
    ) or [str(c) for c in DEFAULT_CRITERIA]
    return eligibility.Terms(
        region_code=programme.region_id,
        first_month=decree.first_month,
        age_min=programme.age_min,
        age_max=programme.age_max,
        income_basis=programme.income_basis,
        quota=programme.quota,
        budget=programme.budget,
        criteria=criteria,
        cost_transport=transport.per_person,
        cost_other=other.per_person,
        first_iuran_transport=transport.first_month_iuran,
        first_iuran_other=other.first_month_iuran,
    )


def _manual_changes(decree: Decree | None) -> pl.DataFrame:
    if decree is None:
        return pl.DataFrame(schema=eligibility.MANUAL_SCHEMA)
    rows = list(
        DecreeEntry.objects.filter(
            decree=decree, status__in=[EntryStatus.ADDED, EntryStatus.REMOVED]
        ).values_list(
            "person_id", "status", "change_reason", "change_note", "changed_by_id", "changed_at"
        )
    )
    return pl.DataFrame(rows, schema=eligibility.MANUAL_SCHEMA, orient="row")


def leave_reasons(entries: pl.DataFrame, exclusion_kinds: Mapping[int, str]) -> pl.Expr:
    """For rows of a version's entries: why a person is not in it (a removal reason), or
    ``continued`` when they are. Needs ``status``, ``reason``, ``change_reason`` and
    ``exclusion_list_id``."""
    del entries  # the expression reads the frame it is used on
    mapping = {int(flag): reason for flag, reason in REMOVAL_OF_FLAG.items()}
    wage_lists = [k for k, v in exclusion_kinds.items() if v == ReferenceKind.WAGE_EARNER]
    by_rule = pl.col("reason").replace_strict(mapping, default="other", return_dtype=pl.String)
    return (
        pl.when(pl.col("status").is_in([s.value for s in MEMBER_STATUSES]))
        .then(pl.lit("continued"))
        .when(pl.col("status") == EntryStatus.REMOVED)
        .then(pl.col("change_reason"))
        .when(
            (pl.col("reason") == int(Ineligible.EXCLUSION_LIST))
            & pl.col("exclusion_list_id").is_in(wage_lists)
        )
        .then(pl.lit("formal_work"))
        .otherwise(by_rule)
    )


def _write_entries(decree: Decree, result: pl.DataFrame) -> None:
    DecreeEntry.objects.filter(decree=decree).delete()
    bulk.copy_frame(
        DecreeEntry,
        result.select(
            pl.lit(decree.pk, pl.Int64).alias("decree_id"),
            *[pl.col(c) for c in eligibility.RESULT_COLUMNS],
        ),
    )


def _totals(decree: Decree) -> None:
    """Refresh the decree's counts and iuran from its entries (one grouped query)."""
    rows = (
        DecreeEntry.objects.filter(decree=decree)
        .order_by()
        .values("status")
        .annotate(n=Count("person"), cost=Sum("cost"), first=Sum("first_iuran"))
    )
    by_status = {r["status"]: r for r in rows}

    def n(*statuses: str) -> int:
        return sum(int(by_status[s]["n"]) for s in statuses if s in by_status)

    members = [by_status[s] for s in MEMBER_STATUSES if s in by_status]
    decree.considered = n(*EntryStatus.values)
    decree.people = n(*MEMBER_STATUSES)
    decree.over_limit = n(EntryStatus.OVER_LIMIT)
    decree.not_eligible = n(EntryStatus.EXCLUDED)
    decree.eligible = _eligible_count(decree)
    decree.monthly_iuran = sum(r["first"] or 0 for r in members)
    decree.total_iuran = sum(r["cost"] or 0 for r in members)
    decree.computed_at = timezone.now()


def _eligible_count(decree: Decree) -> int:
    """Eligible people: every rule met (within or beyond the limits), removed by hand or not."""
    return (
        DecreeEntry.objects.filter(decree=decree)
        .annotate(failed=F("reasons").bitand(int(NOT_ELIGIBLE)))
        .filter(failed=0)
        .count()
    )


def draft_summary(decree: Decree, seconds: float = 0.0) -> DraftSummary:
    excluded = {
        reason_key(Ineligible(r["reason"])): r["n"]
        for r in DecreeEntry.objects.filter(decree=decree, status=EntryStatus.EXCLUDED)
        .order_by("reason")
        .values("reason")
        .annotate(n=Count("person"))
    }
    statuses = dict(
        DecreeEntry.objects.filter(decree=decree)
        .order_by()
        .values_list("status")
        .annotate(n=Count("person"))
    )
    return DraftSummary(
        sk=decree.pk,
        version=decree.version,
        people=decree.people,
        eligible=decree.eligible,
        over_quota=decree.over_limit,
        excluded=excluded,
        monthly_iuran=decree.monthly_iuran,
        total_iuran=decree.total_iuran,
        considered=decree.considered,
        first_month=f"{decree.first_month:%Y-%m}",
        last_month=f"{decree.last_month:%Y-%m}",
        months=decree.months,
        removed_by_hand=statuses.get(EntryStatus.REMOVED, 0),
        added_by_hand=statuses.get(EntryStatus.ADDED, 0),
        seconds=seconds,
    )


def decree_draft(
    *, user: User | None, programme: Programme, first_month: Month | None = None
) -> Decree:
    """Compute the draft of the programme's next decree version (or recompute the open
    draft, keeping its hand changes). After a signed version the draft is the next version,
    starting at ``first_month`` (default: the month after the signed one ends)."""
    if user is not None and not region_in_scope(user, programme.region_id):
        raise ProgrammeError("REGION_OUT_OF_SCOPE", code=programme.region_id)
    _check(programme)
    with transaction.atomic(), acting_as(user):
        programme = (
            Programme.objects.select_for_update().select_related("region").get(pk=programme.pk)
        )
        previous = _latest_signed(programme)
        draft = Decree.objects.filter(programme=programme, status=DecreeStatus.DRAFT).first()
        start, end = _version_period(programme, previous, first_month)
        manual = _manual_changes(draft)
        if draft is None:
            draft = Decree(
                programme=programme,
                version=(previous.version + 1) if previous else 1,
                created_by=user,
            )
        draft.previous = previous
        draft.first_month, draft.last_month = start.first_day, end.first_day
        draft.funder, draft.jht = programme.funder, programme.jht
        draft.age_min, draft.age_max = programme.age_min, programme.age_max
        draft.quota, draft.budget = programme.quota, programme.budget
        draft.save()
        inputs = _inputs(programme, draft, previous, manual)
        result = eligibility.evaluate(inputs, _terms(programme, draft))
        _write_entries(draft, result)
        _totals(draft)
        draft.save()
    return draft
