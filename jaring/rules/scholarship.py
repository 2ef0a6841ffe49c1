"""Scholarships (beasiswa pendidikan anak) paid with JKM and with JKK death/total disability.

Since PP 82/2019 (2 December 2019): at most two children, a yearly amount per school level
(TK, SD, SMP, SMA, higher education up to S1 or training), ending when the child turns 23,
marries or works. The JKM route needs 3 years (36 months) of contributions; the JKK route
(death or total permanent disability from a work accident) has no minimum.
Before PP 82/2019: one amount of Rp 12.000.000 per participant, JKM route after 5 years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast, get_args

from jaring.rules.config import DEFAULT_CONFIG, RulesConfig
from jaring.rules.legal import (
    PP_82_2019_IN_FORCE,
    SCHOLARSHIP_JKK_PP44,
    SCHOLARSHIP_JKK_PP82,
    SCHOLARSHIP_JKM_PP44,
    SCHOLARSHIP_JKM_PP82,
)
from jaring.rules.messages import Message, gettext_noop
from jaring.rules.money import Amount, total
from jaring.rules.problems import Problem, RulesInputError, make_problem

SchoolLevel = Literal["belum", "tk", "sd", "smp", "sma", "pt"]
SCHOOL_LEVELS: tuple[SchoolLevel, ...] = get_args(SchoolLevel)
Route = Literal["jkm", "jkk"]


@dataclass(frozen=True, slots=True)
class LevelRule:
    level: SchoolLevel
    label: str  # a msgid
    years: int
    yearly: int


#: PP 82/2019 scholarship table, in school order. "belum" = not yet at school: nothing now,
#: the full table later.
LEVEL_RULES: tuple[LevelRule, ...] = (
    LevelRule("tk", gettext_noop("kindergarten"), 2, 1_500_000),
    LevelRule("sd", gettext_noop("primary school"), 6, 1_500_000),
    LevelRule("smp", gettext_noop("junior secondary"), 3, 2_000_000),
    LevelRule("sma", gettext_noop("senior secondary"), 3, 3_000_000),
    LevelRule(
        "pt",
        gettext_noop("higher education (up to bachelor) / training"),
        5,
        12_000_000,
    ),
)
_LEVEL_INDEX = {rule.level: i for i, rule in enumerate(LEVEL_RULES)}
MAX_CHILDREN = 2
MIN_CONTRIBUTION_MONTHS_JKM = 36
MIN_CONTRIBUTION_MONTHS_JKM_PP44 = 60
PP44_LUMP_SUM = 12_000_000


@dataclass(frozen=True, slots=True)
class Child:
    """A child's current school level and year within it (1 = first year)."""

    level: SchoolLevel
    year: int = 1


def child_problems(child: Child) -> tuple[Problem, ...]:
    if child.level not in SCHOOL_LEVELS:
        allowed = ", ".join(SCHOOL_LEVELS)
        return (make_problem("SCHOOL_LEVEL_UNKNOWN", level=child.level, allowed=allowed),)
    years = 1 if child.level == "belum" else LEVEL_RULES[_LEVEL_INDEX[child.level]].years
    if not 1 <= child.year <= years:
        return (
            make_problem("SCHOOL_YEAR_INVALID", year=child.year, level=child.level, years=years),
        )
    return ()


def parse_children(text: str) -> tuple[Child, ...]:
    """``"sd,smp:2"`` -> SD year 1 and SMP year 2. Raises ``RulesInputError`` on bad items."""
    children: list[Child] = []
    problems: list[Problem] = []
    for item in (part.strip().lower() for part in text.split(",")):
        if not item:
            continue
        level, _, year_text = item.partition(":")
        # "sd" is year 1; "sd:x" gets year 0 so that it is reported as an impossible year.
        year = int(year_text) if year_text.strip().isdigit() else (0 if year_text else 1)
        child = Child(cast(SchoolLevel, level), year)  # the level is checked just below
        found = child_problems(child)
        problems.extend(found)
        children.append(child)
    if problems:
        raise RulesInputError(tuple(problems))
    return tuple(children)


