"""Reads of regions: containment, name lookup, statistics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Q, QuerySet
from rapidfuzz import fuzz, process

from jaring.core.scoping import within_q
from jaring.regions.models import Region, RegionLevel
from jaring.regions.names import candidate_keys, name_key, written_kind

# Below this rapidfuzz ratio a written name is not taken as a misspelling of an official one.
FUZZY_CUTOFF = 85.0
# When the best two fuzzy candidates are closer than this, the name is ambiguous.
FUZZY_MARGIN = 4.0


def region_get(code: str) -> Region:
    return Region.objects.select_related("parent").get(code=code)


def region_children(code: str | None) -> QuerySet[Region]:
    qs = Region.objects.all()
    return qs.filter(parent__isnull=True) if code is None else qs.filter(parent_id=code)


def region_counts_by_level() -> dict[str, int]:
    """Number of regions per level, by level name: what ``jaring regions stats`` prints."""
    names = {
        RegionLevel.PROVINCE: "provinsi",
        RegionLevel.REGENCY: "kabupaten_kota",
        RegionLevel.DISTRICT: "kecamatan",
        RegionLevel.VILLAGE: "desa_kelurahan",
    }
    rows = Region.objects.values("level").annotate(n=Count("code")).order_by("level")
    counts = dict.fromkeys(names.values(), 0)
    for row in rows:
        counts[names[RegionLevel(row["level"])]] = row["n"]
    return counts


@dataclass(frozen=True)
class NameMatch:
    """How one written place name was resolved within a parent region."""

    query: str
    status: Literal["exact", "fuzzy", "ambiguous", "not_found"]
    code: str | None = None
    name: str | None = None
    score: float = 0.0
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedRegion:
    code: str
    name: str
    name_key: str
    kind: str


class NameIndex:
    """Resolves written names against a fixed set of official regions (no database access).

    Exact means equal after :func:`~jaring.regions.names.candidate_keys`; otherwise the closest
    official name above :data:`FUZZY_CUTOFF` wins unless a second one is almost as close (then
    the name is ambiguous). A regency written "Kab. X" or "Kota X" only matches that kind.
    """

    def __init__(self, regions: Iterable[NamedRegion], *, level: RegionLevel) -> None:
        self.level = level
        self._by_key: dict[str, list[NamedRegion]] = defaultdict(list)
        for region in regions:
            self._by_key[region.name_key].append(region)
        self._keys = list(self._by_key)

    def resolve(self, written: str) -> NameMatch:
        if not name_key(written):
            return NameMatch(query=written, status="not_found")
        kind = written_kind(written) if self.level == RegionLevel.REGENCY else None
        for key in candidate_keys(written):
            found = [r for r in self._by_key.get(key, []) if kind is None or r.kind == kind]
            if len(found) == 1:
                return NameMatch(written, "exact", found[0].code, found[0].name, 100.0)
            if len(found) > 1:
                return NameMatch(written, "ambiguous", candidates=tuple(r.code for r in found))

        best = process.extract(candidate_keys(written)[-1], self._keys, scorer=fuzz.ratio, limit=2)
        if not best or best[0][1] < FUZZY_CUTOFF:
            return NameMatch(query=written, status="not_found")
        top_key, top_score, _ = best[0]
        runner_up = best[1][1] if len(best) > 1 else 0.0
        top = self._by_key[top_key]
        if len(top) > 1 or top_score - runner_up < FUZZY_MARGIN:
            codes = tuple(r.code for k, _s, _i in best for r in self._by_key[k])
            return NameMatch(written, "ambiguous", score=top_score, candidates=codes)
        return NameMatch(written, "fuzzy", top[0].code, top[0].name, float(top_score))

    def closest(self, written: str, *, limit: int = 5, cutoff: float = 60.0) -> list[str]:
        """Codes of the regions whose names are closest to ``written`` (best first, at most
        ``limit``, none below ``cutoff``): what a person may have meant by a name not found."""
        keys = candidate_keys(written)
        if not keys or not self._keys:
            return []
        best = process.extract(keys[-1], self._keys, scorer=fuzz.ratio, limit=limit)
        codes = [r.code for key, score, _i in best if score >= cutoff for r in self._by_key[key]]
        return codes[:limit]

    def resolve_many(self, names: Iterable[str | None]) -> dict[str, NameMatch]:
        """Each distinct name once: a column of a million rows costs its distinct values."""
        return {n: self.resolve(n) for n in {n for n in names if n is not None}}


def region_name_index(*, within: str, level: RegionLevel) -> NameIndex:
    """A :class:`NameIndex` of the regions at ``level`` inside region ``within`` (one query)."""
    rows = (
        Region.objects.filter(within_q("parent", [within]) | Q(parent_id=within), level=level)
        .order_by("code")
        .values_list("code", "name", "name_key", "kind")
    )
    return NameIndex((NamedRegion(*row) for row in rows), level=level)


def region_lookup(*, within: str, names: Iterable[str], level: RegionLevel) -> dict[str, NameMatch]:
    """Resolve written names of regions at ``level`` inside region ``within``."""
    return region_name_index(within=within, level=level).resolve_many(names)
