"""Writes of monitoring: targets, reported figures, award schemes and scores (each audited by
django-auditlog), and the full recomputation of every stage's tallies."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jaring.audit.services import acting_as
from jaring.core.scoping import region_in_scope
from jaring.core.tallies import data_version_bump
from jaring.finance.tallies import finance_tallies_rebuild
from jaring.monitoring.models import FigureKind, Measure, ReportedFigure, Target
from jaring.programmes.tallies import membership_tally_rebuild
from jaring.regions.models import Region
from jaring.registry.models import OccupationCategory
from jaring.registry.tallies import people_tally_rebuild

if TYPE_CHECKING:
    from jaring.accounts.models import User


# The name of monitoring's own figures (targets, reported figures, scores) in cache versions.
MONITORING = "monitoring"


NOT_A_NUMBER = gettext_noop("%(what)s '%(text)s' is not a number.")


class MonitoringInputError(ValueError):
    """Input monitoring refuses; the message says what and why, and nothing was changed."""


def decimal_value(text: str | int | float | Decimal, *, percent: bool, what: str) -> Decimal:
    """A number as people write it. A percentage takes a decimal comma or point (``38,52``,
    ``38.52``, ``50 %``); a count takes thousands points or commas (``486.404``, ``486,404``)."""
    if isinstance(text, Decimal | int):
        return Decimal(text)
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    raw = raw.replace(",", ".") if percent else raw.replace(".", "").replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise MonitoringInputError(_(NOT_A_NUMBER) % {"what": what, "text": text}) from exc
    if not value.is_finite():
        raise MonitoringInputError(_(NOT_A_NUMBER) % {"what": what, "text": text})
    return value


def _region(code: str, user: User | None) -> Region:
    try:
        region = Region.objects.get(code=code)
    except Region.DoesNotExist as exc:
        raise MonitoringInputError(
            _("Unknown region code '%(code)s'; for example 35.16.") % {"code": code}
        ) from exc
    if user is not None and not region_in_scope(user, code):
        raise MonitoringInputError(
            _("The region %(region)s is outside your regions.") % {"region": region.display_name}
        )
    return region


def _check_value(value: Decimal, *, percent: bool, what: str) -> None:
    if value < 0:
        raise MonitoringInputError(
            _("%(what)s cannot be below 0 (given %(value)s).") % {"what": what, "value": value}
        )
    if percent and value > 100:
        raise MonitoringInputError(
            _("%(what)s in percent cannot be above 100 %% (given %(value)s).")
            % {"what": what, "value": value}
        )


def target_set(
    *,
    region_code: str,
    year: int,
    measure: Measure,
    value: Decimal,
    source: str = "",
    user: User | None,
) -> Target:
    """Set (or change) a region's target for a year."""
    region = _region(region_code, user)
    if not 2000 <= year <= 2100:
        raise MonitoringInputError(
            _("The year %(year)s is not plausible; for example 2024.") % {"year": year}
        )
    _check_value(value, percent=Measure(measure).is_percent, what=_("Target"))
    with transaction.atomic(), acting_as(user):
        data_version_bump(MONITORING)
        target, _created = Target.objects.update_or_create(
            region=region,
            year=year,
            measure=measure,
            defaults={"value": value, "source": source[:200], "created_by": user},
        )
    return target


def figure_report(
    *,
    region_code: str,
    as_of: date,
    kind: FigureKind,
    value: Decimal,
    source: str,
    categories: list[str] | None = None,
    note: str = "",
    user: User | None,
) -> ReportedFigure:
    """Enter a figure as someone reported it (kept beside what the rows give, never instead)."""
    region = _region(region_code, user)
    _check_value(value, percent=FigureKind(kind).is_percent, what=_("Figure"))
    if not source.strip():
        raise MonitoringInputError(_("Name the figure's source (e.g. 'Antara Bali, 31 Mar 2025')."))
    if as_of > timezone.localdate():
        raise MonitoringInputError(
            _("The date %(date)s has not come yet.") % {"date": f"{as_of:%Y-%m-%d}"}
        )
    codes = list(dict.fromkeys(categories or []))
    if codes and kind != FigureKind.PROTECTED:
        raise MonitoringInputError(
            _("Occupation categories go only with the count of protected vulnerable workers.")
        )
    known = set(OccupationCategory.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown := [c for c in codes if c not in known]:
        raise MonitoringInputError(
            _("Unknown occupation categories: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    with transaction.atomic(), acting_as(user):
        data_version_bump(MONITORING)
        figure = ReportedFigure.objects.create(
            region=region,
            as_of=as_of,
            kind=kind,
            value=value,
            source=source.strip()[:200],
            note=note[:300],
            created_by=user,
        )
        figure.categories.set(OccupationCategory.objects.filter(code__in=codes))
    return figure


@dataclass(frozen=True)
class Recomputed:
    tally: str
    rows: int
    seconds: float


def tallies_recompute() -> list[Recomputed]:
    """Recompute every stage's tallies from its rows (after a restore, or to check)."""
    results = []
    for name, rebuild in (
        ("people", people_tally_rebuild),
        ("memberships", membership_tally_rebuild),
        ("finance", finance_tallies_rebuild),
    ):
        started = time.perf_counter()
        rows = rebuild()
        results.append(Recomputed(name, rows, round(time.perf_counter() - started, 2)))
    return results
