"""Numbers, percentages and dates as people read them, in the reader's language.

Indonesian first: ``486.404``, ``38,52 %``, ``2 Des 2026``, ``Des 2023``; English: ``486,404``,
``38.52 %``, ``2 Dec 2026``. Month abbreviations come from Django's translated ``MONTHS_3``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.dates import MONTHS_3


def number(value: int | float | Decimal | None, places: int = 0) -> str:
    """``486404`` → ``486.404`` (id) or ``486,404`` (en); ``None`` → an en dash."""
    if value is None:
        return "–"
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def percent(value: float | Decimal | None, places: int = 2) -> str:
    """``38.516`` → ``38,52 %``."""
    if value is None:
        return "–"
    return f"{number(round(Decimal(str(value)), places), places)} %"


def month_abbr(month: int) -> str:
    return str(MONTHS_3[month]).capitalize()


def month_label(year: int, month: int) -> str:
    """``Des 2023``."""
    return f"{month_abbr(month)} {year}"


def date_label(day: date | None) -> str:
    """``2 Des 2026``."""
    if day is None:
        return "–"
    return f"{day.day} {month_abbr(day.month)} {day.year}"
