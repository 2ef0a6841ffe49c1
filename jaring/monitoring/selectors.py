"""Coverage of a region at the end of a month: the stages' tallies composed with denominators,
reported figures and targets. Every figure says where it came from and, for ratios, the formula.

Two ratios, as the seed reports use them (RULES.md §5):

- **UCJ** (*Universal Coverage Jamsostek*, ``coverage_pct``) = active BPJS participants of all
  segments ÷ working population × 100. The numerator is the BPJS-reported count when one has
  been entered for the region (latest on or before the period), else the Pemda's own active
  members from the rows (a lower bound, said so). The denominator is a reported working
  population when one has been entered, else BPS Sakernas.
- **Vulnerable-worker coverage** = the Pemda's workers at a stage (registered, in a signed SK,
  active) ÷ informal working population (Sakernas) × 100.

Counts come from the tallies each stage keeps current (ADR 0011); nothing here counts rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jaring.core.formats import date_label, number, percent
from jaring.core.scoping import region_in_scope, user_region_codes
from jaring.core.tallies import LEVEL_LENGTHS, level_of
from jaring.finance.selectors.tallies import (
    bpjs_tally_children,
    bpjs_tally_totals,
    lapse_tally_children,
    lapse_tally_totals,
    paid_tally_children,
    paid_tally_months,
    paid_tally_totals,
)
from jaring.monitoring.models import FigureKind, Measure, ReportedFigure, Target
from jaring.monitoring.periods import Period
from jaring.programmes.selectors import (
    membership_tally_children,
    membership_tally_months,
    membership_tally_totals,
)
from jaring.regions.models import PopulationSource, Region, WorkingPopulation
from jaring.registry.models import OccupationCategory
from jaring.registry.selectors import (
    people_tally_breakdown,
    people_tally_children,
    people_tally_months,
    people_tally_totals,
)
from jaring.rules.config import FUNDER_LABELS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User

NATIONAL = ""


class CoverageError(ValueError):
    """A request monitoring cannot answer (unknown region, outside scope, no data); the message
    says why, in Indonesian."""


def ratio(numerator: int | Decimal | None, denominator: int | Decimal | None) -> Decimal | None:
    """``numerator / denominator × 100`` to four places, None when either is missing or zero."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def formula(numerator: int | Decimal | None, denominator: int | Decimal | None) -> str:
    """``187.344 / 486.404 × 100 = 38,52 %``, in the reader's language."""
    value = ratio(numerator, denominator)
    if value is None:
        return ""
    return f"{number(numerator)} / {number(denominator)} × 100 = {percent(value)}"


# --- regions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A region, or the whole country (code "")."""

    code: str
    name: str
    level: int
    kind: str

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def child_level(self) -> int | None:
        return self.level + 1 if self.level < 4 else None


def place_get(code: str) -> Place:
    if code == NATIONAL:
        return Place(NATIONAL, "Indonesia", 0, "negara")
    try:
        region = Region.objects.get(code=code)
    except Region.DoesNotExist as exc:
        raise CoverageError(
            _("Unknown region code '%(code)s'; for example 35.16.") % {"code": code}
        ) from exc
    return Place(region.code, region.display_name, region.level, region.kind)


def place_check_scope(user: User | AnonymousUser | None, place: Place) -> None:
    """Refuse a region outside the user's regions (``None``: the command line, everything)."""
    if user is None:
        return
    scope = user_region_codes(user)
    if scope is None:
        return
    if place.code == NATIONAL or not region_in_scope(user, place.code):
        raise CoverageError(
            f"Wilayah {place.name} di luar wilayah kerja Anda "
            f"({', '.join(scope) or 'tidak ada wilayah'})."
        )


def default_place_code(user: User | AnonymousUser) -> str:
    scope = user_region_codes(user)
    return NATIONAL if scope is None else (scope[0] if scope else NATIONAL)


def ancestors(place: Place) -> list[Place]:
    """The country and the regions above ``place``, top first (for breadcrumbs)."""
    if place.code == NATIONAL:
        return []
    codes = [place.code[:length] for length in LEVEL_LENGTHS[1 : place.level]]
    names = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [place_get(NATIONAL)] + [
        Place(c, names[c].display_name, names[c].level, names[c].kind) for c in codes if c in names
    ]


