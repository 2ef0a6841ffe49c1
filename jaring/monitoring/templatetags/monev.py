"""Numbers, percentages and dates on Monev pages and reports, as people read them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template

from jaring.core import formats

register = template.Library()


@register.filter
def angka(value: int | float | Decimal | None, places: int = 0) -> str:
    """``486404`` → ``486.404``."""
    return formats.number(value, places)


@register.filter
def persen(value: float | Decimal | None, places: int = 2) -> str:
    """``38.516`` → ``38,52 %``."""
    return formats.percent(value, places)


@register.filter
def tanggal(value: date | None) -> str:
    """``2 Des 2026``."""
    return formats.date_label(value)


@register.simple_tag
def drill(region: str, filters: dict[str, Any] | None = None) -> str:
    """The query string of the people list showing the rows behind a figure."""
    return urlencode({"region": region, **(filters or {})})
