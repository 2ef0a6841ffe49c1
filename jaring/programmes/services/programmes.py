"""Writes of programmes and of the reference lists they use (exclusions, poverty deciles).

Each function is one audited act that checks its input first: bad input raises
:class:`~jaring.programmes.errors.ProgrammeError` before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import transaction

from jaring.audit.services import acting_as
from jaring.core import bulk
from jaring.core.scoping import region_in_scope
from jaring.core.tallies import data_version_bump
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.models import (
    DEFAULT_CRITERIA,
    Criterion,
    DecreeStatus,
    Programme,
    ProgrammeCategory,
    ProgrammePriority,
    ReferenceEntry,
    ReferenceKind,
    ReferenceList,
    month_start,
)
from jaring.regions.models import Region, RegionKind, RegionLevel
from jaring.registry.models import (
    OccupationCategory,
)
from jaring.rules.programmes import (
    Finding,
    ProgrammeTerms,
    expected_wadah,
    programme_findings,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User


# --- programmes ---------------------------------------------------------------------------


OWNER_LEVELS = {
    RegionLevel.PROVINCE: "province",
    RegionLevel.REGENCY: "regency",
    RegionLevel.VILLAGE: "village",
}


def owner_level(region: Region) -> str:
    return OWNER_LEVELS[RegionLevel(region.level)]


def _owner_region(user: User | AnonymousUser | None, code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ProgrammeError("REGION_UNKNOWN", code=code)
    if user is not None and not region_in_scope(user, region.code):
        raise ProgrammeError("REGION_OUT_OF_SCOPE", code=code)
    if region.level not in OWNER_LEVELS or region.kind == RegionKind.KELURAHAN:
        raise ProgrammeError("REGION_LEVEL", name=region.display_name)
    return region


def terms_of(programme: Programme) -> ProgrammeTerms:
    return ProgrammeTerms(
        funder=programme.funder,  # type: ignore[arg-type]
        owner=owner_level(programme.region),  # type: ignore[arg-type]
        first_month=programme.start,
        months=programme.months,
        age_min=programme.age_min,
        age_max=programme.age_max,
        income_basis=programme.income_basis,
        jht=programme.jht,
        wadah=programme.wadah or None,  # type: ignore[arg-type]
        apbdes_source=programme.apbdes_source or None,  # type: ignore[arg-type]
        quota=programme.quota,
        budget=programme.budget,
    )


def programme_findings_of(programme: Programme) -> tuple[Finding, ...]:
    return programme_findings(terms_of(programme))


@dataclass(frozen=True)
class CategorySpec:
    code: str
    quota: int | None = None
    priority: int | None = None


#: Fields a programme takes (create and update), with their model names.
PROGRAMME_FIELDS = (
    "name",
    "year",
    "legal_basis",
    "legal_basis_date",
    "funder",
    "apbdes_source",
    "sponsor",
    "wadah",
    "jht",
    "income_basis",
    "first_month",
    "months",
    "budget",
    "quota",
    "target",
    "age_min",
    "age_max",
)
#: What cannot change once a version is signed: the decree was issued on these terms.
FROZEN_AFTER_SIGNING = ("region", "funder", "first_month", "income_basis", "jht")


def _check(programme: Programme) -> tuple[Finding, ...]:
    if not programme.name.strip():
        raise ProgrammeError("NAME_REQUIRED")
    if not 2015 <= programme.year <= 2100:
        raise ProgrammeError("YEAR_INVALID", year=programme.year)
    findings = programme_findings_of(programme)
    for finding in findings:
        if finding.is_error:
            raise ProgrammeError(finding.code, **dict(finding.params))
    return findings


def _categories(specs: Sequence[CategorySpec]) -> list[CategorySpec]:
    codes = [s.code for s in specs]
    known = set(OccupationCategory.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise ProgrammeError("CATEGORY_UNKNOWN", code=code)
    return [
        CategorySpec(s.code, s.quota, i if s.priority is None else s.priority)
        for i, s in enumerate(specs)
    ]


def _set_categories(programme: Programme, specs: list[CategorySpec]) -> None:
    ProgrammeCategory.objects.filter(programme=programme).delete()
    for spec in specs:
        if spec.quota is not None and spec.quota < 0:
            raise ProgrammeError("QUOTA_NEGATIVE", quota=spec.quota)
        ProgrammeCategory.objects.create(
            programme=programme,
            category_id=spec.code,
            quota=spec.quota,
            priority=spec.priority or 0,
        )


def _set_criteria(programme: Programme, criteria: Sequence[str]) -> None:
    ProgrammePriority.objects.filter(programme=programme).delete()
    ProgrammePriority.objects.bulk_create(
        ProgrammePriority(programme=programme, position=i, criterion=Criterion(c))
        for i, c in enumerate(dict.fromkeys(criteria))
    )


def programme_create(
    *,
    user: User | None,
    region_code: str,
    name: str,
    year: int,
    funder: str,
    first_month: date | None = None,
    months: int = 12,
    categories: Sequence[CategorySpec] = (),
    criteria: Sequence[str] = (),
    **fields: Any,
) -> tuple[Programme, tuple[Finding, ...]]:
    """Create a programme (audited); returns it with the rules' warnings and notes.

    ``fields`` are further :data:`PROGRAMME_FIELDS`. Raises :class:`ProgrammeError` for a
    region outside the user's scope, or anything the rules refuse (Dana Desa paying premiums
    in 2024, a reversed age range…); UNVERIFIED rules only warn.
    """
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields {sorted(unknown)}")
    region = _owner_region(user, region_code)
    programme = Programme(
        region=region,
        name=name.strip(),
        year=year,
        funder=funder,
        first_month=month_start(first_month or date(year, 1, 1)),
        months=months,
        created_by=user,
        **fields,
    )
    if not programme.wadah:
        programme.wadah = expected_wadah(funder, owner_level(region))  # type: ignore[arg-type]
    findings = _check(programme)
    specs = _categories(categories)
    with transaction.atomic(), acting_as(user):
        programme.save()
        _set_categories(programme, specs)
        _set_criteria(programme, criteria or DEFAULT_CRITERIA)
    return programme, findings


def programme_update(
    *,
    user: User | None,
    programme: Programme,
    categories: Sequence[CategorySpec] | None = None,
    criteria: Sequence[str] | None = None,
    **changes: Any,
) -> tuple[Programme, tuple[Finding, ...]]:
    """Change a programme (audited). Terms a signed decree was issued on cannot change."""
    unknown = set(changes) - set(PROGRAMME_FIELDS) - {"region_code"}
    if unknown:
        raise TypeError(f"unknown programme fields {sorted(unknown)}")
    if user is not None and not region_in_scope(user, programme.region_id):
        raise ProgrammeError("REGION_OUT_OF_SCOPE", code=programme.region_id)
    with transaction.atomic(), acting_as(user):
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        # Pages cached until the next write name the programme (the home page's warnings).
        data_version_bump("programmes.Programme")
        signed = programme.decrees.filter(status=DecreeStatus.SIGNED).exists()
        if "region_code" in changes:
            changes["region"] = _owner_region(user, changes.pop("region_code"))
        if "first_month" in changes and changes["first_month"] is not None:
            changes["first_month"] = month_start(changes["first_month"])
        for name, value in changes.items():
            current = getattr(programme, name)
            if signed and name in FROZEN_AFTER_SIGNING and value != current:
                label = getattr(Programme._meta.get_field(name), "verbose_name", name)
                raise ProgrammeError("PROGRAMME_FROZEN_FIELD", field=label)
            setattr(programme, name, value)
        findings = _check(programme)
        programme.save()
        if categories is not None:
            _set_categories(programme, _categories(categories))
        if criteria is not None:
            _set_criteria(programme, criteria or DEFAULT_CRITERIA)
    return programme, findings


def reference_list_create(
    *,
    user: User | None,
    region_code: str,
    name: str,
    kind: ReferenceKind,
    niks: Sequence[str],
    deciles: Sequence[int | None] | None = None,
    source: str = "",
) -> ReferenceList:
    """Store a list of NIKs from outside (blind indexes only); invalid NIKs are skipped."""
    from jaring.core import crypto
    from jaring.rules.nik import normalize_nik

    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ProgrammeError("REGION_UNKNOWN", code=region_code)
    if user is not None and not region_in_scope(user, region.code):
        raise ProgrammeError("REGION_OUT_OF_SCOPE", code=region_code)
    cleaned = [normalize_nik(str(n)) for n in niks]
    frame = pl.DataFrame(
        {
            "nik": cleaned,
            "decile": list(deciles) if deciles is not None else [None] * len(cleaned),
        },
        schema={"nik": pl.String, "decile": pl.Int64},
    ).filter(pl.col("nik").str.contains(r"^\d{16}$"))
    if frame.is_empty():
        raise ProgrammeError("REFERENCE_EMPTY")
    frame = frame.with_columns(
        nik_index=pl.Series(crypto.blind_index_many(frame["nik"].to_list(), purpose="nik"))
    ).unique("nik_index")
    with transaction.atomic(), acting_as(user):
        ref = ReferenceList.objects.create(
            region=region,
            name=name,
            kind=kind,
            source=source,
            entries=frame.height,
            created_by=user,
        )
        bulk.copy_frame(
            ReferenceEntry,
            frame.select(
                pl.lit(ref.pk, pl.Int64).alias("reference_list_id"), "nik_index", "decile"
            ),
        )
    return ref
