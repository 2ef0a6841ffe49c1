"""Calendar months: the unit of contributions and coverage (one iuran buys one month)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from jaring.rules.messages import Message, gettext_noop

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, ordered in time; ``str(Month(2024, 1)) == "2024-01"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1..9999, got {self.year}")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``"2024-01"`` (or ``"2024-1"``); raise ``ValueError`` on anything else."""
        match = _MONTH_RE.match(text)
        if match is None:
            raise ValueError(f"not a month in YYYY-MM form: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def index(self) -> int:
        """Months since year 0: makes differences and shifts plain integer arithmetic."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        year, month0 = divmod(index, 12)
        return cls(year, month0 + 1)

    def shift(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __add__(self, months: int) -> Month:
        return self.shift(months)

    def __sub__(self, other: Month) -> int:
        return self.index - other.index

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_range(first: Month, last: Month) -> tuple[Month, ...]:
    """Every month from ``first`` to ``last`` inclusive; empty when ``last < first``."""
    return tuple(Month.from_index(i) for i in range(first.index, last.index + 1))


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    target = Month.of(day).shift(months)
    return date(target.year, target.month, min(day.day, target.last_day.day))


def completed_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is before one month has passed).

    A month is complete on the same day-of-month (clamped at month end): 15 Jan -> 15 Apr is 3.
    """
    if end < start:
        raise ValueError("end is before start")
    months = Month.of(end) - Month.of(start)
    if add_months(start, months) > end:
        months -= 1
    return months


#: Month names as msgids ("Maret" in Indonesian), January first.
MONTH_NAMES: tuple[str, ...] = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


def month_label(month: Month) -> Message:
    """``Month(2025, 3)`` reads "Maret 2025" in Indonesian, "March 2025" in English."""
    return Message.of("{name} {year}", name=Message(MONTH_NAMES[month.month - 1]), year=month.year)
