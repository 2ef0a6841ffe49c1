"""The Paritrana Award scorecard: each kab/kota (or desa) of a province scored on configurable
indicators and weights, ranked, with each indicator's contribution.

The official weights are not public (RULES.md §6, §9): a province configures its own scheme
(:class:`~jaring.monitoring.models.AwardScheme`); without one the :data:`DEFAULT_INDICATORS`
apply. An indicator's value is either scored by the panel (0–100, used as is), entered by hand
(a figure such as the budget per worker, scaled 0–100 across the regions compared), or computed
from the rows (coverage %, growth in points, workers registered; scaled likewise). Scaling is
min–max: the best region gets 100, the weakest 0, and a region with no value 0. A region's score
is Σ weight × scaled value ÷ the weights' total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jaring.core.tallies import data_version_bump
from jaring.monitoring.models import (
    AwardCategory,
    AwardIndicator,
    AwardScheme,
    AwardScore,
    IndicatorSource,
)
from jaring.monitoring.periods import Period
from jaring.monitoring.selectors import Place, children_coverage, place_get
from jaring.monitoring.services import MONITORING
from jaring.regions.models import Region
from jaring.registry.selectors import people_tally_totals


class AwardError(ValueError):
    """A scorecard that cannot be computed or saved as asked; nothing was changed."""


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label: str
    source: IndicatorSource
    weight: Decimal
    higher_is_better: bool = True


# Regulation, implementation (budget), performance (coverage, growth), claims service,
# innovation and the interview: the four official aspects (RULES.md §6) as indicators.
DEFAULT_INDICATORS: dict[str, tuple[IndicatorSpec, ...]] = {
    AwardCategory.REGENCY: (
        IndicatorSpec(
            "regulasi", "Regulasi berlaku (Perda/Perkada)", IndicatorSource.SCORED, Decimal(20)
        ),
        IndicatorSpec(
            "anggaran", "Anggaran per pekerja rentan (Rp)", IndicatorSource.ENTERED, Decimal(15)
        ),
        IndicatorSpec("cakupan", "Cakupan kepesertaan (%)", IndicatorSource.COVERAGE, Decimal(25)),
        IndicatorSpec(
            "pertumbuhan", "Pertumbuhan cakupan (poin)", IndicatorSource.GROWTH, Decimal(10)
        ),
        IndicatorSpec("klaim", "Layanan klaim", IndicatorSource.SCORED, Decimal(10)),
        IndicatorSpec("inovasi", "Inovasi", IndicatorSource.SCORED, Decimal(10)),
        IndicatorSpec("wawancara", "Wawancara", IndicatorSource.SCORED, Decimal(10)),
    ),
    AwardCategory.VILLAGE: (
        IndicatorSpec("regulasi", "Peraturan desa", IndicatorSource.SCORED, Decimal(20)),
        IndicatorSpec(
            "anggaran", "Anggaran desa untuk iuran (Rp)", IndicatorSource.ENTERED, Decimal(20)
        ),
        IndicatorSpec(
            "terdaftar", "Pekerja rentan terdaftar", IndicatorSource.REGISTERED, Decimal(30)
        ),
        IndicatorSpec("inovasi", "Inovasi", IndicatorSource.SCORED, Decimal(15)),
        IndicatorSpec("wawancara", "Wawancara", IndicatorSource.SCORED, Decimal(15)),
    ),
}


def _province(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or region.level != 1:
        raise AwardError(
            _("'%(code)s' is not a province code; for example 33 (Jawa Tengah).") % {"code": code}
        )
    return region


def _check_year(year: int) -> None:
    if not 2017 <= year <= Period.current().year:
        raise AwardError(
            _("The year %(year)s is outside the Paritrana Award's years (2017 to now).")
            % {"year": year}
        )


def _check_weights(specs: list[IndicatorSpec], total: Decimal) -> None:
    weights = sum((s.weight for s in specs), Decimal(0))
    if any(s.weight < 0 for s in specs):
        raise AwardError(_("An indicator's weight cannot be negative."))
    if weights != total:
        raise AwardError(
            f"Bobot indikator berjumlah {weights.normalize():f}, seharusnya {total.normalize():f}; "
            "tidak ada yang diubah."
        )
    codes = [s.code for s in specs]
    if len(set(codes)) != len(codes):
        raise AwardError(_("An indicator code appears twice."))


def scheme_configure(
    *,
    province_code: str,
    year: int,
    category: AwardCategory,
    indicators: list[IndicatorSpec],
    weights_total: Decimal = Decimal(100),
) -> AwardScheme:
    """Set a province's indicators and weights for a year (the weights must add up to
    ``weights_total``). Scores already given to indicators that stay are kept."""
    province = _province(province_code)
    _check_year(year)
    _check_weights(indicators, weights_total)
    with transaction.atomic():
        data_version_bump(MONITORING)
        scheme, _created = AwardScheme.objects.update_or_create(
            region=province, year=year, category=category, defaults={"weights_total": weights_total}
        )
        scheme.indicators.exclude(code__in=[s.code for s in indicators]).delete()
        for order, spec in enumerate(indicators):
            AwardIndicator.objects.update_or_create(
                scheme=scheme,
                code=spec.code,
                defaults={
                    "label": spec.label,
                    "source": spec.source,
                    "weight": spec.weight,
                    "higher_is_better": spec.higher_is_better,
                    "order": order,
                },
            )
    return scheme


def scheme_for(province_code: str, year: int, category: AwardCategory) -> AwardScheme:
    """The province's scheme, created with the default indicators when it has none yet."""
    province = _province(province_code)
    _check_year(year)
    scheme = AwardScheme.objects.filter(region=province, year=year, category=category).first()
    if scheme is None:
        scheme = scheme_configure(
            province_code=province_code,
            year=year,
            category=category,
            indicators=list(DEFAULT_INDICATORS[category]),
        )
    return scheme


