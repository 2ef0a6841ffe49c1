"""Money: whole rupiah as ``int``, amounts that carry their legal basis, and rounding.

Percentages are applied with exact fractions, never floats, so 1 % of Rp 1.000.000 is exactly
Rp 10.000 and a rounding step only happens when a result really has a fraction of a rupiah.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from jaring.rules.legal import LegalBasis
from jaring.rules.messages import Message

#: How a fraction of a rupiah is removed. RULES.md §1.2: the official mode is UNVERIFIED.
Rounding = Literal["half_up", "half_even", "down", "up"]
ROUNDING_MODES: tuple[Rounding, ...] = ("half_up", "half_even", "down", "up")


def round_rupiah(value: Fraction, mode: Rounding) -> int:
    """Round a non-negative exact value to whole rupiah."""
    if value < 0:
        raise ValueError("amounts are never negative")
    whole, rest = divmod(value, 1)
    whole = int(whole)
    if rest == 0 or mode == "down":
        return whole
    if mode == "up":
        return whole + 1
    if rest > Fraction(1, 2):
        return whole + 1
    if rest < Fraction(1, 2):
        return whole
    # Exactly half a rupiah: half_up goes up, half_even goes to the even neighbour.
    if mode == "half_up":
        return whole + 1
    return whole + (whole % 2)


def apply_rate(base: int, rate: Fraction, mode: Rounding) -> tuple[int, bool]:
    """``base × rate`` in whole rupiah, and whether rounding changed the exact result."""
    exact = base * rate
    rounded = round_rupiah(exact, mode)
    return rounded, rounded != exact


def format_rupiah(rupiah: int) -> str:
    """Indonesian style: ``format_rupiah(16800) == "Rp 16.800"``."""
    sign = "-" if rupiah < 0 else ""
    return f"{sign}Rp {abs(rupiah):,}".replace(",", ".")


@dataclass(frozen=True, slots=True)
class Amount:
    """One line of money with its label (a message, shown in the reader's language) and the rule
    it comes from. Never negative.

    ``code`` is a stable identifier of the line (``"JKM_LUMP_SUM"``), for storage and tests.
    """

    code: str
    rupiah: int
    label: Message
    basis: LegalBasis

    def __post_init__(self) -> None:
        if isinstance(self.rupiah, bool) or not isinstance(self.rupiah, int):
            raise TypeError("rupiah must be an int")
        if self.rupiah < 0:
            raise ValueError(f"{self.code}: amounts are never negative ({self.rupiah})")

    def times(self, factor: int) -> Amount:
        """The same line for ``factor`` people (or months)."""
        return Amount(self.code, self.rupiah * factor, self.label, self.basis)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rupiah": self.rupiah,
            **self.label.to_dict("label"),
            "basis": self.basis.to_dict(),
        }


def total(amounts: Iterable[Amount]) -> int:
    return sum(a.rupiah for a in amounts)


def merge_lines(amounts: Iterable[Amount]) -> tuple[Amount, ...]:
    """Add up lines with the same code and legal basis, keeping first-seen order."""
    merged: dict[tuple[str, LegalBasis], Amount] = {}
    for amount in amounts:
        key = (amount.code, amount.basis)
        previous = merged.get(key)
        merged[key] = (
            amount
            if previous is None
            else Amount(
                amount.code,
                previous.rupiah + amount.rupiah,
                amount.label,
                amount.basis,
            )
        )
    return tuple(merged.values())
