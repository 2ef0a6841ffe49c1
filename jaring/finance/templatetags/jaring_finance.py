"""Filters of the finance pages: rupiah, dates as "2 Des 2026", months as "September 2023"."""

from __future__ import annotations

from datetime import date

from django import template

from jaring.finance.messages import count, day_label, month_label, rupiah

register = template.Library()


@register.filter
def rp(value: int | None) -> str:
    return rupiah(value)


@register.filter
def day(value: date | None) -> str:
    return day_label(value)


@register.filter
def month_name(value: date | None) -> str:
    return month_label(value)


@register.filter
def num(value: int | None) -> str:
    return count(value)