# --- denominators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Denominator:
    total: int | None
    informal: int | None
    source: str  # a sentence for people: "BPS Sakernas Agustus 2025", "Dilaporkan …"
    reported: bool = False


def _sakernas(codes: list[str], year: int) -> dict[str, WorkingPopulation]:
    """The Sakernas row of each region for ``year`` or, lacking it, the nearest year (an earlier
    one first)."""
    rows = WorkingPopulation.objects.filter(region_id__in=codes).exclude(
        source=PopulationSource.MANUAL
    )
    best: dict[str, WorkingPopulation] = {}
    for row in rows:
        current = best.get(row.region_id)
        distance = (abs(row.year - year), row.year > year)
        if current is None or distance < (abs(current.year - year), current.year > year):
            best[row.region_id] = row
    return best


def denominators(codes: list[str], period: Period) -> dict[str, Denominator]:
    """Working population of each region: a reported figure (latest on or before the period)
    when one was entered, else BPS Sakernas; the country's is the sum of its provinces."""
    national = NATIONAL in codes
    wanted = [c for c in codes if c != NATIONAL]
    if national:
        wanted += list(Region.objects.filter(level=1).values_list("code", flat=True))
    reported = _latest_figures(wanted + ([NATIONAL] if national else []), period)
    sakernas = _sakernas(wanted, period.year)
    result: dict[str, Denominator] = {}
    for code in codes:
        figure = reported.get((code, FigureKind.WORKING_POPULATION))
        row = sakernas.get(code)
        informal = row.employed_informal if row else None
        if figure is not None:
            result[code] = Denominator(
                int(figure.value),
                informal,
                _("Reported: %(source)s, %(date)s")
                % {"source": figure.source, "date": date_label(figure.as_of)},
                reported=True,
            )
        elif code == NATIONAL:
            provinces = [sakernas[c] for c in sakernas if len(c) == 2]
            result[code] = Denominator(
                sum(r.employed_total for r in provinces) or None,
                sum(r.employed_informal for r in provinces) or None,
                _("BPS Sakernas, sum of provinces"),
            )
        elif row is not None:
            result[code] = Denominator(
                row.employed_total, row.employed_informal, f"{row.get_source_display()} {row.year}"
            )
        else:
            result[code] = Denominator(None, None, _("Sakernas does not estimate below kab/kota"))
    return result


def _latest_figures(codes: Iterable[str], period: Period) -> dict[tuple[str, str], ReportedFigure]:
    """The latest figure of each kind (``protected`` only when it counts all categories) per
    region, on or before the end of ``period``."""
    rows = (
        ReportedFigure.objects.filter(region_id__in=list(codes), as_of__lte=period.end)
        .filter(~Q(kind=FigureKind.PROTECTED) | Q(categories__isnull=True))
        .order_by("region_id", "kind", "as_of", "id")
    )
    return {(r.region_id, r.kind): r for r in rows}


# --- coverage ----------------------------------------------------------------------------------


@dataclass
class Coverage:
    place: Place
    period: Period
    denominator: Denominator
    registered: int
    in_sk: int = 0
    bpjs_registered: int = 0
    active: int = 0
    lapsed: int = 0
    bpjs_active_reported: ReportedFigure | None = None
    ucj_reported: ReportedFigure | None = None
    protected_reported: ReportedFigure | None = None

    @property
    def working_population(self) -> int | None:
        return self.denominator.total

    @property
    def informal(self) -> int | None:
        return self.denominator.informal

    @property
    def ucj_numerator(self) -> int:
        if self.bpjs_active_reported is not None:
            return int(self.bpjs_active_reported.value)
        return self.active

    @property
    def ucj_numerator_source(self) -> str:
        return "reported" if self.bpjs_active_reported is not None else "rows"

    @property
    def coverage_pct(self) -> Decimal | None:
        return ratio(self.ucj_numerator, self.working_population)

    @property
    def coverage_formula(self) -> str:
        return formula(self.ucj_numerator, self.working_population)

    def stage_pct(self, measure: str) -> Decimal | None:
        """A stage's workers as % of the informal working population."""
        return ratio(getattr(self, measure), self.informal)

    def stage_formula(self, measure: str) -> str:
        return formula(getattr(self, measure), self.informal)

    @property
    def registered_pct(self) -> Decimal | None:
        return self.stage_pct("registered")

    @property
    def registered_formula(self) -> str:
        return self.stage_formula("registered")

    def value(self, measure: str) -> Decimal | int | None:
        if measure == Measure.UCJ_PCT:
            return self.coverage_pct
        return int(getattr(self, measure))


