"""Claims: what an event entitles the heirs (or the injured worker) to, from the months paid.

A claim starts from an event — a death not caused by work (JKM), a death from a work accident
or an occupational disease (JKK), a work accident with injury or an occupational disease the
worker survives (JKK) — and the contributions paid for the person. :func:`entitlement` answers
"was the person protected that month, and to what":

1. the protection status in the month of the event from the paid months
   (:func:`jaring.rules.status.protection_status`): paid that month → covered; 1–3 months in
   arrears → covered or not as configured (open question Q2); more than 3 → the membership had
   ended ("kepesertaan berakhir Maret 2025: 4 bulan tertunggak"), nothing is due;
2. the membership's length: whole months from the first paid month of the current, unbroken
   membership to the event (the Permenaker 1/2025 qualifying period), and the months actually
   paid before the event month (the 36 months of the JKM scholarship);
3. the amounts, by the benefit functions of :mod:`jaring.rules.benefits`, each line with its
   legal basis.

Also here, as plain functions: the order of heirs, the documents a file needs, working days for
the service-level clock, and the scholarship as yearly instalments.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, get_args

from jaring.rules.benefits import (
    BenefitResult,
    jkk_death_benefit,
    jkk_partial_disability_benefit,
    jkk_total_disability_benefit,
    jkm_benefit,
    stmb_benefit,
)
from jaring.rules.config import DEFAULT_CONFIG, MIN_INCOME_BASIS, Funder, RulesConfig
from jaring.rules.legal import PP_82_2019_IN_FORCE
from jaring.rules.messages import Message, gettext_noop
from jaring.rules.money import Amount, total
from jaring.rules.months import Month, completed_months
from jaring.rules.problems import Problem, make_problem
from jaring.rules.scholarship import (
    LEVEL_RULES,
    MAX_CHILDREN,
    PP44_LUMP_SUM,
    Child,
    ScholarshipResult,
    SchoolLevel,
)
from jaring.rules.status import ProtectionState, ProtectionStatus, protection_status

#: What happened. ``occupational_disease`` is one the worker survives; a death from it is a
#: ``work_death`` (the JKK death benefit covers occupational disease as a work accident).
EventKind = Literal["death", "work_death", "work_injury", "occupational_disease"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
DEATHS: frozenset[EventKind] = frozenset({"death", "work_death"})
#: The programme a line is paid from, as the claims CLI names it.
LineKind = Literal["jkm", "jkk-death", "jkk-disability", "stmb"]


@dataclass(frozen=True, slots=True)
class Disability:
    """A permanent disability after a work accident: total (``total=True``), or partial with
    the Lampiran III percentage and, for a lost function, the percentage of function lost."""

    total: bool = False
    percent: Decimal | None = None
    function_loss: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ClaimLine:
    kind: LineKind
    amount: Amount

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.amount.to_dict()}


@dataclass(frozen=True, slots=True)
class Entitlement:
    """The answer for one event: ``entitled`` and its cash ``lines`` (the scholarship apart),
    or the ``reasons`` nothing is due; ``notes`` explain the rules that shaped the result."""

    event: EventKind
    event_date: date
    entitled: bool
    status: ProtectionStatus
    membership_start: Month | None
    tenure_months: int | None
    contribution_months: int | None
    lines: tuple[ClaimLine, ...]
    scholarship: ScholarshipResult | None
    reasons: tuple[Problem, ...]
    notes: tuple[Problem, ...]
    era: str | None

    @property
    def total(self) -> int:
        """Cash due now, without the scholarship (paid year by year)."""
        return total(line.amount for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "event_date": self.event_date.isoformat(),
            "entitled": self.entitled,
            "total": self.total,
            "status": self.status.to_dict(),
            "membership_start": str(self.membership_start) if self.membership_start else None,
            "tenure_months": self.tenure_months,
            "contribution_months": self.contribution_months,
            "era": self.era,
            "lines": [line.to_dict() for line in self.lines],
            "scholarship": self.scholarship.to_dict() if self.scholarship else None,
            "reasons": [p.to_dict() for p in self.reasons],
            "notes": [p.to_dict() for p in self.notes],
        }


def _labels(name: str, month: Month) -> dict[str, Any]:
    """A month parameter: stored as ``"2025-03"``, read as "Maret 2025" (the spec's
    ``months``)."""
    return {name: str(month)}


def coverage(
    status: ProtectionStatus,
    *,
    covered_months: Collection[Month] | None = None,
    config: RulesConfig = DEFAULT_CONFIG,
) -> tuple[bool, tuple[Problem, ...]]:
    """Whether a risk in ``status.month`` is covered, with the reason or the caveat."""
    state = status.state
    if state is ProtectionState.AKTIF:
        return True, ()
    if state is ProtectionState.TERTUNGGAK:
        arrears = ", ".join(str(m) for m in status.arrears)
        if config.arrears_risk_covered is None:
            note = make_problem(
                "CLAIM_ARREARS_UNCERTAIN", unpaid=status.unpaid_months, arrears=arrears
            )
            return True, (note,)
        if config.arrears_risk_covered:
            note = make_problem(
                "CLAIM_ARREARS_COVERED", unpaid=status.unpaid_months, arrears=arrears
            )
            return True, (note,)
        return False, (make_problem("CLAIM_IN_ARREARS", unpaid=status.unpaid_months),)
    if state in (ProtectionState.BERAKHIR, ProtectionState.NONAKTIF):
        assert status.lapse_month is not None and status.last_paid is not None
        reason = make_problem(
            "CLAIM_MEMBERSHIP_ENDED",
            unpaid=status.unpaid_months,
            **_labels("lapse", status.lapse_month),
            **_labels("last_paid", status.last_paid),
        )
        return False, (reason,)
    code = (
        "CLAIM_FIRST_MONTH_UNPAID"
        if covered_months is not None and status.month in covered_months
        else "CLAIM_NEVER_PAID"
    )
    return False, (make_problem(code, **_labels("month", status.month)),)


def _jkk_injury(
    *,
    event_date: date,
    income: int,
    children: Sequence[Child],
    incapacity_months: int | None,
    disability: Disability | None,
    config: RulesConfig,
) -> tuple[list[ClaimLine], ScholarshipResult | None, list[Problem], str]:
    lines: list[ClaimLine] = []
    notes: list[Problem] = []
    grant: ScholarshipResult | None = None
    results: list[tuple[LineKind, BenefitResult]] = []
    if incapacity_months:
        results.append(
            (
                "stmb",
                stmb_benefit(
                    income=income,
                    accident_date=event_date,
                    first_month=1,
                    last_month=incapacity_months,
                    config=config,
                ),
            )
        )
    if disability is not None and disability.total:
        result = jkk_total_disability_benefit(
            income=income, accident_date=event_date, children=children, config=config
        )
        grant = result.scholarship
        results.append(("jkk-disability", result))
    elif disability is not None and disability.percent is not None:
        results.append(
            (
                "jkk-disability",
                jkk_partial_disability_benefit(
                    income=income,
                    accident_date=event_date,
                    percent=disability.percent,
                    function_loss=disability.function_loss,
                    config=config,
                ),
            )
        )
    if not results:
        notes.append(make_problem("CLAIM_JKK_ASSESSMENT_PENDING"))
        era = stmb_benefit(income=income, accident_date=event_date, config=config).era
        return lines, None, notes, era
    for kind, result in results:
        lines.extend(ClaimLine(kind, amount) for amount in result.lines)
        notes.extend(result.problems)
    return lines, grant, notes, results[0][1].era


def entitlement(
    *,
    event: EventKind,
    event_date: date,
    paid_months: Iterable[Month],
    covered_months: Iterable[Month] | None = None,
    income: int = MIN_INCOME_BASIS,
    children: Sequence[Child] = (),
    funder: Funder | None = None,
    incapacity_months: int | None = None,
    disability: Disability | None = None,
    jht_claimed: bool = False,
    config: RulesConfig = DEFAULT_CONFIG,
) -> Entitlement:
    """What ``event`` on ``event_date`` entitles to, given every month paid for the person
    (across programmes) and, when known, the months a decree covered them.

    ``income`` is the declared basis W (JKK); ``children`` the scholarship candidates in the
    heirs' order (at most two count); ``incapacity_months`` and ``disability`` the JKK
    assessment of an injury, when known. Raises :class:`~jaring.rules.problems.RulesInputError`
    for input no rule can use (an event before PP 44/2015, a wage of Rp 0, a bad percentage).
    """
    if event not in EVENT_KINDS:
        raise ValueError(f"unknown event {event!r}")
    paid = sorted(set(paid_months))
    covered = None if covered_months is None else frozenset(covered_months)
    event_month = Month.of(event_date)
    status = protection_status(paid, event_date, jht_claimed=jht_claimed, config=config)
    protected, found = coverage(status, covered_months=covered, config=config)
    notes: list[Problem] = []
    if covered is not None and event_month not in covered and protected:
        notes.append(make_problem("CLAIM_NOT_IN_DECREE", **_labels("month", event_month)))
    later = sum(1 for m in paid if m > event_month)
    if later:
        notes.append(make_problem("CLAIM_PAID_AFTER_EVENT", months=later))
    if not protected:
        return Entitlement(
            event=event,
            event_date=event_date,
            entitled=False,
            status=status,
            membership_start=None,
            tenure_months=None,
            contribution_months=None,
            lines=(),
            scholarship=None,
            reasons=found,
            notes=tuple(notes),
            era=None,
        )
    notes = [*found, *notes]
    start = status.spell_start
    assert start is not None  # covered: some month up to the event's was paid
    tenure = completed_months(start.first_day, event_date)
    contribution = sum(1 for m in paid if start <= m < event_month)
    notes.insert(
        0,
        make_problem(
            "CLAIM_TENURE", tenure=tenure, contribution=contribution, **_labels("start", start)
        ),
    )
    lines: list[ClaimLine]
    if event == "death":
        result = jkm_benefit(
            death_date=event_date,
            membership_start=start.first_day,
            children=children,
            funder=funder,
            contribution_months=contribution,
            config=config,
        )
        lines = [ClaimLine("jkm", amount) for amount in result.lines]
        grant, era = result.scholarship, result.era
        notes.extend(result.problems)
    elif event == "work_death":
        result = jkk_death_benefit(
            income=income, accident_date=event_date, children=children, config=config
        )
        lines = [ClaimLine("jkk-death", amount) for amount in result.lines]
        grant, era = result.scholarship, result.era
        notes.extend(result.problems)
    else:
        lines, grant, more, era = _jkk_injury(
            event_date=event_date,
            income=income,
            children=children,
            incapacity_months=incapacity_months,
            disability=disability,
            config=config,
        )
        notes.extend(more)
    if grant is not None:
        notes.extend(grant.problems)
    return Entitlement(
        event=event,
        event_date=event_date,
        entitled=True,
        status=status,
        membership_start=start,
        tenure_months=tenure,
        contribution_months=contribution,
        lines=tuple(lines),
        scholarship=grant,
        reasons=(),
        notes=tuple(dict.fromkeys(notes)),
        era=era,
    )


# --- heirs ------------------------------------------------------------------------------------

#: Who may receive a death benefit, by kinship with the deceased (RULES.md §2.1, §10).
HeirRelation = Literal[
    "spouse", "child", "grandchild", "parent", "grandparent", "sibling", "parent_in_law", "will"
]
HEIR_RELATIONS: tuple[HeirRelation, ...] = get_args(HeirRelation)
#: The order in which heirs receive (Permenaker 4/2023 Pasal 57, presumed for BPU): spouse and
#: children first; then relatives in a straight line to the 2nd degree; siblings;
#: parents-in-law; a person named in the will.
HEIR_RANK: dict[HeirRelation, int] = {
    "spouse": 1,
    "child": 1,
    "grandchild": 2,
    "parent": 2,
    "grandparent": 2,
    "sibling": 3,
    "parent_in_law": 4,
    "will": 5,
}


def heir_order(relations: Sequence[HeirRelation]) -> tuple[int, ...]:
    """Positions of ``relations`` in the order they receive (ties keep their given order)."""
    return tuple(sorted(range(len(relations)), key=lambda i: (HEIR_RANK[relations[i]], i)))


def first_heirs(relations: Sequence[HeirRelation]) -> tuple[int, ...]:
    """Positions of the heirs of the first rank present: the ones who receive."""
    if not relations:
        return ()
    best = min(HEIR_RANK[r] for r in relations)
    return tuple(i for i, r in enumerate(relations) if HEIR_RANK[r] == best)


def payee_problems(relations: Sequence[HeirRelation], payee: int) -> tuple[Problem, ...]:
    """A warning when the chosen payee is not among the heirs who come first."""
    first = first_heirs(relations)
    if payee in first:
        return ()
    first_relations = list(dict.fromkeys(relations[i] for i in first))
    return (
        make_problem(
            "HEIR_PAYEE_NOT_FIRST",
            relation=relations[payee],
            first=", ".join(first_relations),
        ),
    )


# --- documents --------------------------------------------------------------------------------

DocumentCode = Literal[
    "kpj_card",
    "ktp_participant",
    "ktp_heir",
    "family_card",
    "death_certificate",
    "heir_statement",
    "marriage_book",
    "savings_book",
    "npwp",
    "accident_report",
    "medical_certificate",
]
DOCUMENT_CODES: tuple[DocumentCode, ...] = get_args(DocumentCode)
#: An NPWP is asked for a benefit above this amount (RULES.md §10).
NPWP_THRESHOLD = 50_000_000


def required_documents(
    event: EventKind, *, payee_relation: HeirRelation | None, cash_total: int
) -> tuple[DocumentCode, ...]:
    """The file BPJS asks for: for a death the deceased's and the heir's papers (the marriage
    book when the spouse receives); for a work accident its report and the doctor's statement;
    an NPWP when the cash benefit is above Rp 50.000.000."""
    docs: list[DocumentCode] = ["kpj_card", "ktp_participant"]
    if event in DEATHS:
        docs += ["ktp_heir", "family_card", "death_certificate", "heir_statement"]
        if payee_relation == "spouse":
            docs.append("marriage_book")
    if event != "death":
        docs.append("accident_report")
    if event in ("work_injury", "occupational_disease"):
        docs.append("medical_certificate")
    docs.append("savings_book")
    if cash_total > NPWP_THRESHOLD:
        docs.append("npwp")
    return tuple(docs)


# --- working days -----------------------------------------------------------------------------

#: BPJS settles a complete claim within this many working days (PP 44/2015, Permenaker 5/2021).
SERVICE_WORKING_DAYS = 3


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days cannot be negative")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_after(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


# --- scholarship instalments ------------------------------------------------------------------

#: The scholarship stops when the child reaches this age (PP 82/2019).
SCHOLARSHIP_AGE_LIMIT = 23


@dataclass(frozen=True, slots=True)
class Instalment:
    """One yearly payment of a child's scholarship."""

    child: int  # 1 or 2, in the heirs' order
    number: int  # 1, 2, ... for this child
    level: SchoolLevel
    year: int  # year within the level
    due_on: date
    amount: Amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "child": self.child,
            "number": self.number,
            "level": self.level,
            "year": self.year,
            "due_on": self.due_on.isoformat(),
            **self.amount.to_dict(),
        }


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _positions(child: Child) -> list[tuple[SchoolLevel, int, int]]:
    """(level, year within it, yearly amount) from the child's current year to the last."""
    levels = [rule.level for rule in LEVEL_RULES]
    start = levels.index(child.level)
    found: list[tuple[SchoolLevel, int, int]] = []
    for rule in LEVEL_RULES[start:]:
        first = child.year if rule.level == child.level else 1
        found.extend((rule.level, year, rule.yearly) for year in range(first, rule.years + 1))
    return found