def score_set(
    *, scheme: AwardScheme, indicator_code: str, region_code: str, value: Decimal, note: str = ""
) -> AwardScore:
    """A hand-given value for one region: a panel score (0–100) or an entered figure."""
    indicator = scheme.indicators.filter(code=indicator_code).first()
    if indicator is None:
        raise AwardError(
            _("The indicator '%(code)s' is not in this scheme.") % {"code": indicator_code}
        )
    if indicator.source not in (IndicatorSource.SCORED, IndicatorSource.ENTERED):
        raise AwardError(
            _("The indicator %(indicator)s is computed from the data, not scored by hand.")
            % {"indicator": indicator.label}
        )
    if not region_code.startswith(f"{scheme.region_id}."):
        raise AwardError(
            _("The region %(region)s is not part of the province %(province)s.")
            % {"region": region_code, "province": scheme.region_id}
        )
    if value < 0 or (indicator.source == IndicatorSource.SCORED and value > 100):
        raise AwardError(
            _("The score for %(indicator)s must be 0–100 (given %(value)s).")
            % {"indicator": indicator.label, "value": value}
        )
    with transaction.atomic():
        data_version_bump(MONITORING)
        score, _created = AwardScore.objects.update_or_create(
            indicator=indicator, region_id=region_code, defaults={"value": value, "note": note}
        )
    return score


@dataclass(frozen=True)
class IndicatorResult:
    indicator: AwardIndicator
    raw: Decimal | None  # the value before scaling (a score, Rp, %, points, people)
    scaled: Decimal  # 0–100
    contribution: Decimal  # weight × scaled ÷ total


@dataclass(frozen=True)
class RankedRegion:
    rank: int
    place: Place
    score: Decimal
    indicators: tuple[IndicatorResult, ...]


@dataclass(frozen=True)
class Ranking:
    scheme: AwardScheme
    rows: tuple[RankedRegion, ...]


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _computed(source: str, places: list[Place], year: int) -> dict[str, Decimal | None]:
    end = Period(year, 12) if year < Period.current().year else Period.current()
    if source == IndicatorSource.REGISTERED:
        totals = people_tally_totals([p.code for p in places], upto=end.key)
        return {code: Decimal(n) for code, n in totals.items()}
    province = places[0].code[:2]
    now = {c.place.code: c for c in children_coverage(place_get(province), end)}
    if source == IndicatorSource.COVERAGE:
        return {p.code: _vulnerable_or_ucj(now.get(p.code)) for p in places}
    before = {c.place.code: c for c in children_coverage(place_get(province), Period(year - 1, 12))}
    result: dict[str, Decimal | None] = {}
    for p in places:
        a, b = _vulnerable_or_ucj(now.get(p.code)), _vulnerable_or_ucj(before.get(p.code))
        result[p.code] = None if a is None or b is None else a - b
    return result