def _lapse_month(period: Period) -> int:
    """The month whose lapsed members a period shows: its own, or this month for a period
    still to come (nobody has lapsed in the future yet)."""
    on = min(period.end, timezone.localdate())
    return on.year * 100 + on.month


def _counts(codes: list[str], period: Period) -> dict[str, dict[str, int]]:
    registered = people_tally_totals(codes, upto=period.key)
    in_sk = membership_tally_totals(codes, upto=period.key)
    bpjs = bpjs_tally_totals(codes, upto=period.key)
    active = paid_tally_totals(codes, upto=period.key)
    # Kept by every write of memberships and paid months, months to come included (a member
    # lapses by the passing of months): no membership is read here.
    lapsed = lapse_tally_totals(codes, upto=_lapse_month(period))
    return {
        code: {
            "registered": registered[code],
            "in_sk": in_sk[code],
            "bpjs_registered": bpjs[code],
            "active": active[code],
            "lapsed": lapsed[code],
        }
        for code in codes
    }


def coverage_of(place: Place, period: Period) -> Coverage:
    """Coverage of one region (or the country) at the end of ``period``."""
    figures = _latest_figures([place.code], period)
    counts = _counts([place.code], period)[place.code]
    return Coverage(
        place=place,
        period=period,
        denominator=denominators([place.code], period)[place.code],
        bpjs_active_reported=figures.get((place.code, FigureKind.BPJS_ACTIVE)),
        ucj_reported=figures.get((place.code, FigureKind.UCJ_PCT)),
        protected_reported=figures.get((place.code, FigureKind.PROTECTED)),
        **counts,
    )


def children_coverage(place: Place, period: Period) -> list[Coverage]:
    """Coverage of each child region (provinces for the country), by code; children without
    any row still appear, with zeros."""
    if place.child_level is None:
        return []
    children = Region.objects.filter(
        level=place.child_level, **({"parent_id": place.code} if place.code else {})
    ).order_by("code")
    places = [Place(r.code, r.display_name, r.level, r.kind) for r in children]
    codes = [p.code for p in places]
    registered = people_tally_children(place.code, upto=period.key)
    in_sk = membership_tally_children(place.code, upto=period.key)
    bpjs = bpjs_tally_children(place.code, upto=period.key)
    active = paid_tally_children(place.code, upto=period.key)
    lapsed = lapse_tally_children(place.code, upto=_lapse_month(period))
    dens = denominators(codes, period)
    figures = _latest_figures(codes, period)
    return [
        Coverage(
            place=p,
            period=period,
            denominator=dens[p.code],
            registered=registered.get(p.code, 0),
            in_sk=in_sk.get(p.code, 0),
            bpjs_registered=bpjs.get(p.code, 0),
            active=active.get(p.code, 0),
            lapsed=lapsed.get(p.code, 0),
            bpjs_active_reported=figures.get((p.code, FigureKind.BPJS_ACTIVE)),
            ucj_reported=figures.get((p.code, FigureKind.UCJ_PCT)),
            protected_reported=figures.get((p.code, FigureKind.PROTECTED)),
        )
        for p in places
    ]


def has_data(place: Place, period: Period) -> bool:
    """Whether anything was counted or reported for the region by the end of ``period``."""
    if people_tally_totals([place.code], upto=period.key)[place.code]:
        return True
    if any(month <= period.key for month in membership_tally_months(place.code)):
        return True
    return ReportedFigure.objects.filter(
        region__code__startswith=place.code, as_of__lte=period.end
    ).exists()