def scholarship_schedule(
    grant: ScholarshipResult | None,
    children: Sequence[Child],
    *,
    event_date: date,
    first_due: date,
    birth_dates: Sequence[date | None] = (),
) -> tuple[tuple[Instalment, ...], tuple[Problem, ...]]:
    """The scholarship of an eligible ``grant`` as yearly instalments from ``first_due``: per
    child (at most two) one line per school year up to S1, stopping at age 23 when the birth
    date is known. A child not yet at school gets lines once the school year is known."""
    if grant is None or not grant.eligible or not children or not grant.now:
        return (), ()
    basis = grant.now[0].basis
    if event_date < PP_82_2019_IN_FORCE:
        first = children[0]
        amount = Amount(
            "SCHOLARSHIP_LUMP_SUM",
            PP44_LUMP_SUM,
            Message(gettext_noop("Education scholarship (one payment, one child)")),
            basis,
        )
        level: SchoolLevel = "sd" if first.level == "belum" else first.level
        return (Instalment(1, 1, level, first.year, first_due, amount),), ()
    lines: list[Instalment] = []
    problems: list[Problem] = []
    for index, child in enumerate(children[:MAX_CHILDREN]):
        number = index + 1
        if child.level == "belum":
            problems.append(make_problem("SCHOLARSHIP_WAITING_SCHOOL", child=number))
            continue
        born = birth_dates[index] if index < len(birth_dates) else None
        limit = add_years(born, SCHOLARSHIP_AGE_LIMIT) if born else None
        for k, (level, year, yearly) in enumerate(_positions(child)):
            due = add_years(first_due, k)
            if limit is not None and due >= limit:
                problems.append(
                    make_problem(
                        "SCHOLARSHIP_AGE_LIMIT",
                        child=number,
                        stopped=limit.isoformat(),
                        lines=k,
                    )
                )
                break
            rule = next(r for r in LEVEL_RULES if r.level == level)
            amount = Amount(
                f"SCHOLARSHIP_CHILD_{number}",
                yearly,
                Message.of(
                    gettext_noop("Scholarship child {number}, {level} year {year}"),
                    number=number,
                    level=Message(rule.label),
                    year=year,
                ),
                basis,
            )
            lines.append(Instalment(number, k + 1, level, year, due, amount))
    return tuple(lines), tuple(problems)