def _vulnerable_or_ucj(coverage: Any) -> Decimal | None:
    """UCJ when BPJS's count is known, else the registered share of the informal workers."""
    if coverage is None:
        return None
    if coverage.bpjs_active_reported is not None:
        return coverage.coverage_pct
    return coverage.stage_pct("registered")


def _scaled(values: dict[str, Decimal | None], higher_is_better: bool) -> dict[str, Decimal]:
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values, Decimal(0))
    low, high = min(present), max(present)
    scaled = {}
    for code, value in values.items():
        if value is None:
            scaled[code] = Decimal(0)
        elif high == low:  # nothing tells the regions apart: full marks only if all achieved
            scaled[code] = Decimal(100) if high > 0 else Decimal(0)
        else:
            share = (value - low) / (high - low)
            scaled[code] = Decimal(100) * (share if higher_is_better else 1 - share)
    return scaled


def award_rank(*, province_code: str, year: int, category: AwardCategory) -> Ranking:
    """Score and rank the kab/kota (or, for desa, the desa given any score) of a province."""
    scheme = scheme_for(province_code, year, category)
    indicators = list(scheme.indicators.all())
    _check_weights(
        [IndicatorSpec(i.code, i.label, IndicatorSource(i.source), i.weight) for i in indicators],
        scheme.weights_total,
    )
    scores = list(AwardScore.objects.filter(indicator__scheme=scheme))
    if category == AwardCategory.REGENCY:
        regions = Region.objects.filter(parent_id=scheme.region_id, level=2)
    else:
        regions = Region.objects.filter(code__in={s.region_id for s in scores}, level=4)
    places = [Place(r.code, r.display_name, r.level, r.kind) for r in regions.order_by("code")]
    if not places:
        raise AwardError(
            "Belum ada desa yang dinilai di skema ini; beri nilai dulu (mis. regulasi)."
        )
    given = {(s.indicator_id, s.region_id): s.value for s in scores}
    per_indicator: dict[int, tuple[dict[str, Decimal | None], dict[str, Decimal]]] = {}
    for indicator in indicators:
        if indicator.source == IndicatorSource.SCORED:
            raw = {p.code: given.get((indicator.pk, p.code)) for p in places}
            scaled = {c: (v if v is not None else Decimal(0)) for c, v in raw.items()}
        else:
            raw = (
                {p.code: given.get((indicator.pk, p.code)) for p in places}
                if indicator.source == IndicatorSource.ENTERED
                else _computed(indicator.source, places, year)
            )
            scaled = _scaled(raw, indicator.higher_is_better)
        per_indicator[indicator.pk] = (raw, scaled)
    total = scheme.weights_total
    rows = []
    for place in places:
        results = tuple(
            IndicatorResult(
                i,
                per_indicator[i.pk][0].get(place.code),
                _q(per_indicator[i.pk][1][place.code]),
                _q(i.weight * per_indicator[i.pk][1][place.code] / total),
            )
            for i in indicators
        )
        rows.append((place, _q(sum((r.contribution for r in results), Decimal(0))), results))
    rows.sort(key=lambda row: (-row[1], row[0].code))
    return Ranking(
        scheme,
        tuple(RankedRegion(n, place, score, res) for n, (place, score, res) in enumerate(rows, 1)),
    )


def award_json(ranking: Ranking) -> dict[str, Any]:
    """The contract of ``jaring monev award --json``."""
    return {
        "province": ranking.scheme.region_id,
        "year": ranking.scheme.year,
        "category": ranking.scheme.category,
        "weights_total": float(ranking.scheme.weights_total),
        "ranking": [
            {
                "rank": row.rank,
                "region": row.place.code,
                "name": row.place.name,
                "score": float(row.score),
                "indicators": {
                    r.indicator.code: {
                        "label": r.indicator.label,
                        "weight": float(r.indicator.weight),
                        "value": float(r.raw) if r.raw is not None else None,
                        "scaled": float(r.scaled),
                        "contribution": float(r.contribution),
                    }
                    for r in row.indicators
                },
            }
            for row in ranking.rows
        ],
    }
