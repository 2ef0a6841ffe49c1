"""A member who died: their memberships end after the month of death, and an open draft of
the next decree version leaves them out (removed as "meninggal", like any deceased person the
next computation finds).

Called by the claims app when a death is reported (the layer above: it reads the registry's
new status, this app keeps its own rows consistent with it). Signed versions are never
changed: only the memberships they started are cut, each with why (``died``), and the
membership tally (:mod:`jaring.programmes.tallies`) takes the change in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import ProtectedError

from jaring.audit.services import RecordChange, acting_as, record_bulk_updates
from jaring.programmes.models import (
    ChangeReason,
    Decree,
    DecreeEntry,
    DecreeStatus,
    EntryStatus,
    Membership,
)
from jaring.programmes.services.drafting import _totals
from jaring.programmes.services.review import _refit
from jaring.programmes.tallies import membership_tally_kept
from jaring.rules.months import Month
from jaring.rules.programmes import Ineligible

if TYPE_CHECKING:
    from jaring.accounts.models import User


@dataclass(frozen=True)
class DeathEffects:
    """What a death changed: memberships cut (and later ones dropped), drafts updated."""

    memberships_ended: int
    memberships_dropped: int
    drafts: tuple[int, ...]


def memberships_end_on_death(*, user: User | None, person_id: int, month: Month) -> DeathEffects:
    """End the person's memberships after ``month`` (the month of death) with the reason
    ``died``, and take them out of every open draft (excluded as deceased, the draft refitted
    to its quota and budget). A membership that would only start after the death is removed;
    one already billed stays, cut to its first month (the bill's correction cancels it)."""
    last = month.first_day
    ended = dropped = 0
    changes: list[RecordChange] = []
    with (
        transaction.atomic(),
        acting_as(user),
        membership_tally_kept(Membership.objects.filter(person_id=person_id)),
    ):
        reaching = list(
            Membership.objects.select_for_update()
            .filter(person_id=person_id, last_month__gt=last)
            .order_by("id")
        )
        for membership in reaching:
            before = f"{membership.last_month:%Y-%m}"
            if membership.first_month <= last:
                membership.last_month = last
                ended += 1
            else:
                try:
                    with transaction.atomic():
                        membership.delete()
                    dropped += 1
                    changes.append(
                        RecordChange(
                            membership.pk or 0,
                            str(membership),
                            {"deleted": [before, ""]},
                            {"region": membership.region_id, "reason": ChangeReason.DIED},
                        )
                    )
                    continue
                except ProtectedError:
                    membership.last_month = membership.first_month
                    ended += 1
            membership.end_reason = ChangeReason.DIED
            membership.save(update_fields=["last_month", "end_reason"])
            changes.append(
                RecordChange(
                    membership.pk,
                    str(membership),
                    {"last_month": [before, f"{membership.last_month:%Y-%m}"]},
                    {"region": membership.region_id, "reason": ChangeReason.DIED},
                )
            )
        record_bulk_updates(Membership, changes, actor=user)
        drafts: list[int] = []
        entries = DecreeEntry.objects.filter(
            person_id=person_id, decree__status=DecreeStatus.DRAFT
        ).exclude(status=EntryStatus.EXCLUDED)
        for entry in entries.select_related("decree"):
            decree: Decree = entry.decree
            entry.reasons = int(entry.reasons) | int(Ineligible.DECEASED)
            entry.reason = int(Ineligible.DECEASED)
            entry.status = EntryStatus.EXCLUDED
            entry.rank = None
            entry.save(update_fields=["reasons", "reason", "status", "rank"])
            _refit(decree, user)
            _totals(decree)
            decree.save()
            drafts.append(decree.pk)
    return DeathEffects(ended, dropped, tuple(drafts))
