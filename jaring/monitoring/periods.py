"""Monitoring periods: calendar months, written ``YYYY-MM``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from jaring.core.formats import month_label

_PERIOD = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class PeriodError(ValueError):
    """A period that cannot be read or lies in the future; the message says which."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, *, today: date | None = None) -> Period:
        match = _PERIOD.match(text or "")
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise PeriodError(
                _("The period '%(text)s' cannot be read; write year-month, e.g. 2023-12.")
                % {"text": text}
            )
        period = cls(int(match[1]), int(match[2]))
        if period > cls.current(today):
            raise PeriodError(_("The period %(period)s has not come yet.") % {"period": period.iso})
        return period

    @classmethod
    def current(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.year, today.month)

    @classmethod
    def from_key(cls, key: int) -> Period:
        return cls(key // 100, key % 100)

    @property
    def key(self) -> int:
        return self.year * 100 + self.month

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return self.iso