@dataclass(frozen=True, slots=True)
class ScholarshipResult:
    """What the children receive: ``now`` (first payment) and ``maximum`` (over all years)."""

    eligible: bool
    now: tuple[Amount, ...]
    maximum: tuple[Amount, ...]
    problems: tuple[Problem, ...]

    @property
    def now_total(self) -> int:
        return total(self.now)

    @property
    def maximum_total(self) -> int:
        return total(self.maximum)

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "now": [a.to_dict() for a in self.now],
            "now_total": self.now_total,
            "maximum": [a.to_dict() for a in self.maximum],
            "maximum_total": self.maximum_total,
            "problems": [p.to_dict() for p in self.problems],
        }


def _remaining(child: Child) -> int:
    """Rp the child can still receive from the current year up to the last level."""
    if child.level == "belum":
        return sum(rule.years * rule.yearly for rule in LEVEL_RULES)
    start = _LEVEL_INDEX[child.level]
    current = LEVEL_RULES[start]
    rest = sum(rule.years * rule.yearly for rule in LEVEL_RULES[start + 1 :])
    return (current.years - child.year + 1) * current.yearly + rest


def _level_label(child: Child) -> Message:
    if child.level == "belum":
        return Message(gettext_noop("not yet at school"))
    rule = LEVEL_RULES[_LEVEL_INDEX[child.level]]
    return Message.of(
        gettext_noop("{level}, year {year}"), level=Message(rule.label), year=child.year
    )


def scholarship(
    children: Sequence[Child],
    *,
    route: Route,
    event_date: date,
    contribution_months: int | None,
    config: RulesConfig = DEFAULT_CONFIG,
) -> ScholarshipResult:
    """The scholarship for ``children`` after a death (``route="jkm"``) or a work accident
    (``route="jkk"``: death or total permanent disability) on ``event_date``.

    ``contribution_months`` is the participant's contribution period (JKM route only).
    """
    del config  # no open question touches the scholarship; kept for a uniform signature
    problems: list[Problem] = []
    for child in children:
        problems.extend(child_problems(child))
    if problems:
        raise RulesInputError(tuple(problems))
    pp82 = event_date >= PP_82_2019_IN_FORCE
    if route == "jkm":
        basis = SCHOLARSHIP_JKM_PP82 if pp82 else SCHOLARSHIP_JKM_PP44
    else:
        basis = SCHOLARSHIP_JKK_PP82 if pp82 else SCHOLARSHIP_JKK_PP44
    if route == "jkm":
        required = MIN_CONTRIBUTION_MONTHS_JKM if pp82 else MIN_CONTRIBUTION_MONTHS_JKM_PP44
        tenure = contribution_months or 0
        if tenure < required:
            note = make_problem("SCHOLARSHIP_TENURE_SHORT", required=required, tenure=tenure)
            return ScholarshipResult(False, (), (), (note,))
    if not children:
        return ScholarshipResult(True, (), (), ())
    if not pp82:
        lump = Amount(
            "SCHOLARSHIP_LUMP_SUM",
            PP44_LUMP_SUM,
            Message(gettext_noop("Education scholarship (one payment, one child)")),
            basis,
        )
        return ScholarshipResult(True, (lump,), (lump,), ())
    if len(children) > MAX_CHILDREN:
        problems.append(
            make_problem("SCHOLARSHIP_CHILDREN_LIMIT", limit=MAX_CHILDREN, given=len(children))
        )
    now: list[Amount] = []
    maximum: list[Amount] = []
    for number, child in enumerate(children[:MAX_CHILDREN], start=1):
        level = _level_label(child)
        yearly = 0 if child.level == "belum" else LEVEL_RULES[_LEVEL_INDEX[child.level]].yearly
        now.append(
            Amount(
                f"SCHOLARSHIP_CHILD_{number}",
                yearly,
                Message.of(
                    gettext_noop("Scholarship child {number} ({level}), this year"),
                    number=number,
                    level=level,
                ),
                basis,
            )
        )
        maximum.append(
            Amount(
                f"SCHOLARSHIP_CHILD_{number}_MAX",
                _remaining(child),
                Message.of(
                    gettext_noop("Scholarship child {number}, at most up to a bachelor's degree"),
                    number=number,
                ),
                basis,
            )
        )
    problems.append(make_problem("SCHOLARSHIP_ENDS"))
    return ScholarshipResult(True, tuple(now), tuple(maximum), tuple(problems))
