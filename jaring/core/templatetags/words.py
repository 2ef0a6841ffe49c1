"""Dates, times and numbers as people read them, for every template: ``{% load words %}``.

``{{ value|day }}`` → "2 Des 2026"; ``{{ value|moment }}`` → "2 Des 2026 14.05 WIB" (a stored
time, which is UTC, shown in Asia/Jakarta: the project's ``TIME_ZONE``); ``{{ value|percent }}``
→ "38,52 %" from a share (0.3852) — never a raw probability.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from jaring.core import formats

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_label(value)


@register.filter
def moment(value: datetime | None) -> str:
    """A stored time in the local zone, with the zone's name ("WIB")."""
    if value is None:
        return "–"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    zone = local.tzname() or ""
    return f"{formats.date_label(local.date())} {local:%H.%M} {zone}".strip()


@register.filter
def share(value: float | Decimal | None, places: int = 0) -> str:
    """A share between 0 and 1 as a percentage ("92 %")."""
    if value is None:
        return "–"
    return formats.percent(Decimal(str(value)) * 100, places)