def coverage_checked(
    code: str, period: Period, *, user: User | AnonymousUser | None = None
) -> Coverage:
    """:func:`coverage_of` after the checks a request needs: a known region inside the user's
    regions, and data by the end of the period (else :class:`CoverageError`)."""
    place = place_get(code)
    place_check_scope(user, place)
    if not has_data(place, period):
        first = first_period(place)
        params = {"place": place.name, "period": period.iso}
        if first:
            raise CoverageError(
                _("No data for %(place)s up to %(period)s. The first data are of %(first)s.")
                % {**params, "first": first.iso}
            )
        raise CoverageError(_("No data for %(place)s up to %(period)s, nor any yet.") % params)
    return coverage_of(place, period)


def first_period(place: Place) -> Period | None:
    months = [*people_tally_months(place.code), *membership_tally_months(place.code)]
    figure = (
        ReportedFigure.objects.filter(region__code__startswith=place.code).order_by("as_of").first()
    )
    candidates = [Period.from_key(min(months))] if months else []
    if figure is not None:
        candidates.append(Period(figure.as_of.year, figure.as_of.month))
    return min(candidates) if candidates else None


# --- trend and breakdowns ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    registered: int
    in_sk: int = 0
    active: int = 0


def trend(place: Place, period: Period, months: int = 24) -> list[TrendPoint]:
    """Workers at each stage at the end of each of the ``months`` months up to ``period``."""
    flows = people_tally_months(place.code)
    sk_flows = membership_tally_months(place.code)
    paid_flows = paid_tally_months(place.code)
    start = period.shift(-(months - 1))
    running = sum(n for month, n in flows.items() if month < start.key)
    in_sk = sum(n for month, n in sk_flows.items() if month < start.key)
    active = sum(n for month, n in paid_flows.items() if month < start.key)
    points = []
    for i in range(months):
        current = start.shift(i)
        running += flows.get(current.key, 0)
        in_sk += sk_flows.get(current.key, 0)
        active += paid_flows.get(current.key, 0)
        points.append(TrendPoint(current, running, in_sk, active))
    return points


AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 64),
    (65, None),
)


def age_band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    if high is None:
        return f"{low}+"
    if low == 0:
        return f"≤ {high}"
    return f"{low}–{high}"


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    n: int
    drill: dict[str, str] = field(default_factory=dict)  # filters of the people list


def breakdowns(place: Place, period: Period) -> dict[str, list[Slice]]:
    """Registered workers by occupation category, sex, age band (age reached in the period's
    year) and funder, largest first; each slice names the people-list filters that show its
    rows."""
    raw = people_tally_breakdown(place.code, upto=period.key)
    if not raw:
        return {}
    names = dict(OccupationCategory.objects.values_list("code", "name"))
    occupation = [
        Slice(
            code or "-",
            names.get(code, _("Not classified")),
            n,
            {"occupation": code} if code else {},
        )
        for code, n in raw.get("occupation", {}).items()
    ]
    sex_labels = {"L": _("Male"), "P": _("Female")}
    sex = [
        Slice(code or "-", sex_labels.get(code, _("Unknown")), n, {"sex": code} if code else {})
        for code, n in raw.get("sex", {}).items()
    ]
    bands: dict[str, int] = {}
    for year, count in raw.get("birth_year", {}).items():
        label = _("Unknown")
        if year:
            age = period.year - int(year)
            for band in AGE_BANDS:
                if age >= band[0] and (band[1] is None or age <= band[1]):
                    label = age_band_label(band)
                    break
        bands[label] = bands.get(label, 0) + count
    order = [age_band_label(b) for b in AGE_BANDS] + [_("Unknown")]
    by_age = [Slice(label, label, bands[label]) for label in order if label in bands]
    funders: dict[str, str] = {str(k): str(v) for k, v in FUNDER_LABELS.items()}
    funder = [
        Slice(code or "-", str(funders.get(code, _("Not stated"))), n)
        for code, n in raw.get("funder", {}).items()
    ]
    return {
        "occupation": sorted(occupation, key=lambda s: -s.n),
        "sex": sorted(sex, key=lambda s: s.key),
        "age": by_age,
        "funder": sorted(funder, key=lambda s: -s.n),
    }


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    realised: Decimal | int | None
    gap: Decimal | int | None
    achieved_pct: Decimal | None


