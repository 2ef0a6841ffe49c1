"""Reads of the programmes app, restricted to the regions of the user asking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db.models import QuerySet

from jaring.core import bulk
from jaring.core.tallies import tally_children, tally_months, tally_totals
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.models import (
    MEMBER_STATUSES,
    Decree,
    DecreeEntry,
    DecreeMember,
    Membership,
    MembershipTally,
    Programme,
    ReferenceList,
)
from jaring.programmes.services.drafting import leave_reasons

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User


def programmes_visible(user: User | AnonymousUser) -> QuerySet[Programme]:
    return Programme.objects.restrict(user).select_related("region")


def decrees_visible(user: User | AnonymousUser) -> QuerySet[Decree]:
    return Decree.objects.restrict(user).select_related("programme__region")


def person_memberships(user: User | AnonymousUser, person_id: int) -> QuerySet[Membership]:
    """Every programme that has covered a person, newest first (a person's page)."""
    return (
        Membership.objects.restrict(user)
        .filter(person_id=person_id)
        .select_related("programme", "decree", "ended_by")
        .order_by("-first_month", "programme_id")
    )


def _member_ids(decree: Decree) -> pl.Series:
    rows = (
        DecreeMember.objects.order_by().filter(decree=decree).values_list("person_id")
        if decree.is_signed
        else DecreeEntry.objects.order_by()
        .filter(decree=decree, status__in=MEMBER_STATUSES)
        .values_list("person_id")
    )
    return bulk.read_frame(rows, {"person_id": pl.Int64()})["person_id"]


@dataclass
class DecreeDiff:
    """What changed from ``older`` to ``newer`` (``jaring sk diff``)."""

    older: int
    newer: int
    added: int
    removed: int
    kept: int
    removed_by_reason: dict[str, int] = field(default_factory=dict)
    added_ids: list[int] = field(default_factory=list, repr=False)
    removed_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "older": self.older,
            "newer": self.newer,
            "added": self.added,
            "removed": self.removed,
            "kept": self.kept,
            "removed_by_reason": self.removed_by_reason,
        }


def decree_diff(first: Decree, second: Decree) -> DecreeDiff:
    """Added, removed and kept people between two versions of one programme, the older one
    first whatever the order given; every removal with its reason (from the newer version's
    judgement of the person)."""
    if first.programme_id != second.programme_id:
        raise ProgrammeError("DIFF_OTHER_PROGRAMME", first=first.pk, second=second.pk)
    older, newer = sorted((first, second), key=lambda d: d.version)
    before = pl.DataFrame({"person_id": _member_ids(older)})
    after = pl.DataFrame({"person_id": _member_ids(newer)})
    added = after.join(before, on="person_id", how="anti")
    removed = before.join(after, on="person_id", how="anti")
    judged = bulk.read_frame(
        DecreeEntry.objects.order_by()
        .filter(decree=newer)
        .values_list("person_id", "status", "reason", "change_reason", "exclusion_list_id"),
        {
            "person_id": pl.Int64(),
            "status": pl.String(),
            "reason": pl.Int64(),
            "change_reason": pl.String(),
            "exclusion_list_id": pl.Int64(),
        },
    )
    kinds = dict(ReferenceList.objects.values_list("pk", "kind"))
    reasons = (
        removed.join(judged, on="person_id", how="left")
        .with_columns(why=leave_reasons(judged, kinds).fill_null("other"))
        .group_by("why")
        .len()
        .sort("why")
    )
    return DecreeDiff(
        older=older.pk,
        newer=newer.pk,
        added=added.height,
        removed=removed.height,
        kept=after.height - added.height,
        removed_by_reason={r["why"]: r["len"] for r in reasons.iter_rows(named=True)},
        added_ids=added["person_id"].to_list(),
        removed_ids=removed["person_id"].to_list(),
    )


# --- the membership tally (how many are in a signed SK; see jaring.programmes.tallies) ---------


def membership_tally_totals(codes: Iterable[str], *, upto: int) -> dict[str, int]:
    """Memberships covering month ``upto`` (``yyyymm``) in each region of ``codes`` ("" is the
    country), in one query."""
    return tally_totals(MembershipTally, codes, upto=upto)


def membership_tally_children(code: str, *, upto: int) -> dict[str, int]:
    """Memberships covering month ``upto`` in each child region of ``code``."""
    return tally_children(MembershipTally, code, upto=upto)


def membership_tally_months(code: str) -> dict[int, int]:
    """The change in memberships each month (``yyyymm``) in ``code``: started minus ended."""
    return tally_months(MembershipTally, code)
