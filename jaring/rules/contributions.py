"""Contributions (iuran) of BPU participants: per month, per period, per cohort.

JKK 1 % of the declared income basis (PP 44/2015 Lampiran II), JKM a flat Rp 6.800, optional JHT
2 % (PP 46/2015). Temporary reductions apply by month, sector and funder: PP 49/2020 (99 % off
JKK and JKM, historical) and PP 50/2025 (50 % off JKK and JKM in 2026-2027, not for participants
funded from APBN/APBD). JHT is never reduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from jaring.rules.config import (
    DEFAULT_CONFIG,
    FUNDER_LABELS,
    FUNDERS,
    MIN_INCOME_BASIS,
    PP50_STATUTORY_EXCLUDED,
    PP50_UNVERIFIED_FUNDERS,
    SECTORS,
    Funder,
    RulesConfig,
    Sector,
)
from jaring.rules.legal import (
    BPU_JHT_CONTRIBUTION,
    BPU_JKK_CONTRIBUTION,
    BPU_JKM_CONTRIBUTION,
    PP_44_2015_IN_FORCE,
    PP_50_2025_DISCOUNT,
    LegalBasis,
    pp_49_2020,
)
from jaring.rules.messages import Message, gettext_noop
from jaring.rules.money import Amount, apply_rate, format_rupiah, merge_lines, total
from jaring.rules.months import Month, month_range
from jaring.rules.problems import Problem, make_problem, raise_on_errors

JKK_RATE = Fraction(1, 100)
JHT_RATE = Fraction(2, 100)
JKM_FLAT = 6_800
FIRST_CONTRIBUTION_MONTH = Month.of(PP_44_2015_IN_FORCE)


@dataclass(frozen=True, slots=True)
class ReductionRule:
    """A temporary cut of the JKK and JKM contributions, by month, sector and funder."""

    code: str
    basis: LegalBasis
    share_off: Fraction
    periods: tuple[tuple[Sector, Month, Month], ...]
    #: Funders whose participants get the cut; ``None`` = everyone.
    eligible_funders: frozenset[Funder] | None

    def applies_in(self, month: Month, sector: Sector) -> bool:
        return any(s == sector and first <= month <= last for s, first, last in self.periods)

    def covers_funder(self, funder: Funder) -> bool:
        return self.eligible_funders is None or funder in self.eligible_funders


def reduction_rules(config: RulesConfig = DEFAULT_CONFIG) -> tuple[ReductionRule, ...]:
    """The temporary reductions, with the configured (unverified) parts filled in."""
    pp49_first, pp49_last = config.pp49_2020_first_month, config.pp49_2020_last_month
    return (
        ReductionRule(
            code="PP49_2020",
            basis=pp_49_2020(pp49_first.first_day, pp49_last.last_day),
            share_off=Fraction(99, 100),
            periods=(("transport", pp49_first, pp49_last), ("other", pp49_first, pp49_last)),
            eligible_funders=None,
        ),
        ReductionRule(
            code="PP50_2025",
            basis=PP_50_2025_DISCOUNT,
            share_off=Fraction(1, 2),
            periods=(
                ("transport", Month(2026, 1), Month(2027, 3)),
                ("other", Month(2026, 4), Month(2026, 12)),
            ),
            eligible_funders=config.pp50_2025_eligible_funders,
        ),
    )


def validate_income_basis(income: int, config: RulesConfig = DEFAULT_CONFIG) -> tuple[Problem, ...]:
    """Problems of a declared BPU income basis: below Rp 1.000.000, or not an admissible step."""
    shown = format_rupiah(income)
    if income < MIN_INCOME_BASIS:
        return (make_problem("INCOME_BASIS_BELOW_MINIMUM", income=shown),)
    if income not in config.income_bases:
        allowed = ", ".join(format_rupiah(b) for b in sorted(config.income_bases))
        return (
            make_problem(
                "INCOME_BASIS_NOT_LISTED",
                severity=config.unlisted_income_basis,
                income=shown,
                allowed=allowed,
            ),
        )
    return ()


def _choice_problems(sector: str, funder: str) -> list[Problem]:
    found: list[Problem] = []
    if sector not in SECTORS:
        found.append(make_problem("SECTOR_UNKNOWN", sector=sector))
    if funder not in FUNDERS:
        found.append(make_problem("FUNDER_UNKNOWN", funder=funder, allowed=", ".join(FUNDERS)))
    return found


@dataclass(frozen=True, slots=True)
class MonthContribution:
    """The contribution for one participant and one month: gross lines minus reductions."""

    month: Month
    income: int
    sector: Sector
    funder: Funder
    jht: bool
    lines: tuple[Amount, ...]
    reductions: tuple[Amount, ...]
    problems: tuple[Problem, ...]

    @property
    def gross(self) -> int:
        return total(self.lines)

    @property
    def reduction(self) -> int:
        return total(self.reductions)

    @property
    def total(self) -> int:
        return self.gross - self.reduction

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "income": self.income,
            "sector": self.sector,
            "funder": self.funder,
            "jht": self.jht,
            "lines": [a.to_dict() for a in self.lines],
            "reductions": [a.to_dict() for a in self.reductions],
            "gross": self.gross,
            "reduction": self.reduction,
            "total": self.total,
            "problems": [p.to_dict() for p in self.problems],
        }


def _reductions(
    lines: tuple[Amount, ...],
    month: Month,
    sector: Sector,
    funder: Funder,
    config: RulesConfig,
) -> tuple[list[Amount], list[Problem], bool]:
    cuts: list[Amount] = []
    notes: list[Problem] = []
    rounded = False
    for rule in reduction_rules(config):
        if not rule.applies_in(month, sector):
            continue
        is_pp50 = rule.code == "PP50_2025"
        label = FUNDER_LABELS[funder]
        if not rule.covers_funder(funder):
            if funder in PP50_STATUTORY_EXCLUDED:
                notes.append(make_problem("PP50_FUNDER_EXCLUDED", funder_label=label))
            else:
                notes.append(
                    make_problem(
                        "ASSUMPTION_PP50_FUNDER",
                        funder_label=label,
                        decision=Message(gettext_noop("not eligible for")),
                    )
                )
            continue
        if is_pp50 and funder in PP50_UNVERIFIED_FUNDERS:
            notes.append(
                make_problem(
                    "ASSUMPTION_PP50_FUNDER",
                    funder_label=label,
                    decision=Message(gettext_noop("eligible for")),
                )
            )
        if not is_pp50:
            notes.append(
                make_problem(
                    "ASSUMPTION_PP49_PERIOD",
                    first=str(config.pp49_2020_first_month),
                    last=str(config.pp49_2020_last_month),
                )
            )
        percent = rule.share_off * 100
        for line in lines:
            if line.code not in {"JKK", "JKM"}:
                continue
            payable, was_rounded = apply_rate(line.rupiah, 1 - rule.share_off, config.rounding)
            rounded = rounded or was_rounded
            cuts.append(
                Amount(
                    code=f"{line.code}_REDUCTION_{rule.code}",
                    rupiah=line.rupiah - payable,
                    label=Message.of(
                        gettext_noop("{percent} % {line} reduction ({regulation})"),
                        percent=percent,
                        line=line.code,
                        regulation=rule.basis.regulation,
                    ),
                    basis=rule.basis,
                )
            )
    return cuts, notes, rounded


def contribution_for_month(
    income: int,
    month: Month,
    *,
    jht: bool = False,
    sector: Sector = "other",
    funder: Funder = "self",
    config: RulesConfig = DEFAULT_CONFIG,
) -> MonthContribution:
    """The contribution of one BPU participant for ``month``.

    Raises :class:`~jaring.rules.problems.RulesInputError` on an inadmissible income basis,
    an unknown sector or funder, or a month before PP 44/2015 (July 2015).
    """
    problems = [*validate_income_basis(income, config), *_choice_problems(sector, funder)]
    if month < FIRST_CONTRIBUTION_MONTH:
        problems.append(make_problem("DATE_BEFORE_PROGRAMME", date=str(month)))
    raise_on_errors(tuple(problems))

    jkk, jkk_rounded = apply_rate(income, JKK_RATE, config.rounding)
    shown_income = format_rupiah(income)
    lines = [
        Amount(
            "JKK",
            jkk,
            Message.of(gettext_noop("JKK 1 % × {income}"), income=shown_income),
            BPU_JKK_CONTRIBUTION,
        ),
        Amount("JKM", JKM_FLAT, Message(gettext_noop("JKM (flat)")), BPU_JKM_CONTRIBUTION),
    ]
    jht_rounded = False
    if jht:
        jht_amount, jht_rounded = apply_rate(income, JHT_RATE, config.rounding)
        lines.append(
            Amount(
                "JHT",
                jht_amount,
                Message.of(gettext_noop("JHT 2 % × {income}"), income=shown_income),
                BPU_JHT_CONTRIBUTION,
            )
        )
    cuts, notes, cut_rounded = _reductions(tuple(lines), month, sector, funder, config)
    problems.extend(notes)
    if jkk_rounded or jht_rounded or cut_rounded:
        problems.append(make_problem("ROUNDING_APPLIED", mode=config.rounding))
    return MonthContribution(
        month=month,
        income=income,
        sector=sector,
        funder=funder,
        jht=jht,
        lines=tuple(lines),
        reductions=tuple(cuts),
        problems=tuple(problems),
    )


@dataclass(frozen=True, slots=True)
class ContributionPlan:
    """Contributions of ``people`` participants with the same terms over a run of months."""

    people: int
    months: tuple[MonthContribution, ...]

    @property
    def first_month(self) -> Month:
        return self.months[0].month

    @property
    def last_month(self) -> Month:
        return self.months[-1].month

    @property
    def per_person(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def total(self) -> int:
        return self.people * self.per_person

    def _aggregate(self, reductions: bool) -> tuple[Amount, ...]:
        """Lines summed over months and people, labelled with how many of each they cover."""
        per_month = [m.reductions if reductions else m.lines for m in self.months]
        months_of: dict[tuple[str, LegalBasis], int] = {}
        for amounts in per_month:
            for a in amounts:
                months_of[(a.code, a.basis)] = months_of.get((a.code, a.basis), 0) + 1
        merged = merge_lines(a.times(self.people) for amounts in per_month for a in amounts)
        people = f"{self.people:,}".replace(",", ".")
        result: list[Amount] = []
        for a in merged:
            count = months_of[(a.code, a.basis)]
            label = a.label
            if count > 1:
                label = Message.of(
                    gettext_noop("{label} × {count} months"), label=label, count=count
                )
            if self.people != 1:
                label = Message.of(
                    gettext_noop("{label} × {people} people"), label=label, people=people
                )
            result.append(Amount(a.code, a.rupiah, label, a.basis))
        return tuple(result)

    @property
    def lines(self) -> tuple[Amount, ...]:
        """Gross lines summed over months and people, one per programme and legal basis."""
        return self._aggregate(reductions=False)

    @property
    def reductions(self) -> tuple[Amount, ...]:
        return self._aggregate(reductions=True)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(dict.fromkeys(p for m in self.months for p in m.problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "first_month": str(self.first_month),
            "last_month": str(self.last_month),
            "month_count": len(self.months),
            "per_person": self.per_person,
            "total": self.total,
            "lines": [a.to_dict() for a in self.lines],
            "reductions": [a.to_dict() for a in self.reductions],
            "months": [m.to_dict() for m in self.months],
            "problems": [p.to_dict() for p in self.problems],
        }


def last_month_of(first: Month, count: int) -> Month:
    """The last month of a run of ``count`` months starting at ``first`` (``count`` >= 1)."""
    if count < 1:
        raise_on_errors((make_problem("MONTH_COUNT_INVALID", months=count),))
    return first + (count - 1)


def contribution_for_cohort(
    people: int,
    income: int,
    first: Month,
    last: Month,
    *,
    jht: bool = False,
    sector: Sector = "other",
    funder: Funder = "self",
    config: RulesConfig = DEFAULT_CONFIG,
) -> ContributionPlan:
    """Contributions of ``people`` participants for every month ``first``..``last`` (inclusive).

    Reductions are decided month by month, so a period across the start or end of PP 50/2025
    mixes full and discounted months.
    """
    problems: list[Problem] = []
    if people < 0:
        problems.append(make_problem("PEOPLE_COUNT_INVALID", people=people))
    if last < first:
        problems.append(make_problem("MONTH_RANGE_REVERSED", first=str(first), last=str(last)))
    raise_on_errors(tuple(problems))
    months = tuple(
        contribution_for_month(income, m, jht=jht, sector=sector, funder=funder, config=config)
        for m in month_range(first, last)
    )
    return ContributionPlan(people=people, months=months)


def contribution_for_period(
    income: int,
    first: Month,
    last: Month,
    *,
    jht: bool = False,
    sector: Sector = "other",
    funder: Funder = "self",
    config: RulesConfig = DEFAULT_CONFIG,
) -> ContributionPlan:
    """Contributions of one participant for every month ``first``..``last`` (inclusive)."""
    return contribution_for_cohort(
        1, income, first, last, jht=jht, sector=sector, funder=funder, config=config
    )