def targets_progress(coverage: Coverage) -> list[TargetProgress]:
    """The region's targets for the period's year, each with what is realised at the end of the
    period and the gap."""
    progress = []
    targets = Target.objects.filter(region_id=coverage.place.code, year=coverage.period.year)
    for target in targets:
        realised = coverage.value(target.measure)
        gap = None if realised is None else max(target.value - Decimal(realised), Decimal(0))
        progress.append(TargetProgress(target, realised, gap, ratio(realised, target.value)))
    return progress


def targets_of(codes: list[str]) -> list[Target]:
    return list(Target.objects.filter(region_id__in=codes).select_related("region"))


# --- reported against computed -----------------------------------------------------------------


@dataclass(frozen=True)
class FigureCheck:
    figure: ReportedFigure
    computed: Decimal | int | None
    formula: str
    flagged: bool
    note: str = ""

    @property
    def difference(self) -> Decimal | None:
        if self.computed is None:
            return None
        return Decimal(self.computed) - self.figure.value


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def figure_checks(code: str) -> list[FigureCheck]:
    """Every figure reported for region ``code``, each beside what the rows (or the other
    reported figures) give, flagged when they disagree at the precision of the report."""
    figures = list(
        ReportedFigure.objects.filter(region_id=code)
        .prefetch_related("categories")
        .order_by("as_of", "kind", "id")
    )
    checks = []
    for figure in figures:
        period = Period(figure.as_of.year, figure.as_of.month)
        if figure.kind == FigureKind.UCJ_PCT:
            cov = coverage_of(place_get(code), period)
            if cov.bpjs_active_reported is None:
                checks.append(
                    FigureCheck(
                        figure,
                        None,
                        "",
                        False,
                        _("Cannot be computed: no count of active BPJS participants entered."),
                    )
                )
                continue
            computed = cov.coverage_pct
            places = _decimals(figure.value)
            assert computed is not None or cov.working_population is None
            flagged = computed is not None and computed.quantize(
                Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
            ) != figure.value.quantize(Decimal(1).scaleb(-places))
            checks.append(FigureCheck(figure, computed, cov.coverage_formula, flagged))
        elif figure.kind == FigureKind.PROTECTED:
            categories = [c.code for c in figure.categories.all()]
            computed_n = _registered_in(code, period, categories)
            label = (
                " + ".join(c.name for c in figure.categories.all())
                if categories
                else _("all categories")
            )
            checks.append(
                FigureCheck(
                    figure,
                    computed_n,
                    _("registered workers, %(categories)s: %(n)s")
                    % {"categories": label, "n": number(computed_n)},
                    computed_n != int(figure.value),
                )
            )
        else:
            checks.append(FigureCheck(figure, None, "", False))
    return checks


def _registered_in(code: str, period: Period, categories: list[str]) -> int:
    if not categories:
        return people_tally_totals([code], upto=period.key)[code]
    by_occupation = people_tally_breakdown(code, upto=period.key).get("occupation", {})
    return sum(by_occupation.get(c, 0) for c in categories)


def flagged_checks(codes: Iterable[str]) -> list[FigureCheck]:
    return [c for code in codes for c in figure_checks(code) if c.flagged]


def as_json(coverage: Coverage) -> dict[str, Any]:
    """The contract of ``jaring monev coverage --json`` for one region (children added by the
    caller)."""
    pct = coverage.coverage_pct
    return {
        "region": coverage.place.code,
        "name": coverage.place.name,
        "period": coverage.period.iso,
        "working_population": coverage.working_population,
        "informal": coverage.informal,
        "working_population_source": coverage.denominator.source,
        "registered": coverage.registered,
        "in_sk": coverage.in_sk,
        "bpjs_registered": coverage.bpjs_registered,
        "active": coverage.active,
        "lapsed": coverage.lapsed,
        "bpjs_active": coverage.ucj_numerator,
        "bpjs_active_source": coverage.ucj_numerator_source,
        "coverage_pct": float(round(pct, 2)) if pct is not None else None,
        "coverage_formula": coverage.coverage_formula,
        "registered_pct_of_informal": _float(coverage.stage_pct("registered")),
        "level": level_of(coverage.place.code),
    }


def _float(value: Decimal | None) -> float | None:
    return float(round(value, 2)) if value is not None else None
