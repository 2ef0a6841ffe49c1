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
        raise MonitoringInputError(f"{what} {text!r} bukan angka.") from exc
    if not value.is_finite():
        raise MonitoringInputError(f"{what} {text!r} bukan angka.")
    return value


def _region(code: str, user: User | None) -> Region:
    try:
        region = Region.objects.get(code=code)
    except Region.DoesNotExist as exc:
        raise MonitoringInputError(f"Kode wilayah {code!r} tidak dikenal; contoh: 35.16.") from exc
    if user is not None and not region_in_scope(user, code):
        raise MonitoringInputError(f"Wilayah {region.display_name} di luar wilayah kerja Anda.")
    return region


def _check_value(value: Decimal, *, percent: bool, what: str) -> None:
    if value < 0:
        raise MonitoringInputError(f"{what} tidak boleh di bawah 0 (diberikan {value}).")
    if percent and value > 100:
        raise MonitoringInputError(
            f"{what} dalam persen tidak boleh di atas 100 % (diberikan {value})."
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
        raise MonitoringInputError(f"Tahun {year} tidak masuk akal; contoh: 2024.")
    _check_value(value, percent=Measure(measure).is_percent, what="Target")
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
    _check_value(value, percent=FigureKind(kind).is_percent, what="Angka")
    if not source.strip():
        raise MonitoringInputError("Sebutkan sumber angka (mis. 'Antara Bali, 31 Mar 2025').")
    if as_of > timezone.localdate():
        raise MonitoringInputError(f"Tanggal {as_of:%Y-%m-%d} belum terjadi.")
    codes = list(dict.fromkeys(categories or []))
    if codes and kind != FigureKind.PROTECTED:
        raise MonitoringInputError(
            "Kategori pekerjaan hanya untuk jumlah pekerja rentan dilindungi."
        )
    known = set(OccupationCategory.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown := [c for c in codes if c not in known]:
        raise MonitoringInputError(f"Kategori pekerjaan tidak dikenal: {', '.join(unknown)}.")
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
