"""Benefits (manfaat): JKM after a death not caused by work, and the JKK cash benefits.

The rule in force on the event date applies: a death or accident from 2 December 2019 uses
PP 82/2019's amounts, an earlier one (from 1 July 2015) the original PP 44/2015 amounts.
"W" is the monthly wage; for BPU the declared income basis (Rp 1.000.000 for most Pemda
participants). Medical care, transport and device reimbursements are not computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from jaring.rules.config import DEFAULT_CONFIG, MIN_INCOME_BASIS, Funder, RulesConfig
from jaring.rules.legal import (
    JKK_CASH_PP44,
    JKK_CASH_PP82,
    JKK_DISABILITY_TABLE,
    JKM_BENEFIT_PP44,
    JKM_BENEFIT_PP82,
    PP_44_2015_IN_FORCE,
    PP_82_2019_IN_FORCE,
    LegalBasis,
    permenaker_1_2025,
)
from jaring.rules.messages import Message, gettext_noop
from jaring.rules.money import Amount, apply_rate, format_rupiah, total
from jaring.rules.months import completed_months
from jaring.rules.problems import Problem, make_problem, raise_on_errors
from jaring.rules.scholarship import Child, ScholarshipResult, scholarship

BenefitKind = Literal["jkm", "jkk_death", "jkk_total_disability", "jkk_partial_disability", "stmb"]

#: Multiples of W: 60 % × 80 for death, 70 % × 80 for total permanent disability.
JKK_DEATH_WAGE_MONTHS = 48
JKK_TOTAL_DISABILITY_WAGE_MONTHS = 56
JKK_DISABILITY_WAGE_MONTHS = 80
#: Permenaker 1/2025 cannot be in force before this day, whatever the configuration says.
_FIRST_DAY_OF_2025 = date(2025, 1, 1)


@dataclass(frozen=True, slots=True)
class BenefitEra:
    """The amounts of one version of PP 44/2015."""

    name: str
    jkm_lump_sum: int
    jkm_periodic: int
    jkm_funeral: int
    jkk_periodic: int
    jkk_funeral: int
    jkm_basis: LegalBasis
    jkk_basis: LegalBasis
    #: (first month, last month or None = open, share of W) of temporary incapacity (STMB).
    stmb_bands: tuple[tuple[int, int | None, Fraction], ...]

    @property
    def jkm_total(self) -> int:
        return self.jkm_lump_sum + self.jkm_periodic + self.jkm_funeral


PP44_ERA = BenefitEra(
    name="PP 44/2015",
    jkm_lump_sum=16_200_000,
    jkm_periodic=4_800_000,  # 24 × Rp 200.000, paid at once
    jkm_funeral=3_000_000,
    jkk_periodic=4_800_000,
    jkk_funeral=3_000_000,
    jkm_basis=JKM_BENEFIT_PP44,
    jkk_basis=JKK_CASH_PP44,
    stmb_bands=((1, 6, Fraction(1)), (7, 12, Fraction(3, 4)), (13, None, Fraction(1, 2))),
)
PP82_ERA = BenefitEra(
    name="PP 82/2019",
    jkm_lump_sum=20_000_000,
    jkm_periodic=12_000_000,  # 24 × Rp 500.000, paid at once
    jkm_funeral=10_000_000,
    jkk_periodic=12_000_000,
    jkk_funeral=10_000_000,
    jkm_basis=JKM_BENEFIT_PP82,
    jkk_basis=JKK_CASH_PP82,
    stmb_bands=((1, 12, Fraction(1)), (13, None, Fraction(1, 2))),
)


def era_on(day: date) -> BenefitEra:
    """The benefit amounts in force on ``day`` (from 1 July 2015)."""
    if day < PP_44_2015_IN_FORCE:
        raise_on_errors((make_problem("DATE_BEFORE_PROGRAMME", date=day.isoformat()),))
    return PP82_ERA if day >= PP_82_2019_IN_FORCE else PP44_ERA


@dataclass(frozen=True, slots=True)
class BenefitResult:
    """A benefit: cash ``lines`` due now, the scholarship (if any), and explanations."""

    kind: BenefitKind
    event_date: date
    era: str
    lines: tuple[Amount, ...]
    scholarship: ScholarshipResult | None
    problems: tuple[Problem, ...]
    tenure_months: int | None = None

    @property
    def total(self) -> int:
        """Cash due now, without the scholarship (which is paid year by year)."""
        return total(self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "event_date": self.event_date.isoformat(),
            "era": self.era,
            "tenure_months": self.tenure_months,
            "lines": [a.to_dict() for a in self.lines],
            "total": self.total,
            "scholarship": self.scholarship.to_dict() if self.scholarship else None,
            "problems": [p.to_dict() for p in self.problems],
        }


def _wage_problems(income: int) -> list[Problem]:
    # Benefits use whatever wage was declared; below the BPU minimum is suspicious, not void.
    if income <= 0:
        return [make_problem("INCOME_NOT_POSITIVE", income=format_rupiah(income))]
    if income < MIN_INCOME_BASIS:
        return [
            make_problem(
                "INCOME_BASIS_BELOW_MINIMUM", severity="warning", income=format_rupiah(income)
            )
        ]
    return []


def _event_problems(day: date) -> list[Problem]:
    if day < PP_44_2015_IN_FORCE:
        return [make_problem("DATE_BEFORE_PROGRAMME", date=day.isoformat())]
    return []


# --- JKM ---------------------------------------------------------------------------------------


def _jkm_reduced(tenure: int, config: RulesConfig) -> tuple[list[Amount], Problem]:
    basis = permenaker_1_2025(config.jkm_qualifying_in_force)
    lines: list[Amount] = []
    if config.jkm_reduced_lump_sum:
        lines.append(
            Amount(
                "JKM_REDUCED_LUMP_SUM",
                config.jkm_reduced_lump_sum,
                Message(gettext_noop("JKM cash benefit (membership under 3 months)")),
                basis,
            )
        )
    if config.jkm_reduced_funeral:
        lines.append(
            Amount(
                "JKM_FUNERAL",
                config.jkm_reduced_funeral,
                Message(gettext_noop("Funeral costs")),
                basis,
            )
        )
    note = make_problem(
        "JKM_QUALIFYING_PERIOD", tenure=tenure, reduced_total=format_rupiah(total(lines))
    )
    return lines, note


def jkm_benefit(
    *,
    death_date: date,
    membership_start: date,
    children: Sequence[Child] = (),
    funder: Funder | None = None,
    contribution_months: int | None = None,
    config: RulesConfig = DEFAULT_CONFIG,
) -> BenefitResult:
    """JKM for the heirs of a participant who died of a cause other than work.

    Tenure is the whole months from ``membership_start`` to ``death_date``: pass the start of
    the current, uninterrupted membership (after a lapse, membership starts from zero). It
    decides the Permenaker 1/2025 qualifying period, and the 36-month scholarship rule unless
    ``contribution_months`` (months actually paid, :func:`jaring.rules.claims.entitlement`)
    is given.
    """
    problems = _event_problems(death_date)
    if death_date < membership_start:
        problems.append(
            make_problem(
                "DEATH_BEFORE_MEMBERSHIP",
                death_date=death_date.isoformat(),
                membership_start=membership_start.isoformat(),
            )
        )
    raise_on_errors(tuple(problems))
    era = era_on(death_date)
    tenure = completed_months(membership_start, death_date)
    limit = config.jkm_qualifying_months
    short = tenure < limit if config.jkm_qualifying_boundary == "lt" else tenure <= limit
    in_force = death_date >= config.jkm_qualifying_in_force
    exempt = funder is not None and funder in config.jkm_qualifying_exempt_funders
    if short and in_force and not exempt:
        lines, note = _jkm_reduced(tenure, config)
        problems.append(note)
    else:
        lines = [
            Amount(
                "JKM_LUMP_SUM", era.jkm_lump_sum, Message(gettext_noop("Lump sum")), era.jkm_basis
            ),
            Amount(
                "JKM_PERIODIC",
                era.jkm_periodic,
                Message(gettext_noop("Periodic benefit, 24 months (paid at once)")),
                era.jkm_basis,
            ),
            Amount(
                "JKM_FUNERAL",
                era.jkm_funeral,
                Message(gettext_noop("Funeral costs")),
                era.jkm_basis,
            ),
        ]
    if death_date >= _FIRST_DAY_OF_2025 and tenure <= limit:
        lt = config.jkm_qualifying_boundary == "lt"
        problems.append(
            make_problem(
                "ASSUMPTION_JKM_QUALIFYING",
                in_force=config.jkm_qualifying_in_force.isoformat(),
                boundary=Message(gettext_noop("under") if lt else gettext_noop("at most")),
                months=limit,
            )
        )
    grant = (
        scholarship(
            children,
            route="jkm",
            event_date=death_date,
            contribution_months=tenure if contribution_months is None else contribution_months,
            config=config,
        )
        if children
        else None
    )
    return BenefitResult(
        kind="jkm",
        event_date=death_date,
        era=era.name,
        lines=tuple(lines),
        scholarship=grant,
        problems=tuple(problems),
        tenure_months=tenure,
    )


# --- JKK ---------------------------------------------------------------------------------------


def _jkk_start(income: int, accident_date: date) -> tuple[BenefitEra, list[Problem]]:
    problems = [*_wage_problems(income), *_event_problems(accident_date)]
    raise_on_errors(tuple(problems))
    return era_on(accident_date), problems


def _jkk_scholarship(
    children: Sequence[Child], accident_date: date, config: RulesConfig
) -> ScholarshipResult | None:
    if not children:
        return None
    return scholarship(
        children, route="jkk", event_date=accident_date, contribution_months=None, config=config
    )


def jkk_death_benefit(
    *,
    income: int,
    accident_date: date,
    children: Sequence[Child] = (),
    config: RulesConfig = DEFAULT_CONFIG,
) -> BenefitResult:
    """Death from a work accident (or occupational disease): 48 × W with its floor, periodic
    benefit, funeral costs, and the scholarship with no minimum tenure."""
    era, problems = _jkk_start(income, accident_date)
    lump = JKK_DEATH_WAGE_MONTHS * income
    if config.jkk_death_floor == "jkm_lump_sum":
        floor = era.jkm_lump_sum
        floor_label = Message(gettext_noop("the JKM lump sum"))
    else:
        floor = era.jkm_total
        floor_label = Message(gettext_noop("the whole JKM benefit"))
    lump_label = Message.of(
        gettext_noop("Death benefit 48 × {income}"), income=format_rupiah(income)
    )
    if lump < floor:
        lump = floor
        lump_label = Message.of(gettext_noop("Death benefit (floor: {floor})"), floor=floor_label)
        problems.append(
            make_problem(
                "ASSUMPTION_JKK_DEATH_FLOOR", floor_label=floor_label, floor=format_rupiah(floor)
            )
        )
    lines = (
        Amount("JKK_DEATH_LUMP_SUM", lump, lump_label, era.jkk_basis),
        Amount(
            "JKK_DEATH_PERIODIC",
            era.jkk_periodic,
            Message(gettext_noop("Periodic benefit, 24 months (paid at once)")),
            era.jkk_basis,
        ),
        Amount(
            "JKK_DEATH_FUNERAL",
            era.jkk_funeral,
            Message(gettext_noop("Funeral costs")),
            era.jkk_basis,
        ),
    )
    return BenefitResult(
        kind="jkk_death",
        event_date=accident_date,
        era=era.name,
        lines=lines,
        scholarship=_jkk_scholarship(children, accident_date, config),
        problems=tuple(problems),
    )


def jkk_total_disability_benefit(
    *,
    income: int,
    accident_date: date,
    children: Sequence[Child] = (),
    config: RulesConfig = DEFAULT_CONFIG,
) -> BenefitResult:
    """Total permanent disability (cacat total tetap): 70 % × 80 × W = 56 × W, the periodic
    benefit paid at once, and the scholarship."""
    era, problems = _jkk_start(income, accident_date)
    shown = format_rupiah(income)
    lines = (
        Amount(
            "JKK_TOTAL_DISABILITY_LUMP_SUM",
            JKK_TOTAL_DISABILITY_WAGE_MONTHS * income,
            Message.of(
                gettext_noop("Total permanent disability 70 % × 80 × {income}"), income=shown
            ),
            era.jkk_basis,
        ),
        Amount(
            "JKK_TOTAL_DISABILITY_PERIODIC",
            era.jkk_periodic,
            Message(gettext_noop("Periodic benefit, 24 months (paid at once)")),
            era.jkk_basis,
        ),
    )
    return BenefitResult(
        kind="jkk_total_disability",
        event_date=accident_date,
        era=era.name,
        lines=lines,
        scholarship=_jkk_scholarship(children, accident_date, config),
        problems=tuple(problems),
    )


def _percent_problem(name: str, value: Decimal) -> list[Problem]:
    if value.is_finite() and Decimal(0) < value <= Decimal(100):
        return []
    return [make_problem("DISABILITY_PERCENT_INVALID", name=name, value=value)]


def to_percent(text: str) -> Decimal:
    """``"35"``, ``"2,5"`` or ``"2.5"`` as a Decimal; ``ValueError`` if it is not a number."""
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not a percentage: {text!r}") from None


def jkk_partial_disability_benefit(
    *,
    income: int,
    accident_date: date,
    percent: Decimal | int | None = None,
    body_part: str | None = None,
    function_loss: Decimal | int | None = None,
    config: RulesConfig = DEFAULT_CONFIG,
) -> BenefitResult:
    """Partial permanent disability: table % × 80 × W (anatomical), times the % of function
    lost when only a function is impaired.

    Give the Lampiran III percentage directly (``percent``) or a ``body_part`` of the
    configured table (:attr:`RulesConfig.disability_percentages`, open question Q10).
    """
    if (percent is None) == (body_part is None):
        raise ValueError("give exactly one of percent and body_part")
    era, problems = _jkk_start(income, accident_date)
    if percent is not None:
        table_percent = Decimal(percent)
    else:
        table = dict(config.disability_percentages)
        part = body_part or ""
        if part not in table:
            allowed = ", ".join(table) or "-"
            problems.append(
                make_problem("DISABILITY_BODY_PART_UNKNOWN", body_part=part, allowed=allowed)
            )
            raise_on_errors(tuple(problems))
        table_percent = table[part]
    loss = Decimal(100) if function_loss is None else Decimal(function_loss)
    problems.extend(_percent_problem("tabel", table_percent))
    problems.extend(_percent_problem("fungsi", loss))
    raise_on_errors(tuple(problems))
    share = Fraction(table_percent) / 100 * Fraction(loss) / 100
    amount, rounded = apply_rate(JKK_DISABILITY_WAGE_MONTHS * income, share, config.rounding)
    if rounded:
        problems.append(make_problem("ROUNDING_APPLIED", mode=config.rounding))
    shown = format_rupiah(income)
    if function_loss is None:
        label = Message.of(
            gettext_noop("Partial anatomical disability {table} % × 80 × {income}"),
            table=table_percent,
            income=shown,
        )
    else:
        label = Message.of(
            gettext_noop("Partial functional disability {function} % × {table} % × 80 × {income}"),
            function=function_loss,
            table=table_percent,
            income=shown,
        )
    basis = era.jkk_basis if body_part is None else JKK_DISABILITY_TABLE
    return BenefitResult(
        kind="jkk_partial_disability",
        event_date=accident_date,
        era=era.name,
        lines=(Amount("JKK_PARTIAL_DISABILITY", amount, label, basis),),
        scholarship=None,
        problems=tuple(problems),
    )


def stmb_benefit(
    *,
    income: int,
    accident_date: date,
    first_month: int = 1,
    last_month: int | None = None,
    config: RulesConfig = DEFAULT_CONFIG,
) -> BenefitResult:
    """Temporary incapacity (STMB) for months ``first_month``..``last_month`` of incapacity
    (default: only ``first_month``). PP 82/2019: 100 % of W for 12 months, then 50 %."""
    last = first_month if last_month is None else last_month
    era, problems = _jkk_start(income, accident_date)
    if first_month < 1:
        problems.append(make_problem("STMB_MONTH_INVALID", month=first_month))
    elif last < first_month:
        problems.append(make_problem("STMB_MONTH_INVALID", month=last))
    raise_on_errors(tuple(problems))
    lines: list[Amount] = []
    rounded = False
    shown = format_rupiah(income)
    for band_first, band_last, share in era.stmb_bands:
        start = max(first_month, band_first)
        end = last if band_last is None else min(last, band_last)
        if end < start:
            continue
        per_month, was_rounded = apply_rate(income, share, config.rounding)
        rounded = rounded or was_rounded
        count = end - start + 1
        months = (
            Message.of(gettext_noop("month {start}"), start=start)
            if count == 1
            else Message.of(gettext_noop("months {start}-{end}"), start=start, end=end)
        )
        label = Message.of(
            gettext_noop("Temporary incapacity, {months}: {percent} % × {income} × {count}"),
            months=months,
            percent=share * 100,
            income=shown,
            count=count,
        )
        lines.append(Amount(f"STMB_{start}_{end}", per_month * count, label, era.jkk_basis))
    if rounded:
        problems.append(make_problem("ROUNDING_APPLIED", mode=config.rounding))
    return BenefitResult(
        kind="stmb",
        event_date=accident_date,
        era=era.name,
        lines=tuple(lines),
        scholarship=None,
        problems=tuple(problems),
    )
