"""Protection status of a BPU participant from the months that were paid (RULES.md §1.5).

Coverage is counted per calendar month: one paid contribution covers one month. On a given
day the participant is

* ``aktif`` when the current month is paid;
* ``tertunggak`` (in arrears) when 1 to 3 months since the last paid month are unpaid, the
  current month included — those months may still be paid (Perdir 22/PERDIR.02/072022);
* ``berakhir`` (ended) after more than 3 unpaid months, or ``nonaktif`` if the JHT balance was
  already claimed: protection has stopped and registration starts again from zero;
* ``belum_aktif`` when no month up to now has been paid.

No due date within the month is used: the BPU due date is open question Q2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from jaring.rules.config import DEFAULT_CONFIG, RulesConfig
from jaring.rules.legal import BPU_ARREARS_AND_LAPSE, LegalBasis
from jaring.rules.messages import Message, gettext_noop
from jaring.rules.months import Month, month_range
from jaring.rules.problems import Problem, make_problem


class ProtectionState(StrEnum):
    AKTIF = "aktif"
    TERTUNGGAK = "tertunggak"
    BERAKHIR = "berakhir"
    NONAKTIF = "nonaktif"
    BELUM_AKTIF = "belum_aktif"


STATE_LABELS: dict[ProtectionState, str] = {
    ProtectionState.AKTIF: gettext_noop("Active"),
    ProtectionState.TERTUNGGAK: gettext_noop("In arrears"),
    ProtectionState.BERAKHIR: gettext_noop("Ended"),
    ProtectionState.NONAKTIF: gettext_noop("Non-active (JHT claimed)"),
    ProtectionState.BELUM_AKTIF: gettext_noop("Not yet active"),
}


@dataclass(frozen=True, slots=True)
class ProtectionStatus:
    """The status on ``on`` and the months that explain it."""

    state: ProtectionState
    on: date
    month: Month
    last_paid: Month | None
    unpaid_months: int
    #: Unpaid months that may still be paid (only while in arrears).
    arrears: tuple[Month, ...]
    #: Last month of the unbroken run of paid months through the current one (when active).
    paid_through: Month | None
    #: First month the status is (or was) ``berakhir`` if nothing more is paid.
    lapse_month: Month | None
    #: First paid month of the current membership (after the last gap longer than the grace).
    spell_start: Month | None
    #: Unpaid months inside the current membership before the last paid month.
    gaps: tuple[Month, ...]
    #: Whether a risk happening today is covered; ``None`` = unknown (open question Q2).
    covered: bool | None
    problems: tuple[Problem, ...]
    basis: LegalBasis = BPU_ARREARS_AND_LAPSE

    @property
    def label(self) -> Message:
        label = Message(STATE_LABELS[self.state])
        if self.state is ProtectionState.TERTUNGGAK:
            return Message.of(
                gettext_noop("{state}, {months} month(s)"), state=label, months=self.unpaid_months
            )
        return label

    def to_dict(self) -> dict[str, Any]:
        def show(month: Month | None) -> str | None:
            return str(month) if month else None

        return {
            "state": self.state.value,
            **self.label.to_dict("label"),
            "on": self.on.isoformat(),
            "month": str(self.month),
            "last_paid": show(self.last_paid),
            "unpaid_months": self.unpaid_months,
            "arrears": [str(m) for m in self.arrears],
            "paid_through": show(self.paid_through),
            "lapse_month": show(self.lapse_month),
            "spell_start": show(self.spell_start),
            "gaps": [str(m) for m in self.gaps],
            "covered": self.covered,
            "problems": [p.to_dict() for p in self.problems],
            "basis": self.basis.to_dict(),
        }


def _spell(paid: list[Month], upto: Month, grace: int) -> tuple[Month, tuple[Month, ...]]:
    """Start of the current membership ending at ``upto`` and the unpaid months inside it."""
    past = sorted(m for m in paid if m <= upto)
    start = past[-1]
    for earlier in reversed(past[:-1]):
        if start - earlier - 1 > grace:
            break
        start = earlier
    inside = set(past)
    gaps = tuple(m for m in month_range(start, upto) if m not in inside)
    return start, gaps


def protection_status(
    paid_months: Iterable[Month],
    on: date,
    *,
    jht_claimed: bool = False,
    config: RulesConfig = DEFAULT_CONFIG,
) -> ProtectionStatus:
    """The protection status on ``on`` given every month for which a contribution was paid."""
    paid = sorted(set(paid_months))
    current = Month.of(on)
    grace = config.arrears_grace_months
    past = [m for m in paid if m <= current]
    if not past:
        return ProtectionStatus(
            state=ProtectionState.BELUM_AKTIF,
            on=on,
            month=current,
            last_paid=None,
            unpaid_months=0,
            arrears=(),
            paid_through=None,
            lapse_month=None,
            spell_start=paid[0] if paid else None,
            gaps=(),
            covered=False,
            problems=(),
        )
    last = past[-1]
    paid_set = set(paid)
    if last == current:
        through = current
        while through + 1 in paid_set:
            through = through + 1
        start, gaps = _spell(paid, current, grace)
        return ProtectionStatus(
            state=ProtectionState.AKTIF,
            on=on,
            month=current,
            last_paid=current,
            unpaid_months=0,
            arrears=(),
            paid_through=through,
            lapse_month=through + (grace + 1),
            spell_start=start,
            gaps=gaps,
            covered=True,
            problems=(),
        )
    unpaid = current - last
    lapse = last + (grace + 1)
    start, gaps = _spell(paid, last, grace)
    if unpaid <= grace:
        covered = config.arrears_risk_covered
        if covered is None:
            decision = gettext_noop("Treated as not certain.")
        elif covered:
            decision = gettext_noop("Configured: covered once the arrears are paid.")
        else:
            decision = gettext_noop("Configured: not covered.")
        note = make_problem("ASSUMPTION_ARREARS_COVERAGE", decision=Message(decision))
        return ProtectionStatus(
            state=ProtectionState.TERTUNGGAK,
            on=on,
            month=current,
            last_paid=last,
            unpaid_months=unpaid,
            arrears=month_range(last + 1, current),
            paid_through=last,
            lapse_month=lapse,
            spell_start=start,
            gaps=gaps,
            covered=covered,
            problems=(note,),
        )
    state = ProtectionState.NONAKTIF if jht_claimed else ProtectionState.BERAKHIR
    return ProtectionStatus(
        state=state,
        on=on,
        month=current,
        last_paid=last,
        unpaid_months=unpaid,
        arrears=(),
        paid_through=last,
        lapse_month=lapse,
        spell_start=None,
        gaps=(),
        covered=False,
        problems=(),
    )


def parse_months(text: str) -> tuple[Month, ...]:
    """``"2024-01,2024-02"`` -> months; also ranges ``"2024-01..2024-06"``. ``ValueError``."""
    months: list[Month] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        first_text, dots, last_text = item.partition("..")
        if dots:
            first, last = Month.parse(first_text), Month.parse(last_text)
            if last < first:
                raise ValueError(f"range ends before it starts: {item!r}")
            months.extend(month_range(first, last))
        else:
            months.append(Month.parse(item))
    return tuple(months)
