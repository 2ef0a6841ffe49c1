"""Sets of months as bits of one integer: the months a person was covered and paid for.

An enrolment keeps its paid months (and the months its memberships cover) as a bit mask
counted from a base month: bit ``i`` is ``base + i``. A programme runs at most
:data:`jaring.rules.programmes.MAX_PROGRAMME_MONTHS` (60) months, so every mask fits a signed
64-bit column on both databases, and "set the month's bit for a million people" is one
``UPDATE … SET paid_mask = paid_mask | bit`` instead of a million rows of paid months. The
mask is only a cache of the bill lines (``paid`` by a payment); :func:`months_of` turns it back
into the :class:`~jaring.rules.months.Month` values the rules engine takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from jaring.rules.months import Month

#: Bits 0..61 are months; bit 63 is the sign of a signed 64-bit column and stays clear.
MAX_BITS = 62


class MonthOutOfRangeError(ValueError):
    """A month before the base month, or too far after it to have a bit."""


def month_of(value: date | Month) -> Month:
    return value if isinstance(value, Month) else Month.of(value)


def bit_index(month: date | Month, base: date | Month) -> int:
    index = month_of(month) - month_of(base)
    if not 0 <= index < MAX_BITS:
        raise MonthOutOfRangeError(
            f"{month_of(month)} is outside the {MAX_BITS} months from {base}"
        )
    return index


def bit(month: date | Month, base: date | Month) -> int:
    """The mask with only ``month`` set."""
    return 1 << bit_index(month, base)


def range_mask(first: date | Month, last: date | Month, base: date | Month) -> int:
    """Every month ``first``..``last`` (inclusive); 0 when ``last`` is before ``first``."""
    start, end = month_of(first), month_of(last)
    if end < start:
        return 0
    low, high = bit_index(start, base), bit_index(end, base)
    return ((1 << (high + 1)) - 1) ^ ((1 << low) - 1)


def mask_of(months: Iterable[date | Month], base: date | Month) -> int:
    mask = 0
    for month in months:
        mask |= bit(month, base)
    return mask


def months_of(mask: int, base: date | Month) -> tuple[Month, ...]:
    """The months whose bits are set, in order."""
    start = month_of(base)
    found: list[Month] = []
    index = 0
    while mask:
        if mask & 1:
            found.append(start + index)
        mask >>= 1
        index += 1
    return tuple(found)


def has(mask: int, month: date | Month, base: date | Month) -> bool:
    index = month_of(month) - month_of(base)
    return 0 <= index < MAX_BITS and bool(mask >> index & 1)
